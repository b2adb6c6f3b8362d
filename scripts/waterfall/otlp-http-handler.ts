import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CollectedSpan } from './collected-span.js';
import { parseOtlpTraces } from './otlp-json.js';
import { InvalidOtlpPayloadError } from './otlp-values.js';
import { RequestProblem, readRequestBody } from './request-body.js';

export interface RejectedRequest {
  status: number;
  method: string;
  path: string;
  message: string;
}

export interface OtlpHandlerOptions {
  maxBodyBytes: number;
  onSpans: (spans: CollectedSpan[]) => void;
  onRejected?: (rejected: RejectedRequest) => void;
}

const WRONG_PROTOCOL =
  'This receiver accepts OTLP/HTTP JSON only (content-type: application/json). ' +
  'Set OTEL_EXPORTER_OTLP_PROTOCOL=http/json (or OTEL_EXPORTER_OTLP_TRACES_PROTOCOL) on the service.';

// Metrics and logs are accepted and dropped, so an exporter pointed at this
// receiver by OTEL_EXPORTER_OTLP_ENDPOINT does not log an error every interval.
const IGNORED_PATHS = new Set(['/v1/metrics', '/v1/logs']);

export function createOtlpHandler(options: OtlpHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://receiver').pathname;
    handle(req, res, path, options).catch((error: unknown) => {
      const status =
        error instanceof RequestProblem ? error.status : error instanceof InvalidOtlpPayloadError ? 400 : 500;
      const message = error instanceof Error ? error.message : String(error);
      options.onRejected?.({ status, method: req.method ?? '', path, message });
      sendJson(res, status, { message }, error instanceof RequestProblem ? error.headers : {});
    });
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  options: OtlpHandlerOptions,
): Promise<void> {
  if (path !== '/v1/traces' && !IGNORED_PATHS.has(path)) {
    throw new RequestProblem(404, `No route for ${path}: send traces to POST /v1/traces.`);
  }
  if (req.method !== 'POST') throw new RequestProblem(405, `${path} accepts POST only.`, { allow: 'POST' });
  const type = mediaType(req.headers['content-type']);
  if (IGNORED_PATHS.has(path)) {
    req.resume();
    // An empty body is a valid protobuf response; JSON gets the usual empty partial success.
    if (type === 'application/json') return sendJson(res, 200, { partialSuccess: {} });
    return void res.writeHead(200, { 'content-type': type || 'application/x-protobuf' }).end();
  }
  if (type !== 'application/json') throw new RequestProblem(415, WRONG_PROTOCOL);
  const body = await readRequestBody(req, options.maxBodyBytes);
  options.onSpans(parseOtlpTraces(parseJson(body)));
  sendJson(res, 200, { partialSuccess: {} });
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0].trim().toLowerCase();
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new RequestProblem(400, `The body is not valid JSON: ${(error as Error).message}`);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}
