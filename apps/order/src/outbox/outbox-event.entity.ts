import type { OrderEventPayload, OrderEventType } from '@app/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** An event written in the same transaction as the order change it announces. */
@Entity({ name: 'outbox_events' })
@Index('idx_outbox_unpublished', ['publishedAt', 'createdAt'])
export class OutboxEvent {
  @PrimaryColumn()
  id!: string;

  @Column({ type: 'varchar' })
  type!: OrderEventType;

  @Column({ name: 'aggregate_id' })
  aggregateId!: string;

  @Column({ type: 'simple-json' })
  payload!: OrderEventPayload;

  @Column({ name: 'created_at' })
  createdAt!: Date;

  @Column({ name: 'published_at', type: Date, nullable: true })
  publishedAt!: Date | null;

  // No `default` here on purpose: with a default, TypeORM re-reads inserted rows on
  // SQLite (which the kit ran on once) and merges them back by position, scrambling ids in a bulk insert.
  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'last_error', type: 'varchar', nullable: true })
  lastError!: string | null;

  /** The relay (one per order replica) holding the row until claimedUntil; null when no one does. */
  @Column({ name: 'claimed_by', type: 'varchar', nullable: true })
  claimedBy!: string | null;

  @Column({ name: 'claimed_until', type: Date, nullable: true })
  claimedUntil!: Date | null;

  /** W3C trace context of the request that wrote the event (traceparent, tracestate, baggage). */
  @Column({ name: 'trace_context', type: 'simple-json', nullable: true })
  traceContext!: Record<string, string> | null;
}
