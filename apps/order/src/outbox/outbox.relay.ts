import { NOTIFICATIONS_QUEUE, OrderEvents, type OrderEventPayload } from '@app/contracts';
import {
  ATTR_ORDER_EVENT_TYPE,
  ATTR_ORDER_ID,
  ATTR_OUTBOX_AGE_MS,
  ATTR_OUTBOX_ATTEMPT,
  MESSAGING_SYSTEM_NAME_VALUE_NEST_TCP,
  SpanKind,
  extractTraceContext,
  injectTraceContext,
  detachedRunner,
  recordError,
  withSpan,
} from '@app/observability';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ClientProxy, RmqRecordBuilder } from '@nestjs/microservices';
import { InjectRepository } from '@nestjs/typeorm';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import {
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_RABBITMQ_DESTINATION_ROUTING_KEY,
  ATTR_MESSAGING_SYSTEM_NAME,
  MESSAGING_OPERATION_TYPE_VALUE_SEND,
  MESSAGING_SYSTEM_NAME_VALUE_RABBITMQ,
} from '@opentelemetry/semantic-conventions/incubating';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { firstValueFrom, timeout } from 'rxjs';
import { Repository } from 'typeorm';
import { OrderEnv } from '../config/env.validation.js';
import { OutboxEvent } from './outbox-event.entity.js';
import { LEASE_MARGIN_MS, claimOutboxEvents, releaseOutboxEvents } from './outbox-claims.js';
import { OUTBOX_PUBLISH_FAILURES, OUTBOX_PUBLISHED } from './outbox.metrics.js';

export const EVENTS_CLIENT = Symbol('EVENTS_CLIENT');

/**
 * The operation as the messaging conventions name it for RabbitMQ (`messaging.operation.name`);
 * the producer span is `{operation} {queue}`: `send notifications`.
 */
const SEND = 'send';

/** Builds the outbox row for an event; the caller inserts it in its own transaction. */
export function newOutboxEvent(
  payload: Omit<OrderEventPayload, 'eventId' | 'occurredAt'>,
  now = new Date(),
): OutboxEvent {
  const id = randomUUID();
  const traceContext = injectTraceContext();
  return Object.assign(new OutboxEvent(), {
    id,
    type: payload.type,
    aggregateId: payload.orderId,
    payload: { ...payload, eventId: id, occurredAt: now.toISOString() },
    createdAt: now,
    publishedAt: null,
    attempts: 0,
    lastError: null,
    claimedBy: null,
    claimedUntil: null,
    traceContext: Object.keys(traceContext).length > 0 ? traceContext : null,
  });
}

