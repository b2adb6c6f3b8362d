import { NOTIFICATIONS_DEAD_LETTER_QUEUE, NOTIFICATIONS_QUEUE } from '@app/contracts';
import amqplib from 'amqplib';
import { NOTIFICATIONS_QUEUE_OPTIONS } from './event-transport.js';

/**
 * Declares the notifications queue and its dead-letter queue. Idempotent; run
 * by the consumer at boot so a dead-lettered message always has somewhere to go.
 */
export async function assertNotificationTopology(url: string): Promise<void> {
  const connection = await amqplib.connect(url);
  try {
    const channel = await connection.createChannel();
    await channel.assertQueue(NOTIFICATIONS_DEAD_LETTER_QUEUE, {
      durable: true,
      arguments: { 'x-queue-type': 'quorum' },
    });
    await channel.assertQueue(NOTIFICATIONS_QUEUE, NOTIFICATIONS_QUEUE_OPTIONS);
    await channel.close();
  } finally {
    await connection.close();
  }
}
