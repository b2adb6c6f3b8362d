import { DownstreamClient } from '@app/common';
import { ListNotificationsQueryDto, type NotificationView } from '@app/contracts';
import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, DOWNSTREAM_ERRORS } from '../api-docs/api-errors.js';
import { NotificationListSchema } from '../api-docs/schemas.js';
import { NOTIFICATION_HTTP } from '../downstream/downstream.tokens.js';

@ApiTags('notifications')
@Controller('api/notifications')
export class NotificationsController {
  constructor(@Inject(NOTIFICATION_HTTP) private readonly notification: DownstreamClient) {}

  @Get()
  @ApiOperation({ summary: 'The notifications sent for order events (written asynchronously, from the broker)' })
  @ApiOkResponse({ type: NotificationListSchema })
  @ApiErrors(400, ...DOWNSTREAM_ERRORS)
  async list(@Query() query: ListNotificationsQueryDto): Promise<{ data: NotificationView[] }> {
    return (
      await this.notification.request<{ data: NotificationView[] }>({ path: '/notifications', query: { ...query } })
    ).body;
  }
}
