import { IsIntBetween, IsServiceUrl, MessagingEnv } from '@app/common';
import { IsInt, Max, ValidateBy, type ValidationArguments } from 'class-validator';
import { LEASE_MARGIN_MS } from '../outbox/outbox-claims.js';

/** A lease must outlast one publish plus the margin, or a relay could never publish under it. */
function OutlastsPublishTimeout(): PropertyDecorator {
  return ValidateBy({
    name: 'outlastsPublishTimeout',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) =>
        typeof value === 'number' && value > (args?.object as OrderEnv).OUTBOX_PUBLISH_TIMEOUT_MS + LEASE_MARGIN_MS,
      defaultMessage: (args?: ValidationArguments) =>
        `OUTBOX_LEASE_MS must be more than OUTBOX_PUBLISH_TIMEOUT_MS (${(args?.object as OrderEnv).OUTBOX_PUBLISH_TIMEOUT_MS}) + ${LEASE_MARGIN_MS}`,
    },
  });
}

export class OrderEnv extends MessagingEnv {
  override PORT = 3001;

  @IsServiceUrl()
  PAYMENT_SERVICE_URL: string = 'http://127.0.0.1:3002';

  /** Deadline for the synchronous payment call; past it the order stays pending and is reconciled. */
  @IsIntBetween(100, 60_000)
  PAYMENT_TIMEOUT_MS: number = 5_000;

  /** How often the outbox relay looks for unpublished events (it is also woken on each new event). */
  @IsIntBetween(50, 60_000)
  OUTBOX_POLL_INTERVAL_MS: number = 1_000;

  @IsIntBetween(1, 1_000)
  OUTBOX_BATCH_SIZE: number = 50;

  /** How long one publish may wait for the broker's confirmation before it is retried later. */
  @IsIntBetween(100, 60_000)
  OUTBOX_PUBLISH_TIMEOUT_MS: number = 5_000;

  /**
   * How long a relay holds the outbox events it claimed (each order replica runs one). Events a
   * replica claimed and did not publish before it died wait this long for another replica.
   */
  @IsInt()
  @Max(600_000)
  @OutlastsPublishTimeout()
  OUTBOX_LEASE_MS: number = 15_000;

  /** How often orders left pending by a failed payment call are checked against the payment service. */
  @IsIntBetween(100, 600_000)
  RECONCILE_INTERVAL_MS: number = 5_000;
}
