import type { Currency } from './payments.js';

/** Event patterns published by the order service (through its outbox). */
export const OrderEvents = {
  Paid: 'order.paid',
  PaymentFailed: 'order.payment_failed',
} as const;
export type OrderEventType = (typeof OrderEvents)[keyof typeof OrderEvents];

/** The RabbitMQ queue the notification service consumes. */
export const NOTIFICATIONS_QUEUE = 'notifications';
/** Where messages go after the consumer has failed them too often. */
export const NOTIFICATIONS_DEAD_LETTER_QUEUE = 'notifications.dead-letter';

export interface OrderEventPayload {
  /** Unique per event: the outbox row id. Consumers deduplicate on it. */
  eventId: string;
  type: OrderEventType;
  occurredAt: string;
  orderId: string;
  customerId: string;
  totalCents: number;
  currency: Currency;
  paymentId: string | null;
  failureReason: string | null;
  /**
   * W3C trace context (traceparent, tracestate, baggage) of the order request,
   * for transports without message headers (the broker-less TCP transport).
   * On RabbitMQ the same context travels in the message headers.
   */
  traceContext?: Record<string, string>;
}
