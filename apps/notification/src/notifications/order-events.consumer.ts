import { NOTIFICATIONS_QUEUE, OrderEvents } from '@app/contracts';
import {
  ATTR_ORDER_EVENT_TYPE,
  ATTR_ORDER_ID,
  MESSAGING_SYSTEM_NAME_VALUE_NEST_TCP,
  SpanKind,
  activeTraceIds,
  exemplarLabels,
  extractTraceContext,
  failActiveSpan,
  withSpan,
} from '@app/observability';
import { FaultRegistry, releaseRetainedMemory, retainMemory } from '@app/faults';
import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM_NAME,
  MESSAGING_OPERATION_TYPE_VALUE_PROCESS,
} from '@opentelemetry/semantic-conventions/incubating';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { Counter, Histogram } from 'prom-client';
import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_DELIVERY_ATTEMPTS } from '@app/common';
import { deliveryFor, retryDelayMs } from './delivery.js';
import {
  MESSAGE_PROCESSING_DURATION,
  MESSAGE_RETRIES,
  MESSAGES_CONSUMED,
  MESSAGES_DEAD_LETTERED,
} from './order-events.metrics.js';
import { NotificationsService } from './notifications.service.js';
import { OrderEventDto } from './order-event.dto.js';

/** `messaging.operation.name` of the consumer span, named `{operation} {queue}`: `process notifications`. */
const PROCESS = 'process';

/** Consumes the order service's events and records one notification per event. */
@Controller()
export class OrderEventsConsumer {
  private readonly logger = new Logger(OrderEventsConsumer.name);

  constructor(
    private readonly notifications: NotificationsService,
    @Inject(FaultRegistry) private readonly faults: FaultRegistry,
    @InjectMetric(MESSAGES_CONSUMED) private readonly consumed: Counter<'queue' | 'event' | 'outcome'>,
    @InjectMetric(MESSAGE_PROCESSING_DURATION) private readonly duration: Histogram<'queue' | 'event'>,
    @InjectMetric(MESSAGE_RETRIES) private readonly retries: Counter<'queue' | 'event'>,
    @InjectMetric(MESSAGES_DEAD_LETTERED) private readonly deadLettered: Counter<'queue' | 'event' | 'reason'>,
  ) {
    // memory-leak: what it retained goes when the fault is switched off.
    faults.onChange(() => {
      if (!faults.active('memory-leak')) releaseRetainedMemory();
    });
    // Export the dead-letter series at 0 from the start, so increase() sees the first one.
    for (const event of Object.values(OrderEvents)) {
      for (const reason of ['malformed', 'retries_exhausted']) {
        this.deadLettered.inc({ queue: NOTIFICATIONS_QUEUE, event, reason }, 0);
      }
      this.retries.inc({ queue: NOTIFICATIONS_QUEUE, event }, 0);
    }
  }

  @EventPattern(OrderEvents.Paid)
  onOrderPaid(@Payload() data: unknown, @Ctx() context: unknown): Promise<void> {
    return this.handle(data, context);
  }

  @EventPattern(OrderEvents.PaymentFailed)
  onPaymentFailed(@Payload() data: unknown, @Ctx() context: unknown): Promise<void> {
    return this.handle(data, context);
  }

