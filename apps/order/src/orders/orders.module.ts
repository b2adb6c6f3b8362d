import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxModule } from '../outbox/outbox.module.js';
import { PaymentsModule } from '../payments/payments.module.js';
import { Order, OrderItem } from './order.entity.js';
import { OrdersController } from './orders.controller.js';
import { OrderFaults } from './order-faults.js';
import { OrdersService } from './orders.service.js';
import { PaymentReconciler } from './payment-reconciler.js';

@Module({
  imports: [TypeOrmModule.forFeature([Order, OrderItem]), OutboxModule, PaymentsModule],
  controllers: [OrdersController],
  providers: [OrdersService, OrderFaults, PaymentReconciler],
})
export class OrdersModule {}
