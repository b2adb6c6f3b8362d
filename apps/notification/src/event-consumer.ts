import { assertNotificationTopology, eventServerOptions } from '@app/common';
import type { INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { NotificationEnv } from './config/env.validation.js';

/** Attaches the order-event consumer (RabbitMQ, or the broker-less TCP transport) and starts it. */
export async function startEventConsumer(app: INestApplication): Promise<void> {
  const env = app.get(ConfigService<NotificationEnv, true>);
  const transport = {
    RABBITMQ_URL: env.get('RABBITMQ_URL', { infer: true }),
    EVENTS_TCP_HOST: env.get('EVENTS_TCP_HOST', { infer: true }),
    EVENTS_TCP_PORT: env.get('EVENTS_TCP_PORT', { infer: true }),
  };
  if (transport.RABBITMQ_URL) await assertNotificationTopology(transport.RABBITMQ_URL);
  app.connectMicroservice(eventServerOptions(transport));
  await app.startAllMicroservices();
}
