import { type EnvSource, configModuleFor, DatabaseModule, HealthModule } from '@app/common';
import { CreateWorkshopFaults1768000000000, FaultsModule } from '@app/faults';
import { ObservabilityModule } from '@app/observability';
import { type DynamicModule, Module } from '@nestjs/common';
import { OrderEnv } from './config/env.validation.js';
import { CreateOrders1764000000000 } from './migrations/1764000000000-create-orders.js';
import { OutboxTraceContext1764100000000 } from './migrations/1764100000000-outbox-trace-context.js';
import { ReplicaClaims1767100000000 } from './migrations/1767100000000-replica-claims.js';
import { Order, OrderItem } from './orders/order.entity.js';
import { OrdersModule } from './orders/orders.module.js';
import { OutboxEvent } from './outbox/outbox-event.entity.js';

/** The whole service; `env` is validated at boot (process.env in production, an object in tests). */
@Module({})
export class AppModule {
  static forRoot(env: EnvSource = process.env): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'order' }),
        configModuleFor(OrderEnv, env),
        FaultsModule.forRoot({ service: 'order', store: 'database' }),
        DatabaseModule.forRoot({
          service: 'order',
          entities: [Order, OrderItem, OutboxEvent],
          migrations: [
            CreateOrders1764000000000,
            OutboxTraceContext1764100000000,
            ReplicaClaims1767100000000,
            CreateWorkshopFaults1768000000000,
          ],
        }),
        HealthModule.forRoot({ database: true, broker: true }),
        OrdersModule,
      ],
    };
  }
}
