import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CardProvider } from './card-provider.js';
import { Payment } from './payment.entity.js';
import { paymentMetrics } from './payment.metrics.js';
import { PaymentsController } from './payments.controller.js';
import { PaymentsService } from './payments.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Payment])],
  controllers: [PaymentsController],
  providers: [PaymentsService, CardProvider, ...paymentMetrics],
})
export class PaymentsModule {}
