import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeConfig } from '../support/compose-config.js';
import {
  binds,
  exposedPorts,
  healthcheckTest,
  memoryOf,
  namedVolumes,
  parseYamlStrict,
  publishedPorts,
} from './support/compose.js';
import {
  ELASTICSEARCH,
  INDEX_PREFIX,
  LINE_FIELD,
  TAG_FIELD,
  TEMPLATE_NAME,
  TIME_FIELD,
  dailyIndex,
} from './support/log-documents.js';

/**
 * Logstash does not run here (no Docker, no JVM in CI), and its config language is not parsed: each
 * behaviour the collector contract needs (the documents Fluentd writes, support/log-documents.ts) is
 * held by the exact pipeline lines that give it, tied where it can be to compose (as compose-go
 * loads the overlay) and to the shared field list. Whether Logstash accepts the file is left to the
 * first `docker compose -f docker-compose.yml -f docker-compose.logstash.yml up`.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const PIPELINE_DIR = join(ROOT, 'observability/logstash/pipeline');
const SETTINGS_FILE = join(ROOT, 'observability/logstash/config/logstash.yml');

const pipelineFiles = readdirSync(PIPELINE_DIR).filter((f) => f.endsWith('.conf'));
/** The pipeline's lines, trimmed, comment lines left out: what Logstash reads. */
const LINES = new Set(
  pipelineFiles
    .flatMap((f) => readFileSync(join(PIPELINE_DIR, f), 'utf8').split('\n'))
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#')),
);
const settings = parseYamlStrict<Record<string, unknown>>(readFileSync(SETTINGS_FILE, 'utf8'), 'logstash.yml');

const STACK = composeConfig(['docker-compose.yml', 'docker-compose.logstash.yml']);
const logstash = STACK.services.logstash!;
const mountOf = (source: string) => binds(logstash).find((b) => b.source === join(ROOT, source))?.target;
/** The container port behind the host port the Docker fluentd driver dials. */
const driverPort = publishedPorts(logstash).get(
  Number(STACK.services.order!.logging?.options?.['fluentd-address']?.split(':')[1]),
);

/** Each behaviour with the pipeline lines that give it. */
const CONTRACT: [behaviour: string, lines: string[]][] = [
  [
    'reads the Docker fluentd driver where the driver dials, with the fluent codec and its EventTime timestamps',
    ['tcp {', `port => ${driverPort}`, 'codec => fluent { nanosecond_precision => true }'],
  ],
  [
    `parses the lines that start with "{" from the driver's ${LINE_FIELD} field, dropping the raw string`,
    [`if [${LINE_FIELD}] =~ /^\\s*\\{/ {`, `source => "${LINE_FIELD}"`, `remove_field => ["${LINE_FIELD}"]`],
  ],
  [
    `takes @timestamp from the services' ISO ${TIME_FIELD} in UTC, and keeps ${TIME_FIELD}`,
    [`match => ["${TIME_FIELD}", "ISO8601"]`, 'timezone => "UTC"'],
  ],
  [
    'keeps a line that is not JSON as msg, gives every document its service and the driver tag, and indexes nothing Logstash adds',
    [
      `rename => { "${LINE_FIELD}" => "msg" }`,
      'mutate { copy => { "[com.docker.compose.service]" => "service" } }',
      `copy => { "[tags][0]" => "${TAG_FIELD}" }`,
      'remove_field => ["[com.docker.compose.service]", "@version", "tags"]',
    ],
  ],
  [
    `writes to ${ELASTICSEARCH.host}:${ELASTICSEARCH.port} in Fluentd's daily indices, with no data stream or rollover alias renaming them`,
    [
      `hosts => ["http://${ELASTICSEARCH.host}:${ELASTICSEARCH.port}"]`,
      `index => "${INDEX_PREFIX}-%{+YYYY.MM.dd}"`,
      'data_stream => false',
      'ilm_enabled => false',
    ],
  ],
  [
    'installs the composable index template Fluentd installs, from the file compose mounts, at each start',
    [
      'manage_template => true',
      'template_api => "composable"',
      `template_name => "${TEMPLATE_NAME}"`,
      `template => "${mountOf('observability/elasticsearch/index-template.json')}"`,
      'template_overwrite => true',
    ],
  ],
];

