import { ListNotificationsQueryDto, type NotificationView } from '@app/contracts';
import { Controller, Get, Query } from '@nestjs/common';
import { toNotificationView } from './notification.entity.js';
import { NotificationsService } from './notifications.service.js';

@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  /** Newest first. */
  @Get()
  async list(@Query() query: ListNotificationsQueryDto): Promise<{ data: NotificationView[] }> {
    return { data: (await this.notifications.list(query)).map(toNotificationView) };
  }
}
