import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OutboxEvent } from '../outbox/outbox-event.entity.js';
import { OutboxRelay, newOutboxEvent } from '../outbox/outbox.relay.js';
import { Order } from './order.entity.js';
import { canTransition, eventFor } from './order-status.js';
import type { Settlement } from './settlement.js';

/** Settles a pending order: used when it is placed and when it is reconciled. */
@Injectable()
export class SettleOrder {
  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
  ) {}

  /** Moves a pending order to its final status and writes its event, atomically. False if already settled. */
  async execute(orderId: string, settlement: Settlement): Promise<boolean> {
    if (!canTransition('pending', settlement.status)) return false;
    const changed = await this.dataSource.transaction(async (m) => {
      const result = await m.update(
        Order,
        { id: orderId, status: 'pending' },
        { ...settlement, updatedAt: new Date() },
      );
      if (!result.affected) return false;
      const order = await m.findOneByOrFail(Order, { id: orderId });
      await m.insert(
        OutboxEvent,
        newOutboxEvent({
          type: eventFor(settlement.status),
          orderId,
          customerId: order.customerId,
          totalCents: order.totalCents,
          currency: order.currency,
          paymentId: settlement.paymentId,
          failureReason: settlement.failureReason,
        }),
      );
      return true;
    });
    if (changed) this.relay.nudge();
    return changed;
  }
}
