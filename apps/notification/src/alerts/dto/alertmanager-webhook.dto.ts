import { Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ALERT_STATUSES, type AlertStatus } from '../alert.entity.js';
import { IsStringRecord } from './is-string-record.js';

/** One alert of a webhook notification (Alertmanager's `template.Alert`). */
export interface AlertmanagerAlert {
  status: AlertStatus;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
  fingerprint: string;
}

/** The body of Alertmanager's webhook notification, payload version 4. */
export interface AlertmanagerWebhook {
  version: string;
  groupKey: string;
  truncatedAlerts?: number;
  status: AlertStatus;
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: AlertmanagerAlert[];
}

export class AlertmanagerAlertDto implements AlertmanagerAlert {
  @IsIn(ALERT_STATUSES)
  status!: AlertStatus;

  @IsStringRecord()
  labels!: Record<string, string>;

  @IsStringRecord()
  annotations!: Record<string, string>;

  @IsISO8601()
  startsAt!: string;

  /** `0001-01-01T00:00:00Z` while the alert fires. */
  @IsISO8601()
  endsAt!: string;

  @IsOptional()
  @IsString()
  generatorURL?: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  fingerprint!: string;
}

export class AlertmanagerWebhookDto implements AlertmanagerWebhook {
  @IsIn(['4'])
  version!: string;

  @IsString()
  groupKey!: string;

  /** How many alerts `max_alerts` left out of this notification. */
  @IsOptional()
  @IsInt()
  @Min(0)
  truncatedAlerts?: number;

  @IsIn(ALERT_STATUSES)
  status!: AlertStatus;

  @IsString()
  receiver!: string;

  @IsStringRecord()
  groupLabels!: Record<string, string>;

  @IsStringRecord()
  commonLabels!: Record<string, string>;

  @IsStringRecord()
  commonAnnotations!: Record<string, string>;

  @IsString()
  externalURL!: string;

  @IsArray()
  @ArrayNotEmpty()
  @ValidateNested({ each: true })
  @Type(() => AlertmanagerAlertDto)
  alerts!: AlertmanagerAlertDto[];
}
