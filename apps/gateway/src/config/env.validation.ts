import { BaseEnv, IsIntBetween, IsServiceUrl } from '@app/common';
import { IsOptional, IsString, MinLength } from 'class-validator';

export class GatewayEnv extends BaseEnv {
  override PORT = 3000;

  @IsServiceUrl()
  ORDER_SERVICE_URL: string = 'http://127.0.0.1:3001';

  @IsServiceUrl()
  NOTIFICATION_SERVICE_URL: string = 'http://127.0.0.1:3003';

  /** Deadline for the order service; longer than its own payment deadline so it can answer first. */
  @IsIntBetween(100, 120_000)
  ORDER_TIMEOUT_MS: number = 10_000;

  @IsIntBetween(100, 120_000)
  NOTIFICATION_TIMEOUT_MS: number = 3_000;

  /**
   * Where the gateway keeps its switched-on faults across restarts (it has no
   * database); replicas sharing the directory follow each other. Unset: memory only.
   */
  @IsOptional()
  @IsString()
  @MinLength(1)
  FAULTS_STATE_DIR?: string;
}