/**
 * Publishes committed outbox rows to the event transport, oldest first, and
 * marks each one published only after the broker confirmed it. If the broker
 * is down the row stays and is retried, so an outage delays events but loses
 * none; a retry may deliver an event twice, which the consumer deduplicates.
 *
 * Every order replica runs a relay. Each batch is claimed for this relay alone
 * (outbox-claims.ts: a lease taken with SKIP LOCKED), so replicas share the
 * events instead of each publishing all of them. A relay publishes only while its
 * lease is sure to outlast the publish; a replica that dies mid-batch leaves its
 * unpublished rows to the others once the lease (OUTBOX_LEASE_MS) runs out.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly intervalMs: number;
  private readonly batchSize: number;
  private readonly publishTimeoutMs: number;
  private readonly leaseMs: number;
  private readonly rabbit: boolean;
  /** Whose claim a row is under: this process (a container's hostname is its id). */
  private readonly owner = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`.slice(-64);
  private timer?: NodeJS.Timeout;
  private running: Promise<number> | null = null;
  private wakeRequested = false;
  private stopped = false;
  private lastFailure: string | null = null;
  /** A nudge comes from inside a request; the relay must not run in that request's trace or logger. */
  private readonly detached = detachedRunner();

  constructor(
    @InjectRepository(OutboxEvent) private readonly outbox: Repository<OutboxEvent>,
    @Inject(EVENTS_CLIENT) private readonly client: ClientProxy,
    env: OrderEnv,
    @InjectMetric(OUTBOX_PUBLISHED) private readonly published: Counter<'event'>,
    @InjectMetric(OUTBOX_PUBLISH_FAILURES) private readonly publishFailures: Counter<'event'>,
  ) {
    this.intervalMs = env.OUTBOX_POLL_INTERVAL_MS;
    this.batchSize = env.OUTBOX_BATCH_SIZE;
    this.publishTimeoutMs = env.OUTBOX_PUBLISH_TIMEOUT_MS;
    this.leaseMs = env.OUTBOX_LEASE_MS;
    this.rabbit = Boolean(env.RABBITMQ_URL);
    // Exported from 0, so the first failure shows in rate() and on the dashboard.
    for (const event of Object.values(OrderEvents)) this.publishFailures.inc({ event }, 0);
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

  /** Claims and publishes one batch; returns how many were published. Stops at the first failure. */
  async relayBatch(): Promise<number> {
    const claimedAt = performance.now();
    const batch = await claimOutboxEvents(this.outbox, this.owner, this.leaseMs, this.batchSize);
    // The last moment a publish (and marking it) still ends inside the lease, by this
    // process's clock, which started before the database's did.
    const lastStart = claimedAt + this.leaseMs - this.publishTimeoutMs - LEASE_MARGIN_MS;
    let published = 0;
    for (const event of batch) {
      if (this.stopped || performance.now() > lastStart) break;
      if (!(await this.publish(event))) break;
      published++;
    }
    await releaseOutboxEvents(
      this.outbox,
      this.owner,
      batch.slice(published).map((e) => e.id),
    );
    if (published > 0 && this.lastFailure) {
      this.logger.log(`event transport is back; relaying again`);
      this.lastFailure = null;
    }
    return published;
  }

  /**
   * One event, in a producer ("send") span that joins the trace of the request
   * that wrote it; the span's context is the message's creation context. It
   * travels in the message headers (RabbitMQ) or in the payload (TCP, which has
   * no headers). The event type is an attribute: the conventions name the span
   * after the operation and the queue. True when the broker confirmed.
   */
  private publish(event: OutboxEvent): Promise<boolean> {
    return withSpan(
      `${SEND} ${NOTIFICATIONS_QUEUE}`,
      {
        kind: SpanKind.PRODUCER,
        parent: extractTraceContext(event.traceContext),
        attributes: {
          [ATTR_MESSAGING_SYSTEM_NAME]: this.rabbit
            ? MESSAGING_SYSTEM_NAME_VALUE_RABBITMQ
            : MESSAGING_SYSTEM_NAME_VALUE_NEST_TCP,
          [ATTR_MESSAGING_OPERATION_NAME]: SEND,
          [ATTR_MESSAGING_OPERATION_TYPE]: MESSAGING_OPERATION_TYPE_VALUE_SEND,
          [ATTR_MESSAGING_DESTINATION_NAME]: NOTIFICATIONS_QUEUE,
          // Nest sends to the queue through the default exchange: the routing key is the queue's name.
          ...(this.rabbit ? { [ATTR_MESSAGING_RABBITMQ_DESTINATION_ROUTING_KEY]: NOTIFICATIONS_QUEUE } : {}),
          [ATTR_MESSAGING_MESSAGE_ID]: event.id,
          [ATTR_ORDER_EVENT_TYPE]: event.type,
          [ATTR_ORDER_ID]: event.aggregateId,
          [ATTR_OUTBOX_ATTEMPT]: event.attempts + 1,
          [ATTR_OUTBOX_AGE_MS]: Date.now() - event.createdAt.getTime(),
        },
      },
      async (span) => {
        const headers = injectTraceContext();
        const message = this.rabbit
          ? new RmqRecordBuilder(event.payload).setOptions({ headers, messageId: event.id, persistent: true }).build()
          : { ...event.payload, traceContext: headers };
        try {
          await firstValueFrom(this.client.emit(event.type, message).pipe(timeout(this.publishTimeoutMs)), {
            defaultValue: undefined,
          });
        } catch (error) {
          recordError(span, error);
          this.publishFailures.inc({ event: event.type });
          await this.recordFailure(event, error);
          return false;
        }
        await this.outbox.update(
          { id: event.id },
          {
            publishedAt: new Date(),
            attempts: event.attempts + 1,
            lastError: null,
            claimedBy: null,
            claimedUntil: null,
          },
        );
        this.published.inc({ event: event.type });
        this.logger.log({
          msg: `published ${event.type}`,
          order_id: event.aggregateId,
          event_id: event.id,
          event_type: event.type,
        });
        return true;
      },
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.client.close();
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.detached(() => void this.tick()), delayMs);
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
