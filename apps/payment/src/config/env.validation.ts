import { DataEnv } from '@app/common';
import { IsInt, Max, Min } from 'class-validator';

export class PaymentEnv extends DataEnv {
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT: number = 3002;

  /** How long the simulated card provider takes to answer, in ms. */
  @IsInt()
  @Min(0)
  @Max(60_000)
  PAYMENT_PROVIDER_LATENCY_MS: number = 40;
}
