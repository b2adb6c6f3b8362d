import type { PaymentView } from '@app/contracts';

/** A pending order's final status and what explains it. */
export type Settlement = { status: 'paid' | 'payment_failed'; paymentId: string | null; failureReason: string | null };

/** What a payment answer means for the order, or null while the payment is still processing. */
export function settlementFor(payment: PaymentView | null): Settlement | null {
  if (payment === null) return { status: 'payment_failed', paymentId: null, failureReason: 'payment_not_received' };
  if (payment.status === 'approved') return { status: 'paid', paymentId: payment.id, failureReason: null };
  if (payment.status === 'declined') {
    return { status: 'payment_failed', paymentId: payment.id, failureReason: payment.declineReason ?? 'declined' };
  }
  return null;
}
