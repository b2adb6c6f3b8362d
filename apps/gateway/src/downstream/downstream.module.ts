import { downstreamClientProvider } from '@app/common';
import { Module } from '@nestjs/common';
import { GatewayEnv } from '../config/env.validation.js';
import { NOTIFICATION_HTTP, ORDER_HTTP } from './downstream.tokens.js';

/** The HTTP clients of the services behind the gateway, registered once (URL and timeout from the validated config). */
@Module({
  providers: [
    downstreamClientProvider(ORDER_HTTP, 'order', GatewayEnv, (env) => ({
      url: env.ORDER_SERVICE_URL,
      timeoutMs: env.ORDER_TIMEOUT_MS,
    })),
    downstreamClientProvider(NOTIFICATION_HTTP, 'notification', GatewayEnv, (env) => ({
      url: env.NOTIFICATION_SERVICE_URL,
      timeoutMs: env.NOTIFICATION_TIMEOUT_MS,
    })),
  ],
  exports: [ORDER_HTTP, NOTIFICATION_HTTP],
})
export class DownstreamModule {}
