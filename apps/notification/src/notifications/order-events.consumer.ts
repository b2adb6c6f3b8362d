import { OrderEvents } from '@app/contracts';
import { Controller, Logger } from '@nestjs/common';
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

  constructor(private readonly notifications: NotificationsService) {}

  @EventPattern(OrderEvents.Paid)
  onOrderPaid(@Payload() data: unknown, @Ctx() context: unknown): Promise<void> {
    return this.handle(data, context);
  }

  @EventPattern(OrderEvents.PaymentFailed)
  onPaymentFailed(@Payload() data: unknown, @Ctx() context: unknown): Promise<void> {
    return this.handle(data, context);
  }

  async handle(data: unknown, context: unknown): Promise<void> {
    const delivery = deliveryFor(context);
    const event = plainToInstance(OrderEventDto, data);
    const errors = typeof data === 'object' && data !== null ? validateSync(event) : [];
    if (typeof data !== 'object' || data === null || errors.length > 0) {
      const fields = errors.map((e) => e.property).join(', ') || 'payload';
      this.logger.error(`malformed order event (${fields}); dead-lettering it`);
      delivery.deadLetter();
      return;
    }

    for (let attempt = delivery.attempt; ; attempt++) {
      try {
        const { created } = await this.notifications.record(event);
        delivery.ack();
        if (!created) this.logger.log(`event ${event.eventId} was already recorded; acknowledged the redelivery`);
        return;
      } catch (error) {
        const last = attempt >= MAX_DELIVERY_ATTEMPTS;
        this.logger.warn(
          `recording event ${event.eventId} failed (attempt ${attempt}/${MAX_DELIVERY_ATTEMPTS}${last ? ', dead-lettering' : ''}): ${(error as Error).message}`,
        );
        await sleep(retryDelayMs(attempt));
        if (delivery.redelivers) {
          delivery.retry();
          return;
        }
        if (last) return;
      }
    }
  }
}
