import { type EnvSource, configModuleFor, HealthModule } from '@app/common';
import { FaultsModule } from '@app/faults';
import { ObservabilityModule } from '@app/observability';
import { type DynamicModule, Module } from '@nestjs/common';
import { GatewayEnv } from './config/env.validation.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { OrdersModule } from './orders/orders.module.js';

/** The whole service; `env` is validated at boot (process.env in production, an object in tests). */
@Module({})
export class AppModule {
  static forRoot(env: EnvSource = process.env): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'gateway' }),
        configModuleFor(GatewayEnv, env),
        FaultsModule.forRoot({ service: 'gateway', store: 'file' }),
        HealthModule.forRoot({ database: false, broker: false }),
        OrdersModule,
        NotificationsModule,
      ],
    };
  }
}
