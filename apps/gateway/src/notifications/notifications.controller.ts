import { DownstreamClient } from '@app/common';
import { ListNotificationsQueryDto, type NotificationView } from '@app/contracts';
import { Controller, Get, Inject, Query } from '@nestjs/common';
import { NOTIFICATION_HTTP } from '../downstream.tokens.js';

@Controller('api/notifications')
export class NotificationsController {
  constructor(@Inject(NOTIFICATION_HTTP) private readonly notification: DownstreamClient) {}

  @Get()
  async list(@Query() query: ListNotificationsQueryDto): Promise<{ data: NotificationView[] }> {
    return (await this.notification.request<{ data: NotificationView[] }>({ path: '/notifications', query: { ...query } }))
      .body;
  }
}
