import type { DataSource, EntityManager } from 'typeorm';

/**
 * The history slow-query needs: a production-sized orders table, seeded once
 * with `INSERT … SELECT generate_series` when the fault is switched on.
 *
 * Seeded row n (1…rows) has the id 00000000-0000-4000-8000-<n in hex>: ids
 * grow with n, so the primary key finds the last one, trims extra rows with a
 * range, and its index stays compact. They are paid orders of seed-customer-…
 * (ten each), placed in 2024, so they sort after every real order and nothing
 * (the reconciler, the outbox) ever touches them again.
 */
const ID_PREFIX = '00000000-0000-4000-8000-';
const LAST_POSSIBLE_ID = `${ID_PREFIX}ffffffffffff`;

/** The id of seeded row n; `GET /orders/<seededOrderId(rows)>` answers once all `rows` are in. */
export function seededOrderId(n: number): string {
  return `${ID_PREFIX}${n.toString(16).padStart(12, '0')}`;
}

export interface SeedResult {
  /** Whether rows were added (false: all `rows` were already there). */
  inserted: boolean;
  deleted: number;
}

/**
 * Makes the seeded rows exactly 1…rows (idempotent: a second call with the same `rows` only looks up one id).
 * One seeding at a time across every order replica: each hears the fault switched on and calls this, the
 * first seeds and the others, once they get the lock, find the rows there.
 */
export async function seedPastOrders(dataSource: DataSource, wanted: number): Promise<SeedResult> {
  return dataSource.transaction(async (m) => {
    await m.query("SELECT pg_advisory_xact_lock(hashtext('slow-query past orders'))");
    return seedLocked(m, wanted);
  });
}

async function seedLocked(db: EntityManager, wanted: number): Promise<SeedResult> {
  const rows = Math.max(0, Math.round(wanted));
  const last = seededOrderId(rows);
  const deleted = await db.query<[unknown[], number]>('DELETE FROM orders WHERE id > $1::uuid AND id <= $2::uuid', [
    last,
    LAST_POSSIBLE_ID,
  ]);
  const present = await db.query<unknown[]>('SELECT 1 FROM orders WHERE id = $1::uuid', [last]);
  const inserted = present.length === 0;
  if (inserted) {
    // One statement, so the rows appear together: the last one is there only when all are.
    await db.query(
      `INSERT INTO orders (id, customer_id, status, total_cents, currency, card_last4, created_at, updated_at)
       SELECT ($2 || lpad(to_hex(n), 12, '0'))::uuid,
              'seed-customer-' || lpad(((n - 1) / 10 + 1)::text, 7, '0'),
              'paid', 500 + (n::bigint * 7919) % 20000, 'USD', '4242',
              timestamptz '2024-01-01 00:00:00Z' + n * interval '10 seconds',
              timestamptz '2024-01-01 00:00:00Z' + n * interval '10 seconds'
       FROM generate_series(1, $1::int) AS n
       ON CONFLICT (id) DO NOTHING`,
      [rows, ID_PREFIX],
    );
  }
  // One process per scan: a check then costs the same wall time on 2 cores as on 8, and
  // concurrent checks do not add parallel workers to fight over the cores.
  await db.query('ALTER TABLE orders SET (parallel_workers = 0)');
  // Fresh statistics, so EXPLAIN and the planner see the table as it now is.
  if (inserted || affected(deleted) > 0) await db.query('ANALYZE orders');
  return { inserted, deleted: affected(deleted) };
}

/** typeorm's postgres driver answers a DELETE as [rows, affected count]. */
function affected(result: unknown): number {
  return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
}
