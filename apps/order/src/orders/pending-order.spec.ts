import { describe, expect, it } from 'vitest';
import { pendingOrder } from './pending-order.js';

const dto = {
  customerId: 'c-42',
  items: [
    { sku: 'SKU-1', quantity: 2, unitPrice: 12.5 },
    { sku: 'SKU-2', quantity: 1, unitPrice: 0.1 },
  ],
  payment: { cardNumber: '4242424242424242' },
};

describe('pendingOrder()', () => {
  it('stores a new order as pending, priced in cents, with only the card’s last four digits', () => {
    const { order } = pendingOrder(dto, 'key-1', 'fp-1');
    expect(order).toMatchObject({
      customerId: 'c-42',
      status: 'pending',
      totalCents: 2510,
      currency: 'USD',
      cardLast4: '4242',
      paymentId: null,
      failureReason: null,
      idempotencyKey: 'key-1',
      requestFingerprint: 'fp-1',
    });
    expect(order.createdAt).toEqual(order.updatedAt);
    expect(JSON.stringify(order)).not.toContain(dto.payment.cardNumber);
  });

  it('keeps the items in cart order, each pointing at the order', () => {
    const { order, items } = pendingOrder(dto, null, null);
    expect(items.map((i) => [i.position, i.sku, i.quantity, i.unitPriceCents, i.orderId])).toEqual([
      [0, 'SKU-1', 2, 1250, order.id],
      [1, 'SKU-2', 1, 10, order.id],
    ]);
    expect(new Set([order.id, ...items.map((i) => i.id)]).size).toBe(3);
  });
});
