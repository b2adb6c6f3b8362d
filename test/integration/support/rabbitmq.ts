import { NOTIFICATIONS_DEAD_LETTER_QUEUE, NOTIFICATIONS_QUEUE } from '@app/contracts';
import amqplib from 'amqplib';

/** Deletes the notification queue and its dead-letter queue in the vhost at `url`, so a suite starts with none. */
export async function resetNotificationQueues(url: string): Promise<void> {
  const connection = await amqplib.connect(url);
  const channel = await connection.createChannel();
  await channel.deleteQueue(NOTIFICATIONS_QUEUE);
  await channel.deleteQueue(NOTIFICATIONS_DEAD_LETTER_QUEUE);
  await connection.close();
}

/** How many messages wait in `queue`. */
export async function queueDepth(url: string, queue: string): Promise<number> {
  const connection = await amqplib.connect(url);
  try {
    const channel = await connection.createChannel();
    return (await channel.checkQueue(queue)).messageCount;
  } finally {
    await connection.close();
  }
}
