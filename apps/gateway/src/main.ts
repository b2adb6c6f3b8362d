import 'reflect-metadata';
import { runService } from '@app/common';
import { setupApiDocs } from './api-docs/api-docs.js';
import { AppModule } from './app.module.js';
import { GatewayEnv } from './config/env.validation.js';

await runService({ name: 'gateway', module: AppModule.forRoot(), env: GatewayEnv, configure: setupApiDocs });
