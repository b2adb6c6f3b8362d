/** True when a driver error is a unique-constraint violation (PostgreSQL or SQLite). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string; driverError?: { code?: string; message?: string } } | null;
  const code = e?.driverError?.code ?? e?.code;
  if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return true;
  // sql.js reports SQLite errors by message only.
  const message = e?.driverError?.message ?? e?.message ?? '';
  return /UNIQUE constraint failed/.test(message);
}
