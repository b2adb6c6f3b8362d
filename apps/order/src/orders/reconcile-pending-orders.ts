import { ATTR_ORDER_ID, ATTR_ORDER_STATUS, withSpan } from '@app/observability';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { PaymentClient } from '../payments/payment.client.js';
import { Order } from './order.entity.js';
import { claimPendingOrder } from './reconcile-claims.js';
import { SettleOrder } from './settle-order.js';
import { settlementFor } from './settlement.js';

/** Settles orders left pending by a failed or timed-out payment call (PaymentReconciler runs it). */
@Injectable()
export class ReconcilePendingOrders {
  // The order service's lines keep the context they have always had.
  private readonly logger = new Logger('OrdersService');

  constructor(
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    private readonly payments: PaymentClient,
    private readonly settle: SettleOrder,
  ) {}

  /**
   * Asks the payment service what happened to each order pending since before
   * `olderThanMs` ago. Returns how many were settled. Each order is claimed first
   * (reconcile-claims.ts), one at a time, so replicas running this together never
   * ask about the same order at once.
   */
  async execute(olderThanMs: number, batch = 50): Promise<number> {
    const cutoff = new Date(Date.now() - olderThanMs);
    // Longer than one lookup may take (its deadline is the payment timeout, below olderThanMs).
    const leaseMs = 2 * olderThanMs;
    let settled = 0;
    for (let i = 0; i < batch; i++) {
      const orderId = await claimPendingOrder(this.orders, cutoff, leaseMs);
      if (!orderId) break;
      const done = await withSpan('order.reconcile', { attributes: { [ATTR_ORDER_ID]: orderId } }, async (span) => {
        const settlement = settlementFor(await this.payments.findByOrder(orderId));
        span.setAttribute(ATTR_ORDER_STATUS, settlement?.status ?? 'pending');
        if (!settlement || !(await this.settle.execute(orderId, settlement))) return false;
        this.logger.log({
          msg: `reconciled order ${settlement.status}`,
          order_id: orderId,
          order_status: settlement.status,
        });
        return true;
      });
      if (done) settled++;
    }
    return settled;
  }
}
