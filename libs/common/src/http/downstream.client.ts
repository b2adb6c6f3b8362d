import {
  BadGatewayException,
  GatewayTimeoutException,
  HttpException,
  type Provider,
  ServiceUnavailableException,
  type Type,
} from '@nestjs/common';
import { recordHttpClientCall } from '@app/observability';
import type { BaseEnv } from '../config/base-env.js';
import { CircuitBreaker } from './circuit-breaker.js';

export interface DownstreamRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string | undefined>;
  /** This call's deadline instead of the client's. */
  timeoutMs?: number;
  /** This call's base URL instead of the client's (fault injection points it at nothing). */
  baseUrl?: string;
  /** false: neither asks nor informs the circuit breaker (the naive client of the retry-storm fault). */
  circuit?: boolean;
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
    readonly breaker: CircuitBreaker = new CircuitBreaker(service, 0, 0),
  ) {}

  async request<T>(req: DownstreamRequest): Promise<DownstreamResponse<T>> {
    if (req.circuit !== false && !this.breaker.allow()) {
      recordHttpClientCall(this.service, req.method ?? 'GET', 0, 0);
      throw new ServiceUnavailableException({
        message: `circuit to the ${this.service} service is open after repeated failures; retrying in ${Math.ceil(this.breaker.retryAfterMs() / 1000)} s`,
        circuit: 'open',
      });
    }
    return this.send<T>(req);
  }

  private async send<T>(req: DownstreamRequest): Promise<DownstreamResponse<T>> {
    const timeoutMs = req.timeoutMs ?? this.timeoutMs;
    const url = new URL(req.path, req.baseUrl ?? this.baseUrl);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    for (const [key, value] of Object.entries(req.headers ?? {})) if (value !== undefined) headers[key] = value;
    if (req.body !== undefined) headers['content-type'] = 'application/json';

    const method = req.method ?? 'GET';
    const started = performance.now();
    const record = (status: number) =>
      recordHttpClientCall(this.service, method, status, (performance.now() - started) / 1000);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      record(0);
      // Only no answer at all counts against the circuit: an error status means the service is there.
      if (req.circuit !== false) this.breaker.failed();
      throw this.transportError(error, timeoutMs);
    }
    record(response.status);
    if (req.circuit !== false) this.breaker.succeeded();

    let body: unknown;
    try {
      const text = await response.text();
      body = text.length > 0 ? JSON.parse(text) : undefined;
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') throw this.transportError(error, timeoutMs);
      throw new BadGatewayException(`${this.service} service sent a malformed response`);
    }

    if (response.ok) return { status: response.status, body: body as T, headers: response.headers };
    if (response.status < 500 || [502, 503, 504].includes(response.status)) {
      const passed = (body ?? { message: `${this.service} service answered ${response.status}` }) as Record<
        string,
        unknown
      >;
      // A Retry-After from the service reaches the caller too.
      const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
      throw new HttpException(
        Number.isFinite(retryAfter) ? { ...passed, retryAfterSeconds: retryAfter } : passed,
        response.status,
      );
    }
    throw new BadGatewayException(`${this.service} service failed with status ${response.status}`);
  }

  private transportError(error: unknown, timeoutMs: number): HttpException {
    const name = (error as Error)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new GatewayTimeoutException(`${this.service} service did not answer within ${timeoutMs} ms`);
    }
    const code = causeCode(error);
    if (code && UNREACHABLE.has(code)) {
      return new ServiceUnavailableException(`${this.service} service is unavailable`);
    }
    return new BadGatewayException(`${this.service} service connection failed${code ? ` (${code})` : ''}`);
  }
}

/** Where one downstream service is and how long a call to it may take, from the app's config. */
export interface DownstreamTarget {
  url: string;
  timeoutMs: number;
}

/**
 * Registers one downstream client under `token`, its URL and deadline picked
 * from the app's validated config (`envClass`), with a circuit breaker
 * (CIRCUIT_FAILURE_THRESHOLD, CIRCUIT_COOLDOWN_MS).
 */
export function downstreamClientProvider<E extends BaseEnv>(
  token: symbol | string,
  service: string,
  envClass: Type<E>,
  target: (env: E) => DownstreamTarget,
): Provider {
  return {
    provide: token,
    inject: [envClass],
    useFactory: (env: E) => {
      const { url, timeoutMs } = target(env);
      return new DownstreamClient(
        service,
        url,
        timeoutMs,
        new CircuitBreaker(service, env.CIRCUIT_FAILURE_THRESHOLD, env.CIRCUIT_COOLDOWN_MS),
      );
    },
  };
}
