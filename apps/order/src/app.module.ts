import { DatabaseModule, HealthModule, createEnvValidator } from '@app/common';
import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { OrderEnv } from './config/env.validation.js';
import { CreateOrders1764000000000 } from './migrations/1764000000000-create-orders.js';
import { Order, OrderItem } from './orders/order.entity.js';
import { OrdersModule } from './orders/orders.module.js';
import { OutboxEvent } from './outbox/outbox-event.entity.js';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: createEnvValidator(OrderEnv) }),
    DatabaseModule.forRoot({
      service: 'order',
      entities: [Order, OrderItem, OutboxEvent],
      migrations: [CreateOrders1764000000000],
    }),
    HealthModule.forRoot({ database: true, broker: true }),
    OrdersModule,
  ],
})
export class AppModule {}
