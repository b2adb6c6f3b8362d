import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertWebhookGuard } from './alert-webhook.guard.js';
import { Alert } from './alert.entity.js';
import { AlertsController } from './alerts.controller.js';
import { alertMetrics } from './alerts.metrics.js';
import { AlertsService } from './alerts.service.js';

/** Receives Alertmanager's webhook notifications and keeps a history of the alerts. */
@Module({
  imports: [TypeOrmModule.forFeature([Alert])],
  controllers: [AlertsController],
  providers: [AlertsService, AlertWebhookGuard, ...alertMetrics],
})
export class AlertsModule {}
