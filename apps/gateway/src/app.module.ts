import { EnvModule, type EnvSource, HealthModule, validateEnv } from '@app/common';
import { FaultsModule } from '@app/faults';
import { ObservabilityModule } from '@app/observability';
import { type DynamicModule, Module } from '@nestjs/common';
import { GatewayEnv } from './config/env.validation.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { OrdersModule } from './orders/orders.module.js';

/**
 * The whole service. Its config is validated here, once (`source` is process.env in
 * production, an object in tests): a bad variable throws, naming it, before Nest starts.
 */
@Module({})
export class AppModule {
  static forRoot(source: EnvSource = process.env): DynamicModule {
    const env = validateEnv(GatewayEnv, source);
    return {
      module: AppModule,
      imports: [
        EnvModule.forRoot(env),
        ObservabilityModule.forRoot({ service: 'gateway', env }),
        FaultsModule.forRoot({ service: 'gateway', store: 'file', env }),
        HealthModule.forRoot({ database: false, broker: false }),
        OrdersModule,
        NotificationsModule,
      ],
    };
  }
}
