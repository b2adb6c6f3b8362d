import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxModule } from '../outbox/outbox.module.js';
import { PaymentsModule } from '../payments/payments.module.js';
import { FindOrders } from './find-orders.js';
import { Order, OrderItem } from './order.entity.js';
import { OrderFaults } from './order-faults.js';
import { orderMetrics } from './order.metrics.js';
import { OrdersController } from './orders.controller.js';
import { PaymentReconciler } from './payment-reconciler.js';
import { PlaceOrder } from './place-order.js';
import { ReconcilePendingOrders } from './reconcile-pending-orders.js';
import { ReplayOrder } from './replay-order.js';
import { SettleOrder } from './settle-order.js';

@Module({
  imports: [TypeOrmModule.forFeature([Order, OrderItem]), OutboxModule, PaymentsModule],
  controllers: [OrdersController],
  providers: [
    PlaceOrder,
    ReplayOrder,
    FindOrders,
    SettleOrder,
    ReconcilePendingOrders,
    PaymentReconciler,
    OrderFaults,
    ...orderMetrics,
  ],
})
export class OrdersModule {}
