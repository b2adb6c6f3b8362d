/**
 * The OTLP/HTTP receiver the telemetry-on services export to, run as a child of
 * the bench (fork) so reading spans never stalls the load generator's event
 * loop and its CPU time can be reported on its own. It keeps counts, not spans,
 * and takes both encodings the SDK can send: `http/protobuf` (the SDK's and the
 * compose stack's default) and `http/json`.
 *
 * Protocol with the parent (IPC): it sends { url } once listening; on 'stop' it
 * closes, sends { stats } and exits.
 */
import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { countProtobufSpans } from './otlp-count.mjs';

const spansByService = {};
const traceIds = new Set();
let spans = 0;
let rejected = 0;

function countJsonSpans(request, onSpan) {
  for (const resourceSpans of request.resourceSpans ?? []) {
    const attribute = (resourceSpans.resource?.attributes ?? []).find((a) => a.key === 'service.name');
    const service = attribute?.value?.stringValue ?? 'unknown';
    for (const scopeSpans of resourceSpans.scopeSpans ?? [])
      for (const span of scopeSpans.spans ?? []) onSpan(service, span.traceId);
  }
}

const onSpan = (service, traceId) => {
  spans++;
  spansByService[service] = (spansByService[service] ?? 0) + 1;
  traceIds.add(traceId);
};

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const protobuf = String(req.headers['content-type']).includes('protobuf');
    try {
      if (req.method !== 'POST' || req.url !== '/v1/traces') throw new Error(`${req.method} ${req.url}`);
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      if (protobuf) countProtobufSpans(body, onSpan);
      else countJsonSpans(JSON.parse(body.toString('utf8')), onSpan);
      res.writeHead(200, { 'content-type': protobuf ? 'application/x-protobuf' : 'application/json' });
      res.end(protobuf ? undefined : '{}');
    } catch (error) {
      rejected++;
      process.stderr.write(`[collector] rejected a request: ${error.message}\n`);
      res.writeHead(400).end();
    }
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

// The parent may be gone (interrupted): then there is nobody to tell, and nothing to keep running for.
const tell = (message, then) => (process.connected ? process.send(message, then) : process.exit(0));
tell({ url: `http://127.0.0.1:${server.address().port}` });
process.on('message', (message) => {
  if (message !== 'stop') return;
  server.close();
  server.closeAllConnections();
  tell({ stats: { spans, spansByService, traces: traceIds.size, rejected } }, () => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
