import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { IsPageLimit, MAX_PAGE_SIZE } from './pagination.js';

export class ListNotificationsQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only the notifications of this order' })
  @IsOptional()
  @IsUUID()
  orderId?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE })
  @IsPageLimit()
  limit?: number;
}

export interface NotificationView {
  id: string;
  eventId: string;
  orderId: string;
  customerId: string;
  type: string;
  channel: string;
  message: string;
  createdAt: string;
}
