import { type EnvSource, configModuleFor, DatabaseModule, HealthModule } from '@app/common';
import { CreateWorkshopFaults1768000000000, FaultsModule } from '@app/faults';
import { ObservabilityModule } from '@app/observability';
import { type DynamicModule, Module } from '@nestjs/common';
import { PaymentEnv } from './config/env.validation.js';
import { CreatePayments1764000000000 } from './migrations/1764000000000-create-payments.js';
import { Payment } from './payments/payment.entity.js';
import { PaymentsModule } from './payments/payments.module.js';

/** The whole service; `env` is validated at boot (process.env in production, an object in tests). */
@Module({})
export class AppModule {
  static forRoot(env: EnvSource = process.env): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'payment' }),
        configModuleFor(PaymentEnv, env),
        FaultsModule.forRoot({ service: 'payment', store: 'database' }),
        DatabaseModule.forRoot({
          service: 'payment',
          entities: [Payment],
          migrations: [CreatePayments1764000000000, CreateWorkshopFaults1768000000000],
        }),
        HealthModule.forRoot({ database: true, broker: false }),
        PaymentsModule,
      ],
    };
  }
}
