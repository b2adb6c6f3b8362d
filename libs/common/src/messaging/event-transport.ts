import { NOTIFICATIONS_DEAD_LETTER_QUEUE, NOTIFICATIONS_QUEUE } from '@app/contracts';
import { type ClientProvider, type MicroserviceOptions, Transport } from '@nestjs/microservices';
import type { MessagingEnv } from '../config/base-env.js';

/** How many times the broker hands a failing message to the consumer before dead-lettering it. */
export const MAX_DELIVERY_ATTEMPTS = 5;

/**
 * Quorum queue: durable, replicated, and it counts redeliveries itself, so the
 * broker (not the consumer) enforces the retry bound and moves a poisoned
 * message to the dead-letter queue. Publisher and consumer must declare the
 * queue with exactly these arguments.
 */
export const NOTIFICATIONS_QUEUE_OPTIONS = {
  durable: true,
  arguments: {
    'x-queue-type': 'quorum',
    'x-delivery-limit': MAX_DELIVERY_ATTEMPTS - 1,
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': NOTIFICATIONS_DEAD_LETTER_QUEUE,
  },
};

export type EventTransportConfig = Pick<MessagingEnv, 'RABBITMQ_URL' | 'EVENTS_TCP_HOST' | 'EVENTS_TCP_PORT'>;

export type EventTransportKind = 'rmq' | 'tcp';

export function eventTransportKind(env: Pick<EventTransportConfig, 'RABBITMQ_URL'>): EventTransportKind {
  return env.RABBITMQ_URL ? 'rmq' : 'tcp';
}

/** What both ends say about the queue over RabbitMQ: the same name and the same arguments. */
const notificationsQueue = (url: string) => ({
  urls: [url],
  queue: NOTIFICATIONS_QUEUE,
  queueOptions: NOTIFICATIONS_QUEUE_OPTIONS,
});

const tcpOptions = (env: EventTransportConfig) => ({ host: env.EVENTS_TCP_HOST, port: env.EVENTS_TCP_PORT });

/** Client side (the order service's outbox relay). */
export function eventClientOptions(env: EventTransportConfig): ClientProvider {
  if (env.RABBITMQ_URL) {
    return { transport: Transport.RMQ, options: { ...notificationsQueue(env.RABBITMQ_URL), persistent: true } };
  }
  return { transport: Transport.TCP, options: tcpOptions(env) };
}

/** Server side (the notification service's consumer). Acknowledgement is manual. */
export function eventServerOptions(env: EventTransportConfig): MicroserviceOptions {
  if (env.RABBITMQ_URL) {
    return {
      transport: Transport.RMQ,
      options: { ...notificationsQueue(env.RABBITMQ_URL), noAck: false, prefetchCount: 10 },
    };
  }
  return { transport: Transport.TCP, options: tcpOptions(env) };
}
