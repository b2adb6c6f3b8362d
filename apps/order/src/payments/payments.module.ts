import { downstreamClientProvider } from '@app/common';
import { Module } from '@nestjs/common';
import { PAYMENT_HTTP, PaymentClient } from './payment.client.js';

@Module({
  providers: [
    downstreamClientProvider(PAYMENT_HTTP, 'payment', 'PAYMENT_SERVICE_URL', 'PAYMENT_TIMEOUT_MS'),
    PaymentClient,
  ],
  exports: [PaymentClient],
})
export class PaymentsModule {}
