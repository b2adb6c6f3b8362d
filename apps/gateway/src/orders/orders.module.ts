import { Module } from '@nestjs/common';
import { DownstreamModule } from '../downstream/downstream.module.js';
import { OrdersController } from './orders.controller.js';

@Module({ imports: [DownstreamModule], controllers: [OrdersController] })
export class OrdersModule {}
