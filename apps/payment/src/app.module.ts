import { DatabaseModule, HealthModule, createEnvValidator } from '@app/common';
import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { PaymentEnv } from './config/env.validation.js';
import { CreatePayments1764000000000 } from './migrations/1764000000000-create-payments.js';
import { Payment } from './payments/payment.entity.js';
import { PaymentsModule } from './payments/payments.module.js';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: createEnvValidator(PaymentEnv) }),
    DatabaseModule.forRoot({ service: 'payment', entities: [Payment], migrations: [CreatePayments1764000000000] }),
    HealthModule.forRoot({ database: true, broker: false }),
    PaymentsModule,
  ],
})
export class AppModule {}
