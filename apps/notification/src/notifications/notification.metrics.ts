import { makeCounterProvider } from '@willsoto/nestjs-prometheus';

export const NOTIFICATIONS_SENT = 'notifications_sent_total';

/** Notifications recorded (NotificationsService), provided by NotificationsModule. */
export const notificationMetrics = [
  makeCounterProvider({
    name: NOTIFICATIONS_SENT,
    help: 'Notifications recorded for customers, by event type and channel.',
    labelNames: ['type', 'channel'],
  }),
];
