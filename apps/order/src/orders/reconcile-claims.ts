import type { Repository } from 'typeorm';
import type { Order } from './order.entity.js';

/**
 * Takes the oldest order still pending since before `cutoff` for one replica's
 * reconciler, for `leaseMs`: the others skip it (SKIP LOCKED while the claim runs,
 * then the lease), so each order is looked up at the payment service by one replica
 * at a time. An order the lookup could not settle stays pending and is taken again,
 * by any replica, once the lease runs out.
 */
const CLAIM = `
  UPDATE orders
     SET reconcile_claimed_until = now() + make_interval(secs => $2::double precision / 1000)
   WHERE id = (
     SELECT id FROM orders
      WHERE status = 'pending'
        AND updated_at < $1
        AND (reconcile_claimed_until IS NULL OR reconcile_claimed_until < now())
      ORDER BY updated_at
      LIMIT 1
      FOR UPDATE SKIP LOCKED)
  RETURNING id`;

/** The claimed order's id, or null when no pending order is left to take. */
export async function claimPendingOrder(
  orders: Repository<Order>,
  cutoff: Date,
  leaseMs: number,
): Promise<string | null> {
  const [rows] = (await orders.query(CLAIM, [cutoff, leaseMs])) as [{ id: string }[], number];
  return rows[0]?.id ?? null;
}
