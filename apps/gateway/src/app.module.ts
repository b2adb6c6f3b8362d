import { HealthModule, createEnvValidator, downstreamClientProvider } from '@app/common';
import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { GatewayEnv } from './config/env.validation.js';
import { NOTIFICATION_HTTP, ORDER_HTTP } from './downstream.tokens.js';
import { NotificationsController } from './notifications/notifications.controller.js';
import { OrdersController } from './orders/orders.controller.js';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: createEnvValidator(GatewayEnv) }),
    HealthModule.forRoot({ database: false, broker: false }),
  ],
  controllers: [OrdersController, NotificationsController],
  providers: [
    downstreamClientProvider(ORDER_HTTP, 'order', 'ORDER_SERVICE_URL', 'ORDER_TIMEOUT_MS'),
    downstreamClientProvider(NOTIFICATION_HTTP, 'notification', 'NOTIFICATION_SERVICE_URL', 'NOTIFICATION_TIMEOUT_MS'),
  ],
})
export class AppModule {}
