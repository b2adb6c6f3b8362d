import { RmqContext } from '@nestjs/microservices';
import type { Channel, Message } from 'amqplib';

/**
 * How the consumer settles a message. On RabbitMQ: ack after the write;
 * requeue on failure (the quorum queue counts deliveries and dead-letters past
 * the limit); reject a malformed message straight to the dead-letter queue.
 * The broker-less TCP transport has no acknowledgement: there the consumer
 * retries in process instead.
 */
export interface Delivery {
  /** 1 for the first delivery. */
  readonly attempt: number;
  /** Whether the broker will redeliver after `retry()`; false means retry in process. */
  readonly redelivers: boolean;
  ack(): void;
  retry(): void;
  deadLetter(): void;
}

export function deliveryFor(context: unknown): Delivery {
  if (context instanceof RmqContext) {
    const channel = context.getChannelRef() as Channel;
    const message = context.getMessage() as Message;
    const count = Number(message.properties.headers?.['x-delivery-count'] ?? 0);
    return {
      attempt: count + 1,
      redelivers: true,
      ack: () => channel.ack(message),
      retry: () => channel.nack(message, false, true),
      deadLetter: () => channel.nack(message, false, false),
    };
  }
  return { attempt: 1, redelivers: false, ack: () => {}, retry: () => {}, deadLetter: () => {} };
}

/** Pause before a message is handed back, growing with each attempt. */
export function retryDelayMs(attempt: number): number {
  return Math.min(100 * 2 ** (attempt - 1), 2_000);
}
