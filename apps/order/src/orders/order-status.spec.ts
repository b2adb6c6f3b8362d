import { OrderEvents } from '@app/contracts';
import { describe, expect, it } from 'vitest';
import { canTransition, eventFor, isFinal } from './order-status.js';

describe('order status transitions', () => {
  it('lets a pending order become paid or payment_failed', () => {
    expect(canTransition('pending', 'paid')).toBe(true);
    expect(canTransition('pending', 'payment_failed')).toBe(true);
  });

  it('never leaves a final status', () => {
    expect(canTransition('paid', 'payment_failed')).toBe(false);
    expect(canTransition('payment_failed', 'paid')).toBe(false);
    expect(canTransition('paid', 'pending')).toBe(false);
    expect(isFinal('paid')).toBe(true);
    expect(isFinal('payment_failed')).toBe(true);
    expect(isFinal('pending')).toBe(false);
  });

  it('publishes order.paid or order.payment_failed for the final status', () => {
    expect(eventFor('paid')).toBe(OrderEvents.Paid);
    expect(eventFor('payment_failed')).toBe(OrderEvents.PaymentFailed);
  });
});
