import { ListNotificationsQueryDto, type NotificationView } from '@app/contracts';
import { ATTR_NOTIFICATION_PROVIDER, ATTR_ORDER_ID, withSpan } from '@app/observability';
import { Controller, Get, Inject, Query } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { NotificationEnv } from '../config/env.validation.js';
import { toNotificationView } from './notification.entity.js';
import { NotificationsService } from './notifications.service.js';

@Controller('notifications')
export class NotificationsController {
  private readonly deliveryStatusLatencyMs: number;

  constructor(
    private readonly notifications: NotificationsService,
    @Inject(NotificationEnv) env: NotificationEnv,
  ) {
    this.deliveryStatusLatencyMs = env.DELIVERY_STATUS_LATENCY_MS;
  }

  /**
   * Newest first. For one order's notifications (what a customer's order page asks), it also
   * checks their delivery status with the e-mail provider: a network wait, simulated like the
   * card provider (DELIVERY_STATUS_LATENCY_MS), so callers that ask for many orders one after
   * another pay it once per order.
   */
  @Get()
  async list(@Query() query: ListNotificationsQueryDto): Promise<{ data: NotificationView[] }> {
    const found = await this.notifications.list(query);
    if (query.orderId && found.length > 0 && this.deliveryStatusLatencyMs > 0) {
      await withSpan(
        'notification.delivery_status',
        { attributes: { [ATTR_ORDER_ID]: query.orderId, [ATTR_NOTIFICATION_PROVIDER]: 'simulated' } },
        () => sleep(this.deliveryStatusLatencyMs),
      );
    }
    return { data: found.map(toNotificationView) };
  }
}
