import { MessagingEnv, IsPort } from '@app/common';
import { IsInt, IsUrl, Max, Min } from 'class-validator';

export class OrderEnv extends MessagingEnv {
  @IsPort()
  PORT: number = 3001;

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  PAYMENT_SERVICE_URL: string = 'http://127.0.0.1:3002';

  /** Deadline for the synchronous payment call; past it the order stays pending and is reconciled. */
  @IsInt()
  @Min(100)
  @Max(60_000)
  PAYMENT_TIMEOUT_MS: number = 5_000;

  /** How often the outbox relay looks for unpublished events (it is also woken on each new event). */
  @IsInt()
  @Min(50)
  @Max(60_000)
  OUTBOX_POLL_INTERVAL_MS: number = 1_000;

  @IsInt()
  @Min(1)
  @Max(1_000)
  OUTBOX_BATCH_SIZE: number = 50;

  /** How long one publish may wait for the broker's confirmation before it is retried later. */
  @IsInt()
  @Min(100)
  @Max(60_000)
  OUTBOX_PUBLISH_TIMEOUT_MS: number = 5_000;

  /** How often orders left pending by a failed payment call are checked against the payment service. */
  @IsInt()
  @Min(100)
  @Max(600_000)
  RECONCILE_INTERVAL_MS: number = 5_000;
}
