import { assertNotificationTopology, eventServerOptions } from '@app/common';
import type { INestApplication } from '@nestjs/common';
import { NotificationEnv } from './config/env.validation.js';

/** Attaches the order-event consumer (RabbitMQ, or the broker-less TCP transport) and starts it. */
export async function startEventConsumer(app: INestApplication): Promise<void> {
  const env = app.get(NotificationEnv);
  if (env.RABBITMQ_URL) await assertNotificationTopology(env.RABBITMQ_URL);
  app.connectMicroservice(eventServerOptions(env));
  await app.startAllMicroservices();
}
