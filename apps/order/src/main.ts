import 'reflect-metadata';
import { runService } from '@app/common';
import { AppModule } from './app.module.js';
import { OrderEnv } from './config/env.validation.js';

await runService({ name: 'order', module: AppModule.forRoot(), env: OrderEnv });
