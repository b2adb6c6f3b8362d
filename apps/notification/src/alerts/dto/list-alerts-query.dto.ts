import { IsPageLimit } from '@app/contracts';
import { IsIn, IsOptional } from 'class-validator';
import { ALERT_STATUSES, type AlertStatus } from '../alert.entity.js';

export class ListAlertsQueryDto {
  @IsOptional()
  @IsIn(ALERT_STATUSES)
  status?: AlertStatus;

  @IsPageLimit()
  limit?: number;
}
