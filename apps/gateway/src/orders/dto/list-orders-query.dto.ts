import { ListOrdersQueryDto } from '@app/contracts';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

/** The gateway's list query: the order service's, plus what to join in from other services. */
export class GatewayListOrdersQueryDto extends ListOrdersQueryDto {
  /** `notifications`: each order with the notifications sent for it (one call per order, at most 20 at a time). */
  @ApiPropertyOptional({ enum: ['notifications'], description: 'Join in the notifications sent for each order' })
  @IsOptional()
  @IsIn(['notifications'], { message: 'include must be "notifications"' })
  include?: 'notifications';
}
