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

/** Header and body paths pino replaces outright. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'req.headers["x-admin-token"]',
  'res.headers["set-cookie"]',
  '*.cardNumber',
  '*.*.cardNumber',
  '*.password',
  '*.token',
];
