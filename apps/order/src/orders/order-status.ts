import type { OrderStatus } from '@app/contracts';
import { OrderEvents, type OrderEventType } from '@app/contracts';

const TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  pending: ['paid', 'payment_failed'],
  paid: [],
  payment_failed: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isFinal(status: OrderStatus): boolean {
  return TRANSITIONS[status].length === 0;
}

/** The event a final status publishes. */
export function eventFor(status: Exclude<OrderStatus, 'pending'>): OrderEventType {
  return status === 'paid' ? OrderEvents.Paid : OrderEvents.PaymentFailed;
}
