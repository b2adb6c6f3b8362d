import { downstreamClientProvider } from '@app/common';
import { Module } from '@nestjs/common';
import { OrderEnv } from '../config/env.validation.js';
import { PAYMENT_HTTP, PaymentClient } from './payment.client.js';

@Module({
  providers: [
    downstreamClientProvider(PAYMENT_HTTP, 'payment', OrderEnv, (env) => ({
      url: env.PAYMENT_SERVICE_URL,
      timeoutMs: env.PAYMENT_TIMEOUT_MS,
    })),
    PaymentClient,
  ],
  exports: [PaymentClient],
})
export class PaymentsModule {}
