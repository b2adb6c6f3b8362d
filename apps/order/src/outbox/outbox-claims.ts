import { In, IsNull, type Repository } from 'typeorm';
import type { OutboxEvent } from './outbox-event.entity.js';

/** Time a relay keeps in hand past a publish's timeout, to mark the event published while its lease still holds. */
export const LEASE_MARGIN_MS = 1_000;

/**
 * Takes up to `limit` unpublished events for one relay, for `leaseMs`, in one short
 * statement: rows another replica's claim is locking right now are skipped (SKIP
 * LOCKED) rather than waited for, and rows under someone else's live lease are left
 * alone, so each event goes to one replica. Only the oldest unpublished event of an
 * order is claimable: an order's later event waits until its earlier one is published,
 * whichever replica holds it. The lease is the database's clock, the same for every replica.
 */
const CLAIM = `
  UPDATE outbox_events
     SET claimed_by = $1, claimed_until = now() + make_interval(secs => $2::double precision / 1000)
   WHERE id IN (
     SELECT c.id FROM outbox_events c
      WHERE c.published_at IS NULL
        AND (c.claimed_until IS NULL OR c.claimed_until < now())
        AND NOT EXISTS (
          SELECT 1 FROM outbox_events earlier
           WHERE earlier.aggregate_id = c.aggregate_id
             AND earlier.published_at IS NULL
             AND (earlier.created_at, earlier.id) < (c.created_at, c.id))
      ORDER BY c.created_at, c.id
      LIMIT $3
      FOR UPDATE OF c SKIP LOCKED)
  RETURNING id`;

/** The claimed events, oldest first. */
export async function claimOutboxEvents(
  outbox: Repository<OutboxEvent>,
  owner: string,
  leaseMs: number,
  limit: number,
): Promise<OutboxEvent[]> {
  const [rows] = (await outbox.query(CLAIM, [owner, leaseMs, limit])) as [{ id: string }[], number];
  if (rows.length === 0) return [];
  return outbox.find({ where: { id: In(rows.map((r) => r.id)) }, order: { createdAt: 'ASC', id: 'ASC' } });
}

/** Hands back claimed events this relay will not publish now, so any replica may take them at once. */
export async function releaseOutboxEvents(
  outbox: Repository<OutboxEvent>,
  owner: string,
  ids: string[],
): Promise<void> {
  if (ids.length === 0) return;
  await outbox.update(
    { id: In(ids), claimedBy: owner, publishedAt: IsNull() },
    { claimedBy: null, claimedUntil: null },
  );
}
