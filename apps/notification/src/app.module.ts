import { DatabaseModule, HealthModule, createEnvValidator } from '@app/common';
import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { NotificationEnv } from './config/env.validation.js';
import { CreateNotifications1764000000000 } from './migrations/1764000000000-create-notifications.js';
import { Notification } from './notifications/notification.entity.js';
import { NotificationsModule } from './notifications/notifications.module.js';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: createEnvValidator(NotificationEnv) }),
    DatabaseModule.forRoot({
      service: 'notification',
      entities: [Notification],
      migrations: [CreateNotifications1764000000000],
    }),
    HealthModule.forRoot({ database: true, broker: true }),
    NotificationsModule,
  ],
})
export class AppModule {}
