import { exemplarLabels } from './http-metrics.js';
import { counter, gauge, histogram } from './registry.js';

/** Business metrics. Label values are bounded sets (statuses, outcomes, event types). */
export const ordersCreated = counter<'status'>({
  name: 'orders_created_total',
  help: 'Orders created, by the status they had when the create request answered (paid, payment_failed, pending).',
  labelNames: ['status'],
});

export const orderAmount = histogram<'currency'>({
  name: 'order_amount',
  help: 'Order totals in currency units (USD), by currency.',
  labelNames: ['currency'],
  buckets: [5, 10, 25, 50, 100, 250, 500, 1000, 5000, 25000],
});

export const paymentsProcessed = counter<'outcome'>({
  name: 'payments_total',
  help: 'Card authorizations, by outcome (approved, declined, error).',
  labelNames: ['outcome'],
});

export const notificationsSent = counter<'type' | 'channel'>({
  name: 'notifications_sent_total',
  help: 'Notifications recorded for customers, by event type and channel.',
  labelNames: ['type', 'channel'],
});

/** Message consumer (the notification service). */
export const messagesConsumed = counter<'queue' | 'event' | 'outcome'>({
  name: 'messages_consumed_total',
  help: 'Messages handled by the consumer, by queue, event and outcome (processed, duplicate, failed, dead_lettered).',
  labelNames: ['queue', 'event', 'outcome'],
});

export const messageProcessingDuration = histogram<'queue' | 'event'>({
  name: 'message_processing_duration_seconds',
  help: 'Time the consumer spent on one message, by queue and event.',
  labelNames: ['queue', 'event'],
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  enableExemplars: true,
});

export const messageRetries = counter<'queue' | 'event'>({
  name: 'message_retries_total',
  help: 'Messages handed back for another attempt after a failure.',
  labelNames: ['queue', 'event'],
});

export const messagesDeadLettered = counter<'queue' | 'event' | 'reason'>({
  name: 'messages_dead_lettered_total',
  help: 'Messages moved to the dead-letter queue, by reason (malformed, retries_exhausted).',
  labelNames: ['queue', 'event', 'reason'],
});

/** Outbox (the order service). */
export const outboxPublished = counter<'event'>({
  name: 'outbox_events_published_total',
  help: 'Outbox events the relay published and the broker confirmed.',
  labelNames: ['event'],
});

export const outboxPublishFailures = counter<'event'>({
  name: 'outbox_publish_failures_total',
  help: 'Publish attempts that failed or timed out (the event stays and is retried).',
  labelNames: ['event'],
});

export const outboxBacklog = gauge({
  name: 'outbox_backlog_events',
  help: 'Outbox events written but not yet published.',
});

export const outboxOldestAge = gauge({
  name: 'outbox_oldest_unpublished_age_seconds',
  help: 'Age of the oldest unpublished outbox event (0 when none).',
});

/** Database connection pool (PostgreSQL). */
export const dbPoolConnections = gauge<'service' | 'state'>({
  name: 'db_pool_connections',
  help: 'Connections in the database pool, by state (total, idle, active).',
  labelNames: ['service', 'state'],
});

export const dbPoolWaiting = gauge<'service'>({
  name: 'db_pool_waiting_requests',
  help: 'Queries waiting for a free connection from the database pool.',
  labelNames: ['service'],
});

export const dbPoolMax = gauge<'service'>({
  name: 'db_pool_max_connections',
  help: 'The database pool size limit.',
  labelNames: ['service'],
});

export { exemplarLabels };
