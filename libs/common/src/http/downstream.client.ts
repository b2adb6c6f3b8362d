import {
  BadGatewayException,
  GatewayTimeoutException,
  HttpException,
  type Provider,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { recordHttpClientCall } from '@app/observability';

export interface DownstreamRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string | undefined>;
}

export interface DownstreamResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: string } })?.cause;
  return cause?.code;
}

/**
 * JSON over HTTP to another service, with a deadline. Failures become the
 * status a caller should see: unreachable → 503, too slow → 504, broken or
 * 5xx answer → 502; the downstream's own 4xx (and 502/503/504) pass through.
 */
export class DownstreamClient {
  constructor(
    readonly service: string,
    readonly baseUrl: string,
    readonly timeoutMs: number,
  ) {}

  async request<T>(req: DownstreamRequest): Promise<DownstreamResponse<T>> {
    const url = new URL(req.path, this.baseUrl);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    for (const [key, value] of Object.entries(req.headers ?? {})) if (value !== undefined) headers[key] = value;
    if (req.body !== undefined) headers['content-type'] = 'application/json';

    const method = req.method ?? 'GET';
    const started = performance.now();
    const record = (status: number) => recordHttpClientCall(this.service, method, status, (performance.now() - started) / 1000);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      record(0);
      throw this.transportError(error);
    }
    record(response.status);

    let body: unknown;
    try {
      const text = await response.text();
      body = text.length > 0 ? JSON.parse(text) : undefined;
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') throw this.transportError(error);
      throw new BadGatewayException(`${this.service} service sent a malformed response`);
    }

    if (response.ok) return { status: response.status, body: body as T, headers: response.headers };
    if (response.status < 500 || [502, 503, 504].includes(response.status)) {
      throw new HttpException(body ?? { message: `${this.service} service answered ${response.status}` }, response.status);
    }
    throw new BadGatewayException(`${this.service} service failed with status ${response.status}`);
  }

  private transportError(error: unknown): HttpException {
    const name = (error as Error)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new GatewayTimeoutException(`${this.service} service did not answer within ${this.timeoutMs} ms`);
    }
    const code = causeCode(error);
    if (code && UNREACHABLE.has(code)) {
      return new ServiceUnavailableException(`${this.service} service is unavailable`);
    }
    return new BadGatewayException(`${this.service} service connection failed${code ? ` (${code})` : ''}`);
  }
}

/** Registers one downstream client under `token`, its URL and deadline read from validated config. */
export function downstreamClientProvider(
  token: symbol | string,
  service: string,
  urlKey: string,
  timeoutKey: string,
): Provider {
  return {
    provide: token,
    inject: [ConfigService],
    useFactory: (config: ConfigService) =>
      new DownstreamClient(service, config.getOrThrow<string>(urlKey), config.getOrThrow<number>(timeoutKey)),
  };
}
