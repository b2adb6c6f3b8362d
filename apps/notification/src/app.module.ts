import { DatabaseModule, EnvModule, type EnvSource, HealthModule, validateEnv } from '@app/common';
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

/**
 * The whole service. Its config is validated here, once (`source` is process.env in
 * production, an object in tests): a bad variable throws, naming it, before Nest starts.
 */
@Module({})
export class AppModule {
  static forRoot(source: EnvSource = process.env): DynamicModule {
    const env = validateEnv(NotificationEnv, source);
    return {
      module: AppModule,
      imports: [
        EnvModule.forRoot(env),
        ObservabilityModule.forRoot({ service: 'notification', env }),
        FaultsModule.forRoot({ service: 'notification', store: 'database', env }),
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
