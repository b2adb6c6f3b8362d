import 'reflect-metadata';
import { runService } from '@app/common';
import { AppModule } from './app.module.js';
import { PaymentEnv } from './config/env.validation.js';

await runService({ name: 'payment', module: AppModule.forRoot(), env: PaymentEnv });
