import type { PaymentView } from '@app/contracts';
import { describe, expect, it } from 'vitest';
import { settlementFor } from './settlement.js';

const payment = (patch: Partial<PaymentView>): PaymentView => ({
  id: 'p-1',
  orderId: 'o-1',
  status: 'approved',
  amountCents: 100,
  currency: 'USD',
  cardLast4: '4242',
  declineReason: null,
  createdAt: new Date(0).toISOString(),
  ...patch,
});

describe('settlementFor()', () => {
  it('marks the order paid when the payment was approved', () => {
    expect(settlementFor(payment({}))).toEqual({ status: 'paid', paymentId: 'p-1', failureReason: null });
  });

  it('marks the order payment_failed with the decline reason when declined', () => {
    expect(settlementFor(payment({ status: 'declined', declineReason: 'card_declined' }))).toEqual({
      status: 'payment_failed',
      paymentId: 'p-1',
      failureReason: 'card_declined',
    });
  });

  it('fails the order when the payment service never received the charge', () => {
    expect(settlementFor(null)).toEqual({
      status: 'payment_failed',
      paymentId: null,
      failureReason: 'payment_not_received',
    });
  });

  it('leaves the order pending while the payment is still processing', () => {
    expect(settlementFor(payment({ status: 'processing' }))).toBeNull();
  });
});
