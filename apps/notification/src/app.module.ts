import { type EnvSource, configModuleFor, DatabaseModule, HealthModule } from '@app/common';
import { CreateWorkshopFaults1768000000000, FaultsModule } from '@app/faults';
import { ObservabilityModule } from '@app/observability';
import { type DynamicModule, Module } from '@nestjs/common';
import { Alert } from './alerts/alert.entity.js';
import { AlertsModule } from './alerts/alerts.module.js';
import { NotificationEnv } from './config/env.validation.js';
import { CreateNotifications1764000000000 } from './migrations/1764000000000-create-notifications.js';
import { CreateAlerts1765000000000 } from './migrations/1765000000000-create-alerts.js';
import { Notification } from './notifications/notification.entity.js';
import { NotificationsModule } from './notifications/notifications.module.js';

/** The whole service; `env` is validated at boot (process.env in production, an object in tests). */
@Module({})
export class AppModule {
  static forRoot(env: EnvSource = process.env): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'notification' }),
        configModuleFor(NotificationEnv, env),
        FaultsModule.forRoot({ service: 'notification', store: 'database' }),
        DatabaseModule.forRoot({
          service: 'notification',
          entities: [Notification, Alert],
          migrations: [CreateNotifications1764000000000, CreateAlerts1765000000000, CreateWorkshopFaults1768000000000],
        }),
        HealthModule.forRoot({ database: true, broker: true }),
        NotificationsModule,
        AlertsModule,
      ],
    };
  }
}
