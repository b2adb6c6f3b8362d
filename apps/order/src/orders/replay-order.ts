import { ConflictException, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { setTimeout as sleep } from 'node:timers/promises';
import { Repository } from 'typeorm';
import { OrderEnv } from '../config/env.validation.js';
import { FindOrders } from './find-orders.js';
import { Order } from './order.entity.js';
import type { PlacedOrder } from './place-order.js';

/** Answers a retry of an order placed earlier with the same Idempotency-Key. */
@Injectable()
export class ReplayOrder {
  private readonly paymentTimeoutMs: number;

  constructor(
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    private readonly find: FindOrders,
    env: OrderEnv,
  ) {
    this.paymentTimeoutMs = env.PAYMENT_TIMEOUT_MS;
  }

  /** Same request → the first result (once its payment is settled); different request → 422. */
  async execute(existing: Order, fingerprint: string | null): Promise<PlacedOrder> {
    if (existing.requestFingerprint !== fingerprint) {
      throw new UnprocessableEntityException({
        message: 'Idempotency-Key was already used for a different request',
        field: 'Idempotency-Key',
      });
    }
    const deadline = Date.now() + this.paymentTimeoutMs + 1_000;
    let order: Order = existing;
    while (order.status === 'pending' && Date.now() < deadline) {
      await sleep(50);
      order = await this.orders.findOneByOrFail({ id: existing.id });
    }
    if (order.status === 'pending') {
      throw new ConflictException({
        message: `Order ${order.id} is still pending; retry later or GET /api/orders/${order.id}`,
        orderId: order.id,
        orderStatus: 'pending',
      });
    }
    return { order: await this.find.get(order.id), replayed: true };
  }
}
