import { Module } from '@nestjs/common';
import { DownstreamModule } from '../downstream/downstream.module.js';
import { NotificationsController } from './notifications.controller.js';

@Module({ imports: [DownstreamModule], controllers: [NotificationsController] })
export class NotificationsModule {}
