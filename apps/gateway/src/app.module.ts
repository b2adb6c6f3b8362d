import { type EnvSource, configModuleFor, HealthModule, downstreamClientProvider } from '@app/common';
import { FaultsModule } from '@app/faults';
import { ObservabilityModule } from '@app/observability';
import { type DynamicModule, Module } from '@nestjs/common';
import { GatewayEnv } from './config/env.validation.js';
import { NOTIFICATION_HTTP, ORDER_HTTP } from './downstream.tokens.js';
import { NotificationsController } from './notifications/notifications.controller.js';
import { OrdersController } from './orders/orders.controller.js';

/** The whole service; `env` is validated at boot (process.env in production, an object in tests). */
@Module({})
export class AppModule {
  static forRoot(env: EnvSource = process.env): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'gateway' }),
        configModuleFor(GatewayEnv, env),
        FaultsModule.forRoot({ service: 'gateway' }),
        HealthModule.forRoot({ database: false, broker: false }),
      ],
      controllers: [OrdersController, NotificationsController],
      providers: [
        downstreamClientProvider(ORDER_HTTP, 'order', 'ORDER_SERVICE_URL', 'ORDER_TIMEOUT_MS'),
        downstreamClientProvider(NOTIFICATION_HTTP, 'notification', 'NOTIFICATION_SERVICE_URL', 'NOTIFICATION_TIMEOUT_MS'),
      ],
    };
  }
}
