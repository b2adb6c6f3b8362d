import { NOTIFICATIONS_QUEUE, OrderEvents } from '@app/contracts';
import {
  SpanKind,
  activeTraceIds,
  exemplarLabels,
  extractTraceContext,
  failActiveSpan,
  messageProcessingDuration,
  messageRetries,
  messagesConsumed,
  messagesDeadLettered,
  withSpan,
} from '@app/observability';
import { FaultRegistry, releaseRetainedMemory, retainMemory } from '@app/faults';
import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_DELIVERY_ATTEMPTS } from '@app/common';
import { deliveryFor, retryDelayMs } from './delivery.js';
import { NotificationsService } from './notifications.service.js';
import { OrderEventDto } from './order-event.dto.js';

/** Consumes the order service's events and records one notification per event. */
@Controller()
export class OrderEventsConsumer {
  private readonly logger = new Logger(OrderEventsConsumer.name);

  constructor(
    private readonly notifications: NotificationsService,
    @Inject(FaultRegistry) private readonly faults: FaultRegistry,
  ) {
    // memory-leak: what it retained goes when the fault is switched off.
    faults.onChange(() => {
      if (!faults.active('memory-leak')) releaseRetainedMemory();
    });
    // Export the dead-letter series at 0 from the start, so increase() sees the first one.
    for (const event of Object.values(OrderEvents)) {
      for (const reason of ['malformed', 'retries_exhausted']) {
        messagesDeadLettered.inc({ queue: NOTIFICATIONS_QUEUE, event, reason }, 0);
      }
      messageRetries.inc({ queue: NOTIFICATIONS_QUEUE, event }, 0);
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
   * message headers; on the TCP transport this opens it from the payload.
   */
  handle(data: unknown, context: unknown): Promise<void> {
    const eventType = typeof (data as { type?: unknown })?.type === 'string' ? String((data as { type: string }).type) : 'unknown';
    const process = () =>
      withSpan(
        'notification.deliver',
        { attributes: { 'order.id': String((data as { orderId?: unknown })?.orderId ?? ''), 'messaging.message.id': String((data as { eventId?: unknown })?.eventId ?? '') } },
        () => this.consume(data, context, eventType),
      );
    if (activeTraceIds()) return process();
    return withSpan(
      `${eventType} process`,
      {
        kind: SpanKind.CONSUMER,
        parent: extractTraceContext((data as { traceContext?: Record<string, string> })?.traceContext),
        attributes: {
          'messaging.system': 'nest-tcp',
          'messaging.operation.type': 'process',
          'messaging.destination.name': NOTIFICATIONS_QUEUE,
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
      messageProcessingDuration.observe({ labels, value: (performance.now() - started) / 1000, exemplarLabels: exemplarLabels() });
    const delivery = deliveryFor(context);
    const event = plainToInstance(OrderEventDto, data);
    const errors = typeof data === 'object' && data !== null ? validateSync(event) : [];
    if (typeof data !== 'object' || data === null || errors.length > 0) {
      const fields = errors.map((e) => e.property).join(', ') || 'payload';
      this.logger.error({ msg: `malformed order event (${fields}); dead-lettering it`, event_type: eventType });
      failActiveSpan(new Error(`malformed order event (${fields})`));
      delivery.deadLetter();
      messagesConsumed.inc({ ...labels, outcome: 'dead_lettered' });
      messagesDeadLettered.inc({ ...labels, reason: 'malformed' });
      observe();
      return;
    }

    await this.applyFaults();
    for (let attempt = delivery.attempt; ; attempt++) {
      try {
        const { created } = await this.notifications.record(event);
        delivery.ack();
        messagesConsumed.inc({ ...labels, outcome: created ? 'processed' : 'duplicate' });
        observe();
        const log = { order_id: event.orderId, event_id: event.eventId, event_type: event.type, attempt };
        if (created) this.logger.log({ msg: `notified customer: ${event.type}`, ...log });
        else this.logger.log({ msg: `event ${event.eventId} was already recorded; acknowledged the redelivery`, ...log });
        return;
      } catch (error) {
        const last = attempt >= MAX_DELIVERY_ATTEMPTS;
        this.logger.warn({
          msg: `recording event ${event.eventId} failed (attempt ${attempt}/${MAX_DELIVERY_ATTEMPTS}${last ? ', dead-lettering' : ''}): ${(error as Error).message}`,
          order_id: event.orderId,
          event_id: event.eventId,
          attempt,
        });
        messagesConsumed.inc({ ...labels, outcome: last ? 'dead_lettered' : 'failed' });
        if (last) messagesDeadLettered.inc({ ...labels, reason: 'retries_exhausted' });
        else messageRetries.inc(labels);
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
