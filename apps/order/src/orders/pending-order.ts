import { type CreateOrderDto, cardLast4 } from '@app/contracts';
import { randomUUID } from 'node:crypto';
import { Order, OrderItem } from './order.entity.js';
import { orderTotalCents, toCents } from './order-total.js';

/** A new order as it is first stored: pending, priced in cents, its items in cart order. */
export function pendingOrder(
  dto: CreateOrderDto,
  idempotencyKey: string | null,
  fingerprint: string | null,
): { order: Order; items: OrderItem[] } {
  const now = new Date();
  const order = Object.assign(new Order(), {
    id: randomUUID(),
    customerId: dto.customerId,
    status: 'pending',
    totalCents: orderTotalCents(dto.items),
    currency: 'USD',
    cardLast4: cardLast4(dto.payment.cardNumber),
    paymentId: null,
    failureReason: null,
    idempotencyKey,
    requestFingerprint: fingerprint,
    createdAt: now,
    updatedAt: now,
  } satisfies Partial<Order>);
  const items = dto.items.map((item, position) =>
    Object.assign(new OrderItem(), {
      id: randomUUID(),
      orderId: order.id,
      position,
      sku: item.sku,
      quantity: item.quantity,
      unitPriceCents: toCents(item.unitPrice),
    } satisfies Partial<OrderItem>),
  );
  return { order, items };
}
