/**
 * The OTLP/HTTP receiver the `full` services export to, run as a child of the
 * bench (fork) so parsing spans never stalls the load generator's event loop
 * and its CPU time can be reported on its own. It keeps counts, not spans.
 *
 * Protocol with the parent (IPC): it sends { url } once listening; on 'stop' it
 * closes (emitting every pending trace), sends { stats } and exits.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = new URL('../..', import.meta.url).pathname;
const { startOtlpCollector } = await import(pathToFileURL(join(ROOT, 'dist/libs/observability/src/index.js')).href);

const spansByService = {};
const spansPerTrace = new Map();
let spans = 0;

const collector = await startOtlpCollector({
  port: 0,
  idleMs: 1_000,
  maxRetainedSpans: 0,
  onTrace: (trace) => {
    for (const span of trace) {
      spans++;
      spansByService[span.service] = (spansByService[span.service] ?? 0) + 1;
      // A trace can be emitted in pieces when its services' batches arrive seconds apart: sum by id.
      spansPerTrace.set(span.traceId, (spansPerTrace.get(span.traceId) ?? 0) + 1);
    }
  },
  onRejected: (rejected) => process.stderr.write(`[collector] rejected a request: ${JSON.stringify(rejected)}\n`),
});

process.send({ url: collector.url });
process.on('message', async (message) => {
  if (message !== 'stop') return;
  await collector.close();
  // How many traces had 1, 2, … spans: a whole order has a fixed count, dropped spans show as fewer.
  const histogram = {};
  for (const n of spansPerTrace.values()) histogram[n] = (histogram[n] ?? 0) + 1;
  process.send({ stats: { spans, spansByService, traces: spansPerTrace.size, histogram } }, () => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
