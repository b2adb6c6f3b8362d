import { makeCounterProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';

export const MESSAGES_CONSUMED = 'messages_consumed_total';
export const MESSAGE_PROCESSING_DURATION = 'message_processing_duration_seconds';
export const MESSAGE_RETRIES = 'message_retries_total';
export const MESSAGES_DEAD_LETTERED = 'messages_dead_lettered_total';

/** The message consumer's metrics (OrderEventsConsumer), provided by NotificationsModule. */
export const orderEventsMetrics = [
  makeCounterProvider({
    name: MESSAGES_CONSUMED,
    help: 'Messages handled by the consumer, by queue, event and outcome (processed, duplicate, failed, dead_lettered).',
    labelNames: ['queue', 'event', 'outcome'],
  }),
  // Exemplars (the message's trace) need the OpenMetrics registry @app/observability sets up.
  makeHistogramProvider({
    name: MESSAGE_PROCESSING_DURATION,
    help: 'Time the consumer spent on one message, by queue and event.',
    labelNames: ['queue', 'event'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    enableExemplars: true,
  }),
  makeCounterProvider({
    name: MESSAGE_RETRIES,
    help: 'Messages handed back for another attempt after a failure.',
    labelNames: ['queue', 'event'],
  }),
  makeCounterProvider({
    name: MESSAGES_DEAD_LETTERED,
    help: 'Messages moved to the dead-letter queue, by reason (malformed, retries_exhausted).',
    labelNames: ['queue', 'event', 'reason'],
  }),
];