  /**
   * Runs in the trace of the order that produced the event: on RabbitMQ the
   * amqplib instrumentation has already opened the consumer span from the
   * message headers; on the TCP transport this opens it (`process notifications`)
   * from the payload, with the producer's span as parent.
   */
  handle(data: unknown, context: unknown): Promise<void> {
    const eventType =
      typeof (data as { type?: unknown })?.type === 'string' ? String((data as { type: string }).type) : 'unknown';
    const messageId = String((data as { eventId?: unknown })?.eventId ?? '');
    const process = () =>
      withSpan(
        'notification.deliver',
        {
          attributes: {
            [ATTR_ORDER_ID]: String((data as { orderId?: unknown })?.orderId ?? ''),
            [ATTR_ORDER_EVENT_TYPE]: eventType,
            [ATTR_MESSAGING_MESSAGE_ID]: messageId,
          },
        },
        () => this.consume(data, context, eventType),
      );
    if (activeTraceIds()) return process();
    return withSpan(
      `${PROCESS} ${NOTIFICATIONS_QUEUE}`,
      {
        kind: SpanKind.CONSUMER,
        parent: extractTraceContext((data as { traceContext?: Record<string, string> })?.traceContext),
        attributes: {
          [ATTR_MESSAGING_SYSTEM_NAME]: MESSAGING_SYSTEM_NAME_VALUE_NEST_TCP,
          [ATTR_MESSAGING_OPERATION_NAME]: PROCESS,
          [ATTR_MESSAGING_OPERATION_TYPE]: MESSAGING_OPERATION_TYPE_VALUE_PROCESS,
          [ATTR_MESSAGING_DESTINATION_NAME]: NOTIFICATIONS_QUEUE,
          [ATTR_MESSAGING_MESSAGE_ID]: messageId,
          [ATTR_ORDER_EVENT_TYPE]: eventType,
        },
      },
      process,
    );
  }

  /** consumer-backlog: every message takes longer; memory-leak: every message leaves memory behind. */
  private async applyFaults(): Promise<void> {
    const leak = this.faults.active('memory-leak');
    if (leak) retainMemory(leak.retainKiB, leak.maxRetainedMiB);
    const slow = this.faults.active('consumer-backlog');
    if (slow) await sleep(slow.delayMs);
  }

  private async consume(data: unknown, context: unknown, eventType: string): Promise<void> {
    const started = performance.now();
    const labels = { queue: NOTIFICATIONS_QUEUE, event: eventType };
    const observe = () =>
      this.duration.observe({
        labels,
        value: (performance.now() - started) / 1000,
        exemplarLabels: exemplarLabels(),
      });
    const delivery = deliveryFor(context);
    const event = plainToInstance(OrderEventDto, data);
    const errors = typeof data === 'object' && data !== null ? validateSync(event) : [];
    if (typeof data !== 'object' || data === null || errors.length > 0) {
      const fields = errors.map((e) => e.property).join(', ') || 'payload';
      this.logger.error({ msg: `malformed order event (${fields}); dead-lettering it`, event_type: eventType });
      failActiveSpan(new Error(`malformed order event (${fields})`));
      delivery.deadLetter();
      this.consumed.inc({ ...labels, outcome: 'dead_lettered' });
      this.deadLettered.inc({ ...labels, reason: 'malformed' });
      observe();
      return;
    }

    await this.applyFaults();
    for (let attempt = delivery.attempt; ; attempt++) {
      try {
        const { created } = await this.notifications.record(event);
        delivery.ack();
        this.consumed.inc({ ...labels, outcome: created ? 'processed' : 'duplicate' });
        observe();
        const log = { order_id: event.orderId, event_id: event.eventId, event_type: event.type, attempt };
        if (created) this.logger.log({ msg: `notified customer: ${event.type}`, ...log });
        else
          this.logger.log({ msg: `event ${event.eventId} was already recorded; acknowledged the redelivery`, ...log });
        return;
      } catch (error) {
        const last = attempt >= MAX_DELIVERY_ATTEMPTS;
        this.logger.warn({
          msg: `recording event ${event.eventId} failed (attempt ${attempt}/${MAX_DELIVERY_ATTEMPTS}${last ? ', dead-lettering' : ''}): ${(error as Error).message}`,
          order_id: event.orderId,
          event_id: event.eventId,
          attempt,
        });
        this.consumed.inc({ ...labels, outcome: last ? 'dead_lettered' : 'failed' });
        if (last) this.deadLettered.inc({ ...labels, reason: 'retries_exhausted' });
        else this.retries.inc(labels);
        await sleep(retryDelayMs(attempt));
        // Mark the attempt failed in the trace; never throw: the message is already settled.
        failActiveSpan(error);
        if (delivery.redelivers) {
          observe();
          delivery.retry();
          return;
        }
        if (last) {
          observe();
          return;
        }
      }
    }
  }
}
