import { getRepositoryToken } from '@nestjs/typeorm';
import { makeCounterProvider, makeGaugeProvider } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';
import { IsNull, type Repository } from 'typeorm';
import { OutboxEvent } from './outbox-event.entity.js';

export const OUTBOX_PUBLISHED = 'outbox_events_published_total';
export const OUTBOX_PUBLISH_FAILURES = 'outbox_publish_failures_total';
export const OUTBOX_BACKLOG = 'outbox_backlog_events';
export const OUTBOX_OLDEST_AGE = 'outbox_oldest_unpublished_age_seconds';

/** Outbox events written but not yet published. */
export function countUnpublished(outbox: Repository<OutboxEvent>): Promise<number> {
  return outbox.countBy({ publishedAt: IsNull() });
}

/** Age of the oldest unpublished outbox event in seconds (0 when none). */
export async function oldestUnpublishedAgeSeconds(outbox: Repository<OutboxEvent>): Promise<number> {
  const oldest = await outbox.findOne({
    where: { publishedAt: IsNull() },
    order: { createdAt: 'ASC' },
    select: { id: true, createdAt: true },
  });
  return oldest ? (Date.now() - oldest.createdAt.getTime()) / 1000 : 0;
}

/** A gauge read from the outbox table at every scrape; while the database is unreachable it keeps its last value. */
function backlogGauge(name: string, help: string, read: (outbox: Repository<OutboxEvent>) => Promise<number>) {
  return makeGaugeProvider({
    name,
    help,
    inject: [getRepositoryToken(OutboxEvent)],
    async collect(this: Gauge, outbox: Repository<OutboxEvent>) {
      try {
        this.set(await read(outbox));
      } catch {
        // keep the last value rather than fail the scrape
      }
    },
  });
}

/** The outbox's metrics, provided by OutboxModule beside the relay. */
export const outboxMetrics = [
  makeCounterProvider({
    name: OUTBOX_PUBLISHED,
    help: 'Outbox events the relay published and the broker confirmed.',
    labelNames: ['event'],
  }),
  makeCounterProvider({
    name: OUTBOX_PUBLISH_FAILURES,
    help: 'Publish attempts that failed or timed out (the event stays and is retried).',
    labelNames: ['event'],
  }),
  backlogGauge(OUTBOX_BACKLOG, 'Outbox events written but not yet published.', countUnpublished),
  backlogGauge(
    OUTBOX_OLDEST_AGE,
    'Age of the oldest unpublished outbox event (0 when none).',
    oldestUnpublishedAgeSeconds,
  ),
];
