// The script's exported `options`, checked before anything runs. The Node engine
// implements a subset of k6's options; an option it would otherwise skip
// silently (k6 knows it, this engine does not) or a name k6 does not know at
// all (k6 warns and ignores it: a typo that changes nothing is still a bug)
// is refused, so a script never runs differently here than under k6 without
// anyone noticing.
import { parseDuration } from './schedule.js';

/** What this engine implements. */
export const IMPLEMENTED = ['scenarios', 'vus', 'duration', 'iterations', 'stages', 'thresholds', 'tags', 'setupTimeout', 'teardownTimeout'];

/** k6 v1's other script options (lib/options.go): known, not implemented here. */
const K6_ONLY = [
  'batch', 'batchPerHost', 'blacklistIPs', 'blockHostnames', 'cloud', 'discardResponseBodies', 'dns', 'executionSegment',
  'executionSegmentSequence', 'ext', 'hosts', 'httpDebug', 'insecureSkipTLSVerify', 'localIPs', 'maxRedirects',
  'metricSamplesBufferSize', 'minIterationDuration', 'noConnectionReuse', 'noCookiesReset', 'noSetup', 'noTeardown',
  'noVUConnectionReuse', 'paused', 'rps', 'summaryTimeUnit', 'summaryTrendStats', 'systemTags', 'throw', 'tlsAuth',
  'tlsCipherSuites', 'tlsVersion', 'userAgent',
];

/** k6's default for setupTimeout and teardownTimeout. */
const DEFAULT_TIMEOUT = '60s';

/** Checks `options`; returns what the runner needs besides scenarios and thresholds. */
export function checkOptions(options = {}) {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new Error('options must be an object');
  for (const key of Object.keys(options)) {
    if (IMPLEMENTED.includes(key)) continue;
    if (K6_ONLY.includes(key)) throw new Error(`option "${key}" is not implemented by the Node engine (it has ${IMPLEMENTED.join(', ')}); run this script with k6`);
    throw new Error(`unknown option "${key}" (k6 would warn and ignore it; options are ${IMPLEMENTED.join(', ')}, …)`);
  }
  const tags = options.tags ?? {};
  if (typeof tags !== 'object' || Array.isArray(tags) || Object.values(tags).some((v) => typeof v !== 'string')) {
    throw new Error('options.tags must be an object of strings');
  }
  return {
    tags,
    setupTimeoutMs: parseDuration(options.setupTimeout ?? DEFAULT_TIMEOUT, 'options.setupTimeout'),
    teardownTimeoutMs: parseDuration(options.teardownTimeout ?? DEFAULT_TIMEOUT, 'options.teardownTimeout'),
  };
}
