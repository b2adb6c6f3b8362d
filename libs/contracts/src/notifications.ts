import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { MAX_PAGE_SIZE } from './orders.js';

export class ListNotificationsQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only the notifications of this order' })
  @IsOptional()
  @IsUUID()
  orderId?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
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
