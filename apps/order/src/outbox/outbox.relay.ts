import type { OrderEventPayload } from '@app/contracts';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ClientProxy } from '@nestjs/microservices';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { firstValueFrom, timeout } from 'rxjs';
import { IsNull, Repository } from 'typeorm';
import { OutboxEvent } from './outbox-event.entity.js';

export const EVENTS_CLIENT = Symbol('EVENTS_CLIENT');

/** Builds the outbox row for an event; the caller inserts it in its own transaction. */
export function newOutboxEvent(payload: Omit<OrderEventPayload, 'eventId' | 'occurredAt'>, now = new Date()): OutboxEvent {
  const id = randomUUID();
  return Object.assign(new OutboxEvent(), {
    id,
    type: payload.type,
    aggregateId: payload.orderId,
    payload: { ...payload, eventId: id, occurredAt: now.toISOString() },
    createdAt: now,
    publishedAt: null,
    attempts: 0,
    lastError: null,
  });
}

/**
 * Publishes committed outbox rows to the event transport, oldest first, and
 * marks each one published only after the broker confirmed it. If the broker
 * is down the row stays and is retried, so an outage delays events but loses
 * none; a retry may deliver an event twice, which the consumer deduplicates.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly intervalMs: number;
  private readonly batchSize: number;
  private readonly publishTimeoutMs: number;
  private timer?: NodeJS.Timeout;
  private running: Promise<number> | null = null;
  private wakeRequested = false;
  private stopped = false;
  private lastFailure: string | null = null;

  constructor(
    @InjectRepository(OutboxEvent) private readonly outbox: Repository<OutboxEvent>,
    @Inject(EVENTS_CLIENT) private readonly client: ClientProxy,
    config: ConfigService,
  ) {
    this.intervalMs = config.getOrThrow<number>('OUTBOX_POLL_INTERVAL_MS');
    this.batchSize = config.getOrThrow<number>('OUTBOX_BATCH_SIZE');
    this.publishTimeoutMs = config.getOrThrow<number>('OUTBOX_PUBLISH_TIMEOUT_MS');
  }

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  /** Called after a commit that wrote an event, so it goes out without waiting for the next poll. */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) this.wakeRequested = true;
    else this.schedule(0);
  }

  /** Publishes one batch; returns how many were published. Stops at the first failure. */
  async relayBatch(): Promise<number> {
    const batch = await this.outbox.find({
      where: { publishedAt: IsNull() },
      order: { createdAt: 'ASC' },
      take: this.batchSize,
    });
    let published = 0;
    for (const event of batch) {
      if (this.stopped) break;
      try {
        await firstValueFrom(this.client.emit(event.type, event.payload).pipe(timeout(this.publishTimeoutMs)), {
          defaultValue: undefined,
        });
      } catch (error) {
        await this.recordFailure(event, error);
        break;
      }
      await this.outbox.update({ id: event.id }, { publishedAt: new Date(), attempts: event.attempts + 1, lastError: null });
      published++;
    }
    if (published > 0 && this.lastFailure) {
      this.logger.log(`event transport is back; relaying again`);
      this.lastFailure = null;
    }
    return published;
  }

  async backlog(): Promise<number> {
    return this.outbox.countBy({ publishedAt: IsNull() });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.client.close();
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.running) return;
    this.wakeRequested = false;
    this.running = this.relayBatch().catch((error: unknown) => {
      this.logger.error(`outbox relay failed: ${(error as Error).message}`);
      return 0;
    });
    const published = await this.running;
    this.running = null;
    if (this.stopped) return;
    this.schedule(this.wakeRequested || published === this.batchSize ? 0 : this.intervalMs);
  }

  private async recordFailure(event: OutboxEvent, error: unknown): Promise<void> {
    const message = ((error as Error)?.message ?? String(error)).slice(0, 250);
    if (message !== this.lastFailure) {
      this.logger.warn(`cannot publish ${event.type} ${event.id} (will retry): ${message}`);
      this.lastFailure = message;
    }
    await this.outbox.update({ id: event.id }, { attempts: event.attempts + 1, lastError: message });
  }
}
