import { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Params } from 'nestjs-pino';
import { stdSerializers, stdTimeFunctions } from 'pino';
import { faultMarker } from '../context/fault-marker.js';
import { logLines } from '../metrics/log-metrics.js';
import { isInfraPath } from '../telemetry/env.js';
import { REDACTED, REDACTED_PATHS, SECRET_KEYS, maskCardNumbersInText, scrubLogValue } from './redact.js';

export type LogFormat = 'json' | 'pretty';

const LEVEL_LABELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

export interface LoggingOptions {
  service: string;
  level: string;
  format: LogFormat;
}

type Req = IncomingMessage & { id?: unknown; originalUrl?: string; baseUrl?: string; route?: { path?: string } };

/** The route template (`/api/orders/:id`), never the raw URL; `unmatched` when no route handled it. */
export function routeOf(request: IncomingMessage): string {
  const req = request as Req;
  const path = req.route?.path;
  // No route, or only a catch-all (Nest 12 answers unknown paths from `{/*splat}`): keep cardinality bounded.
  if (typeof path !== 'string' || path.includes('*')) return 'unmatched';
  return `${req.baseUrl ?? ''}${path}` || '/';
}

/** What the logger reads from the service's validated config. */
export interface LoggingEnv {
  LOG_LEVEL: string;
  LOG_FORMAT?: LogFormat;
  NODE_ENV: string;
}

/** JSON to stdout unless asked for pretty output (a developer's terminal). */
export function defaultLogFormat(env: Pick<LoggingEnv, 'LOG_FORMAT' | 'NODE_ENV'>): LogFormat {
  if (env.LOG_FORMAT === 'json' || env.LOG_FORMAT === 'pretty') return env.LOG_FORMAT;
  return env.NODE_ENV === 'development' && process.stdout.isTTY ? 'pretty' : 'json';
}

/**
 * Card numbers masked and secrets (`cardNumber`, `password`, `token`) replaced
 * in every field of a log object, except pino-http's raw `req`/`res`: those
 * are live Node objects (sockets, headers, parsers) that the serializers below
 * reduce to an id and a masked URL. Copying them deeply on every request line
 * cost about a tenth of the services' throughput.
 */
export function maskLogObject(object: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    const value = object[key];
    if (SECRET_KEYS.has(key)) out[key] = REDACTED;
    else out[key] = (key === 'req' || key === 'res') && isLiveHttpObject(value) ? value : scrubLogValue(value, 1);
  }
  return out;
}

/** The fields of a "request completed" line: method, route template and status code beside pino-http's. */
function requestLine(
  req: IncomingMessage,
  res: ServerResponse,
  value: Record<string, unknown>,
): Record<string, unknown> {
  return { method: req.method, route: routeOf(req), status_code: res.statusCode, ...value };
}

function isLiveHttpObject(value: unknown): boolean {
  return value instanceof IncomingMessage || value instanceof ServerResponse;
}

/**
 * nestjs-pino options: one JSON line per event with ISO `time`, `level` as a
 * label, `service`, `trace_id`/`span_id` (added by the pino instrumentation
 * from the active span), `msg`; request lines carry method, route template,
 * status code and duration; secrets and card numbers are removed.
 */
export function loggerParams(options: LoggingOptions): Params {
  return {
    pinoHttp: {
      level: options.level,
      base: { service: options.service },
      messageKey: 'msg',
      timestamp: stdTimeFunctions.isoTime,
      formatters: {
        level: (label: string) => ({ level: label }),
        log: maskLogObject,
      },
      // While a workshop fault is on, every line says so (its name, or the mystery id).
      mixin: () => {
        const fault = faultMarker();
        return fault ? { fault } : {};
      },
      hooks: {
        logMethod(args: unknown[], method: (...a: unknown[]) => void, level: number) {
          logLines.inc({ level: LEVEL_LABELS[level] ?? 'other' });
          for (let i = 0; i < args.length; i++)
            if (typeof args[i] === 'string') args[i] = maskCardNumbersInText(args[i] as string);
          method.apply(this, args);
        },
      },
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
      serializers: {
        req: (req: Req) =>
          ({ id: req.id, url: maskCardNumbersInText(req.originalUrl ?? req.url ?? '') }) as Record<string, unknown>,
        res: () => undefined,
        err: stdSerializers.err,
      },
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      customAttributeKeys: { responseTime: 'duration_ms' },
      // method, route and status code go on the request line itself. (As customProps they cost a child
      // logger per request twice over: an empty one when the request starts, one more when it ends.)
      customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      customSuccessMessage: (req: IncomingMessage, res: ServerResponse) =>
        `${req.method} ${routeOf(req)} ${res.statusCode}`,
      customErrorMessage: (req: IncomingMessage, res: ServerResponse) =>
        `${req.method} ${routeOf(req)} ${res.statusCode}`,
      customSuccessObject: (req: IncomingMessage, res: ServerResponse, value: Record<string, unknown>) =>
        requestLine(req, res, value),
      // pino-http invents an Error for every 5xx; the status already says it, so keep only real errors.
      customErrorObject: (req: IncomingMessage, res: ServerResponse, error: Error, value: Record<string, unknown>) =>
        requestLine(
          req,
          res,
          /^failed with status code \d+$/.test(error?.message ?? '') ? { ...value, err: undefined } : value,
        ),
      autoLogging: { ignore: (req: IncomingMessage) => isInfraPath(req.url) },
      transport:
        options.format === 'pretty'
          ? {
              target: 'pino-pretty',
              options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,req,res' },
            }
          : undefined,
    },
  };
}
