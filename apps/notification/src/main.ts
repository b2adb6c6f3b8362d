import 'reflect-metadata';
import { assertNotificationTopology, eventServerOptions, runService } from '@app/common';
import { ConfigService } from '@nestjs/config';
import { AppModule } from './app.module.js';
import { NotificationEnv } from './config/env.validation.js';

await runService({
  name: 'notification',
  module: AppModule,
  env: NotificationEnv,
  beforeListen: async (app) => {
    const env = app.get(ConfigService<NotificationEnv, true>);
    const transport = {
      RABBITMQ_URL: env.get('RABBITMQ_URL', { infer: true }),
      EVENTS_TCP_HOST: env.get('EVENTS_TCP_HOST', { infer: true }),
      EVENTS_TCP_PORT: env.get('EVENTS_TCP_PORT', { infer: true }),
    };
    if (transport.RABBITMQ_URL) await assertNotificationTopology(transport.RABBITMQ_URL);
    app.connectMicroservice(eventServerOptions(transport));
    await app.startAllMicroservices();
  },
});
