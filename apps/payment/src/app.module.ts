import { DatabaseModule, EnvModule, type EnvSource, HealthModule, validateEnv } from '@app/common';
import { CreateWorkshopFaults1768000000000, FaultsModule } from '@app/faults';
import { ObservabilityModule } from '@app/observability';
import { type DynamicModule, Module } from '@nestjs/common';
import { PaymentEnv } from './config/env.validation.js';
import { CreatePayments1764000000000 } from './migrations/1764000000000-create-payments.js';
import { Payment } from './payments/payment.entity.js';
import { PaymentsModule } from './payments/payments.module.js';

/**
 * The whole service. Its config is validated here, once (`source` is process.env in
 * production, an object in tests): a bad variable throws, naming it, before Nest starts.
 */
@Module({})
export class AppModule {
  static forRoot(source: EnvSource = process.env): DynamicModule {
    const env = validateEnv(PaymentEnv, source);
    return {
      module: AppModule,
      imports: [
        EnvModule.forRoot(env),
        ObservabilityModule.forRoot({ service: 'payment', env }),
        FaultsModule.forRoot({ service: 'payment', store: 'database', env }),
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
