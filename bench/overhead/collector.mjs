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
const { startOtlpCollector } = await import(pathToFileURL(join(ROOT, 'dist/scripts/waterfall/index.js')).href);

const spansByService = {};
const traceIds = new Set();
let spans = 0;

const collector = await startOtlpCollector({
  port: 0,
  idleMs: 1_000,
  maxRetainedSpans: 0,
  onTrace: (trace) => {
    for (const span of trace) {
      spans++;
      spansByService[span.service] = (spansByService[span.service] ?? 0) + 1;
      traceIds.add(span.traceId);
    }
  },
  onRejected: (rejected) => process.stderr.write(`[collector] rejected a request: ${JSON.stringify(rejected)}\n`),
});

// The parent may be gone (interrupted): then there is nobody to tell, and nothing to keep running for.
const tell = (message, then) => (process.connected ? process.send(message, then) : process.exit(0));
tell({ url: collector.url });
process.on('message', async (message) => {
  if (message !== 'stop') return;
  await collector.close();
  tell({ stats: { spans, spansByService, traces: traceIds.size } }, () => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