describe('Logstash pipeline (observability/logstash/pipeline)', () => {
  it('is one pipeline file, in the folder compose mounts as the image’s pipeline, beside its settings', () => {
    expect(pipelineFiles).toEqual(['logstash.conf']);
    expect(mountOf('observability/logstash/pipeline')).toBe('/usr/share/logstash/pipeline');
    expect(mountOf('observability/logstash/config/logstash.yml')).toBe('/usr/share/logstash/config/logstash.yml');
  });

  it.each(CONTRACT)('%s', (_behaviour, lines) => {
    expect(lines.filter((line) => !LINES.has(line))).toEqual([]);
  });

  it('gets EventTime from every container: the driver sends sub-second timestamps, which the codec reads only with nanosecond_precision', () => {
    expect(driverPort, 'Logstash publishes the port the driver dials').toBe(24224);
    for (const [name, service] of Object.entries(STACK.services).filter(([, s]) => s.logging?.driver === 'fluentd')) {
      expect(service.logging?.options?.['fluentd-sub-second-precision'], name).toBe('true');
    }
  });

  it(`names today's index as Fluentd does (${dailyIndex(new Date())}), on the Elasticsearch service's port`, () => {
    // Joda's YYYY.MM.dd, as Logstash's sprintf dates it (UTC): the same name as dailyIndex().
    const now = new Date();
    const joda = `${now.getUTCFullYear()}.${String(now.getUTCMonth() + 1).padStart(2, '0')}.${String(now.getUTCDate()).padStart(2, '0')}`;
    expect(`${INDEX_PREFIX}-${joda}`).toBe(dailyIndex(now));
    expect(exposedPorts(STACK.services[ELASTICSEARCH.host]!)).toContain(ELASTICSEARCH.port);
  });
});

describe('Logstash settings (observability/logstash/config/logstash.yml) and its service', () => {
  it('serves the monitoring API the healthcheck asks, on a port the service exposes', () => {
    expect(settings['api.http.host']).toBe('0.0.0.0');
    const port = Number(settings['api.http.port']);
    expect(exposedPorts(logstash)).toContain(port);
    const probe = healthcheckTest(logstash) ?? [];
    expect(probe.slice(0, 2)).toEqual(['CMD', 'curl']);
    expect(probe.at(-1)).toBe(`http://127.0.0.1:${port}/_node/pipelines/main`);
  });

  it('queues events on disk on a named volume, as Fluentd buffers them, and sends no monitoring data', () => {
    expect(settings['queue.type']).toBe('persisted');
    expect(String(settings['queue.max_bytes'])).toMatch(/^\d+[kmg]b$/);
    expect(namedVolumes(logstash).map((v) => v.target)).toContain('/usr/share/logstash/data');
    expect(settings['xpack.monitoring.enabled']).toBe(false);
  });

  it('gives the JVM a fixed heap that leaves at least half of the memory limit off-heap', () => {
    const opts = String(logstash.environment?.LS_JAVA_OPTS ?? '');
    const xms = /-Xms(\d+)m/.exec(opts)?.[1];
    const xmx = /-Xmx(\d+)m/.exec(opts)?.[1];
    expect(xms, 'LS_JAVA_OPTS -Xms…m').toBeDefined();
    expect(xms).toBe(xmx);
    expect(Number(xmx) * 2).toBeLessThanOrEqual(memoryOf(logstash));
  });

  it('sets no variable that looks like a Logstash setting, which the entrypoint would write into the read-only logstash.yml', () => {
    expect(Object.keys(logstash.environment ?? {})).toEqual(['LS_JAVA_OPTS']);
    expect(logstash.command ?? []).toEqual([]);
  });
});
