import { DEFAULT_PAGE_SIZE, type ListNotificationsQueryDto, type OrderEventPayload, OrderEvents } from '@app/contracts';
import { isUniqueViolation } from '@app/common';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { Notification } from './notification.entity.js';
import { NOTIFICATIONS_SENT } from './notification.metrics.js';

/** The text a customer receives for an order event. */
export function messageFor(
  event: Pick<OrderEventPayload, 'type' | 'orderId' | 'totalCents' | 'currency' | 'failureReason'>,
): string {
  const amount = `${(event.totalCents / 100).toFixed(2)} ${event.currency}`;
  if (event.type === OrderEvents.Paid) return `Your order ${event.orderId} is paid: ${amount}.`;
  return `Payment for your order ${event.orderId} (${amount}) failed: ${event.failureReason ?? 'unknown reason'}.`;
}

export interface RecordResult {
  notification: Notification;
  /** False when this event had already been recorded (a redelivery). */
  created: boolean;
}

@Injectable()
export class NotificationsService {
  constructor(
    @InjectRepository(Notification) private readonly notifications: Repository<Notification>,
    @InjectMetric(NOTIFICATIONS_SENT) private readonly sent: Counter<'type' | 'channel'>,
  ) {}

  /** Records (sends) the notification for an event exactly once per event id. */
  async record(event: OrderEventPayload): Promise<RecordResult> {
    const existing = await this.notifications.findOneBy({ eventId: event.eventId });
    if (existing) return { notification: existing, created: false };
    const notification = this.notifications.create({
      id: randomUUID(),
      eventId: event.eventId,
      orderId: event.orderId,
      customerId: event.customerId,
      type: event.type,
      channel: 'email',
      message: messageFor(event),
      createdAt: new Date(),
    });
    try {
      await this.notifications.insert(notification);
      this.sent.inc({ type: notification.type, channel: notification.channel });
      return { notification, created: true };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return { notification: await this.notifications.findOneByOrFail({ eventId: event.eventId }), created: false };
    }
  }

  list(query: ListNotificationsQueryDto): Promise<Notification[]> {
    return this.notifications.find({
      where: query.orderId ? { orderId: query.orderId } : {},
      order: { createdAt: 'DESC', id: 'DESC' },
      take: query.limit ?? DEFAULT_PAGE_SIZE,
    });
  }
}
