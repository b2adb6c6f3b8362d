import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { MAX_PAGE_SIZE } from './orders.js';

export class ListNotificationsQueryDto {
  @IsOptional()
  @IsUUID()
  orderId?: string;

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
