import { isUniqueViolation } from '@app/common';
import type { CreateOrderDto, OrderStatus, OrderView, PaymentView } from '@app/contracts';
import { Injectable, Logger } from '@nestjs/common';
import {
  ATTR_ORDER_ID,
  ATTR_ORDER_ITEMS,
  ATTR_ORDER_STATUS,
  ATTR_ORDER_TOTAL_CENTS,
  annotateActiveSpan,
} from '@app/observability';
import { InjectRepository } from '@nestjs/typeorm';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Histogram } from 'prom-client';
import { DataSource, Repository } from 'typeorm';
import { PaymentClient } from '../payments/payment.client.js';
import { FindOrders } from './find-orders.js';
import { requestFingerprint } from './idempotency.js';
import { OrderFaults } from './order-faults.js';
import { Order, OrderItem } from './order.entity.js';
import { ORDER_AMOUNT, ORDERS_CREATED } from './order.metrics.js';
import { paymentCallFailed } from './payment-call-failed.js';
import { pendingOrder } from './pending-order.js';
import { ReplayOrder } from './replay-order.js';
import { SettleOrder } from './settle-order.js';
import { settlementFor } from './settlement.js';

export interface PlacedOrder {
  order: OrderView;
  /** True when an earlier request with the same Idempotency-Key produced this order. */
  replayed: boolean;
}

/** POST /orders: stores the order, charges it and settles it (or answers a retry with the first result). */
@Injectable()
export class PlaceOrder {
  // The order service's lines keep the context they have always had.
  private readonly logger = new Logger('OrdersService');

  constructor(
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    private readonly dataSource: DataSource,
    private readonly payments: PaymentClient,
    private readonly faults: OrderFaults,
    private readonly find: FindOrders,
    private readonly replay: ReplayOrder,
    private readonly settle: SettleOrder,
    @InjectMetric(ORDERS_CREATED) private readonly ordersCreated: Counter<'status'>,
    @InjectMetric(ORDER_AMOUNT) private readonly orderAmount: Histogram<'currency'>,
  ) {}

  /**
   * Stores the order as pending, charges it synchronously, then records the
   * outcome and its event in one transaction. If the payment call fails the
   * order stays pending (visible as such) and the reconciler settles it.
   */
  async execute(dto: CreateOrderDto, idempotencyKey: string | null): Promise<PlacedOrder> {
    const fingerprint = idempotencyKey ? requestFingerprint(dto) : null;
    if (idempotencyKey) {
      const existing = await this.orders.findOneBy({ idempotencyKey });
      if (existing) return this.replay.execute(existing, fingerprint);
    }

    await this.faults.duplicateCheck(dto.customerId);
    const { order, items } = pendingOrder(dto, idempotencyKey, fingerprint);
    try {
      await this.insert(order, items);
    } catch (error) {
      if (!idempotencyKey || !isUniqueViolation(error)) throw error;
      // A concurrent request with the same key won the insert: answer with its order.
      return this.replay.execute(await this.orders.findOneByOrFail({ idempotencyKey }), fingerprint);
    }

    annotateActiveSpan({
      [ATTR_ORDER_ID]: order.id,
      [ATTR_ORDER_TOTAL_CENTS]: order.totalCents,
      [ATTR_ORDER_ITEMS]: items.length,
    });
    this.faults.floodLogs(order.id, dto.items);
    return this.charge(order, dto.payment.cardNumber);
  }

  private async insert(order: Order, items: OrderItem[]): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.insert(Order, order);
      await m.insert(OrderItem, items);
      await this.faults.holdConnection(m);
    });
  }

  private async charge(order: Order, cardNumber: string): Promise<PlacedOrder> {
    let payment: PaymentView;
    try {
      payment = await this.payments.charge({
        orderId: order.id,
        amountCents: order.totalCents,
        currency: order.currency,
        cardNumber,
      });
    } catch (error) {
      this.recordCreated(order.id, 'pending', order.totalCents, order.currency);
      throw paymentCallFailed(order.id, error);
    }
    const settlement = settlementFor(payment);
    if (settlement) await this.settle.execute(order.id, settlement);
    const view = await this.find.get(order.id);
    this.recordCreated(view.id, view.status, order.totalCents, order.currency);
    return { order: view, replayed: false };
  }

  private recordCreated(orderId: string, status: OrderStatus, totalCents: number, currency: string): void {
    this.ordersCreated.inc({ status });
    this.orderAmount.observe({ currency }, totalCents / 100);
    annotateActiveSpan({ [ATTR_ORDER_STATUS]: status });
    const log = { msg: `order ${status}`, order_id: orderId, order_status: status, total_cents: totalCents };
    if (status === 'pending') this.logger.warn(log);
    else this.logger.log(log);
  }
}
