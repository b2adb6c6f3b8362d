import { passesLuhn } from '@app/contracts';

/**
 * Card numbers never reach a log line: any run of 13–19 digits (optionally
 * grouped by spaces or dashes) that passes the Luhn check is masked to its
 * last four digits, in any field, at any depth, and in the message.
 */
const CANDIDATE = /\b\d(?:[ -]?\d){12,18}\b/g;

export function maskCardNumbersInText(text: string): string {
  if (text.length < 13) return text;
  return text.replace(CANDIDATE, (match) => {
    const digits = match.replace(/[ -]/g, '');
    return digits.length >= 13 && digits.length <= 19 && passesLuhn(digits) ? `[CARD ****${digits.slice(-4)}]` : match;
  });
}

const MAX_DEPTH = 8;

/** A copy of `value` with card numbers masked; other values are returned as they are. */
export function maskCardNumbers<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return maskCardNumbersInText(value) as T;
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) >= 1e12) {
    const masked = maskCardNumbersInText(String(value));
    return (masked === String(value) ? value : masked) as T;
  }
  if (depth >= MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => maskCardNumbers(v, depth + 1)) as T;
  if (value instanceof Error) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) out[key] = maskCardNumbers(v, depth + 1);
  return out as T;
}

/** What a secret is replaced with. */
export const REDACTED = '[REDACTED]';

/**
 * Keys whose value never reaches a log line, at any depth: replaced by the log
 * formatter's walk (which masks card numbers anyway), not by pino's wildcard
 * redaction — a path starting with `*` makes pino run its redaction on every
 * field of every line. Child-logger bindings are not walked: the only one the
 * kit binds is pino-http's `req`, which its serializer reduces to an id and a masked URL.
 */
export const SECRET_KEYS: ReadonlySet<string> = new Set(['cardNumber', 'password', 'token']);

/** Header paths pino replaces outright (fixed paths: pino only redacts inside `req` and `res`). */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'req.headers["x-admin-token"]',
  'res.headers["set-cookie"]',
];

/** A copy of a log field's value with card numbers masked and secret keys replaced, at any depth. */
export function scrubLogValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string' || typeof value === 'number') return maskCardNumbers(value);
  if (depth >= MAX_DEPTH || value === null || typeof value !== 'object' || value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((v: unknown) => scrubLogValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    out[key] = SECRET_KEYS.has(key) ? REDACTED : scrubLogValue((value as Record<string, unknown>)[key], depth + 1);
  }
  return out;
}
