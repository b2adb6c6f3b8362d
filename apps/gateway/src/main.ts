import 'reflect-metadata';
import { runService } from '@app/common';
import { setupApiDocs } from './api-docs/api-docs.js';
import { AppModule } from './app.module.js';

await runService({ name: 'gateway', module: AppModule, configure: setupApiDocs });
