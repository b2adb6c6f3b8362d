import { IsIntBetween, MessagingEnv } from '@app/common';
import { IsOptional, Matches, MinLength } from 'class-validator';

export class NotificationEnv extends MessagingEnv {
  override PORT = 3003;

  /** How long the simulated e-mail provider takes to report a delivery status (GET /notifications?orderId=). */
  @IsIntBetween(0, 60_000)
  DELIVERY_STATUS_LATENCY_MS: number = 20;

  /**
   * The bearer token Alertmanager sends to POST /alerts (`http_config.authorization`).
   * Optional: when unset the webhook answers 503 instead of accepting anyone's alerts.
   */
  @IsOptional()
  @MinLength(16, { message: 'ALERT_WEBHOOK_TOKEN must be at least 16 characters (e.g. `openssl rand -hex 32`)' })
  @Matches(/^[\x21-\x7e]+$/, { message: 'ALERT_WEBHOOK_TOKEN must be printable ASCII without spaces' })
  ALERT_WEBHOOK_TOKEN?: string;
}
