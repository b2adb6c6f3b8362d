import { QueryFailedError } from 'typeorm';

/** PostgreSQL's SQLSTATE for a unique-constraint violation. */
const UNIQUE_VIOLATION = '23505';

/**
 * SQLSTATE classes and Node socket errors that mean "the database cannot be reached right now":
 * 08 connection exception, 57P01–57P03 admin shutdown / crash shutdown / cannot connect now, 53300 too many connections.
 */
const UNAVAILABLE_SQLSTATES = /^(08|57P0[123]|53300)/;
const UNAVAILABLE_SOCKET_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
const UNAVAILABLE_MESSAGES =
  /Driver not Connected|Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end/;

function codeOf(error: unknown): string | undefined {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True when a query failed on a unique constraint (a concurrent writer stored the same key first). */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && codeOf(error) === UNIQUE_VIOLATION;
}

/** True when an error means PostgreSQL is down or unreachable, not that the query was wrong. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = codeOf(error);
  if (code && (UNAVAILABLE_SQLSTATES.test(code) || UNAVAILABLE_SOCKET_ERRORS.has(code))) return true;
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message);
}
