import { DatabaseModule, EnvModule, type EnvSource, HealthModule, validateEnv } from '@app/common';
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

/**
 * The whole service. Its config is validated here, once (`source` is process.env in
 * production, an object in tests): a bad variable throws, naming it, before Nest starts.
 */
@Module({})
export class AppModule {
  static forRoot(source: EnvSource = process.env): DynamicModule {
    const env = validateEnv(OrderEnv, source);
    return {
      module: AppModule,
      imports: [
        EnvModule.forRoot(env),
        ObservabilityModule.forRoot({ service: 'order', env }),
        FaultsModule.forRoot({ service: 'order', store: 'database', env }),
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
