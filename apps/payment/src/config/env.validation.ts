import { DataEnv } from '@app/common';
import { IsInt, Max, Min } from 'class-validator';

export class PaymentEnv extends DataEnv {
  override PORT = 3002;

  /** How long the simulated card provider takes to answer, in ms. */
  @IsInt()
  @Min(0)
  @Max(60_000)
  PAYMENT_PROVIDER_LATENCY_MS: number = 40;
}
