import type { AttributeValue, SpanKindName, SpanStatusName } from './collected-span.js';

/** Thrown for a payload that is not an OTLP/HTTP JSON trace export; the receiver answers 400. */
export class InvalidOtlpPayloadError extends Error {
  override readonly name = 'InvalidOtlpPayloadError';
}

export function fail(path: string, problem: string, got?: unknown): never {
  const shown = got === undefined ? '' : ` (got ${preview(got)})`;
  throw new InvalidOtlpPayloadError(`Invalid OTLP trace payload: ${path} ${problem}${shown}`);
}

function preview(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Missing (undefined/null) is an empty list; anything else must be an array. */
export function optionalArray(value: unknown, path: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(path, 'must be an array', value);
  return value;
}

export function requireRecord(value: unknown, path: string): Record<string, unknown> {
  if (!isRecord(value)) fail(path, 'must be an object', value);
  return value;
}

const HEX = /^[0-9a-f]+$/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * OTLP JSON carries ids as hex (the spec, and what the JS exporter sends); the
 * generic protobuf JSON mapping would use base64, so accept that too.
 */
export function decodeId(value: unknown, bytes: 8 | 16, path: string): string {
  if (typeof value !== 'string') fail(path, `must be a ${bytes * 2}-character hex string`, value);
  let hex: string | undefined;
  if (value.length === bytes * 2 && HEX.test(value)) hex = value.toLowerCase();
  else if (BASE64.test(value)) {
    const decoded = Buffer.from(value, 'base64');
    if (decoded.length === bytes) hex = decoded.toString('hex');
  }
  if (hex === undefined) fail(path, `must be a ${bytes * 2}-character hex string`, value);
  if (/^0+$/.test(hex)) fail(path, 'must not be all zeros', value);
  return hex;
}

/** Nanoseconds since the epoch, given as a decimal string (int64 in JSON) or a number. */
export function decodeUnixNanos(value: unknown, path: string): bigint {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return BigInt(Math.round(value));
  if (typeof value === 'string' && /^\d+$/.test(value)) return BigInt(value);
  return fail(path, 'must be a non-negative integer number of nanoseconds', value);
}

/** Epoch milliseconds near 2^41 keep about a quarter microsecond in a double; durations stay exact. */
export function nanosToMs(nanos: bigint): number {
  return Number(nanos / 1000n) / 1000;
}

/** An OTLP enum, sent as its number (protobuf JSON) or its name (`SPAN_KIND_SERVER`); `fallback` for anything else. */
function decodeEnum<T extends string>(value: unknown, names: readonly T[], prefix: string, fallback: T): T {
  if (typeof value === 'number') return names[value] ?? fallback;
  if (typeof value === 'string') {
    const name = (value.startsWith(prefix) ? value.slice(prefix.length) : value).toLowerCase();
    return names.find((known) => known === name) ?? fallback;
  }
  return fallback;
}

const KINDS: readonly SpanKindName[] = ['internal', 'internal', 'server', 'client', 'producer', 'consumer'];

/** Unknown or unspecified kinds render as internal: the kind is cosmetic here. */
export function decodeKind(value: unknown): SpanKindName {
  return decodeEnum(value, KINDS, 'SPAN_KIND_', 'internal');
}

const STATUSES: readonly SpanStatusName[] = ['unset', 'ok', 'error'];

export function decodeStatusCode(value: unknown): SpanStatusName {
  return decodeEnum(value, STATUSES, 'STATUS_CODE_', 'unset');
}

/** An OTLP `AnyValue` as a flat attribute value; `undefined` for an empty one. */
export function decodeAnyValue(value: unknown, path: string): AttributeValue | undefined {
  if (value === undefined || value === null) return undefined;
  const any = requireRecord(value, path);
  if (typeof any.stringValue === 'string') return any.stringValue;
  if (typeof any.boolValue === 'boolean') return any.boolValue;
  if (any.intValue !== undefined) return decodeInt(any.intValue, `${path}.intValue`);
  if (any.doubleValue !== undefined) return decodeDouble(any.doubleValue, `${path}.doubleValue`);
  if (typeof any.bytesValue === 'string') return any.bytesValue;
  if (any.arrayValue !== undefined) {
    const values = optionalArray(
      requireRecord(any.arrayValue, `${path}.arrayValue`).values,
      `${path}.arrayValue.values`,
    );
    return values.map((item, i) => asText(decodeAnyValue(item, `${path}.arrayValue.values[${i}]`)));
  }
  if (any.kvlistValue !== undefined) {
    const values = requireRecord(any.kvlistValue, `${path}.kvlistValue`).values;
    return JSON.stringify(decodeKeyValues(values, `${path}.kvlistValue.values`));
  }
  return undefined;
}

/** `[{ key, value: AnyValue }]` to a record; missing is empty, empty values are skipped. */
export function decodeKeyValues(list: unknown, path: string): Record<string, AttributeValue> {
  const record: Record<string, AttributeValue> = {};
  optionalArray(list, path).forEach((entry, i) => {
    const kv = requireRecord(entry, `${path}[${i}]`);
    if (typeof kv.key !== 'string') fail(`${path}[${i}].key`, 'must be a string', kv.key);
    const decoded = decodeAnyValue(kv.value, `${path}[${i}].value`);
    if (decoded !== undefined) record[kv.key] = decoded;
  });
  return record;
}

function decodeInt(value: unknown, path: string): number | string {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^-?\d+$/.test(text)) fail(path, 'must be an integer', value);
  const number = Number(text);
  // int64 beyond 2^53 stays exact as text rather than silently rounding.
  return Number.isSafeInteger(number) ? number : text;
}

function decodeDouble(value: unknown, path: string): number {
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || (Number.isNaN(number) && value !== 'NaN')) fail(path, 'must be a number', value);
  return number;
}

function asText(value: AttributeValue | undefined): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : Array.isArray(value) ? JSON.stringify(value) : String(value);
}
