import { DataEnv, IsIntBetween } from '@app/common';

export class PaymentEnv extends DataEnv {
  override PORT = 3002;

  /** How long the simulated card provider takes to answer, in ms. */
  @IsIntBetween(0, 60_000)
  PAYMENT_PROVIDER_LATENCY_MS: number = 40;
}
