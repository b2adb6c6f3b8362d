import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

/** A request the receiver refuses, with the status and message to answer. */
export class RequestProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Reads the whole body, inflating gzip/deflate, refusing more than `maxBytes` either way. */
export async function readRequestBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (!['identity', 'gzip', 'x-gzip', 'deflate'].includes(encoding)) {
    throw new RequestProblem(415, `Unsupported content-encoding "${encoding}": send gzip or no compression.`);
  }
  const raw = await readRaw(req, maxBytes);
  if (encoding === 'identity') return raw;
  try {
    const inflater = encoding === 'deflate' ? inflateAsync : gunzipAsync;
    return await inflater(raw, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(maxBytes);
    throw new RequestProblem(400, `The body is not valid ${encoding} data: ${(error as Error).message}`);
  }
}

function readRaw(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  if (Number(req.headers['content-length']) > maxBytes) return Promise.reject(tooLarge(maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      // Stop buffering; Node discards the rest of the body once we have answered.
      req.off('data', onData);
      req.resume();
      reject(tooLarge(maxBytes));
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function tooLarge(maxBytes: number): RequestProblem {
  return new RequestProblem(413, `The body is larger than ${maxBytes} bytes; lower the exporter's batch size.`, {
    connection: 'close',
  });
}
