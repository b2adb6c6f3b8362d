import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Notification } from './notification.entity.js';
import { notificationMetrics } from './notification.metrics.js';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsService } from './notifications.service.js';
import { OrderEventsConsumer } from './order-events.consumer.js';
import { orderEventsMetrics } from './order-events.metrics.js';

@Module({
  imports: [TypeOrmModule.forFeature([Notification])],
  controllers: [NotificationsController, OrderEventsConsumer],
  providers: [NotificationsService, ...notificationMetrics, ...orderEventsMetrics],
})
export class NotificationsModule {}
