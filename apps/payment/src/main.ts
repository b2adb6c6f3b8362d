import 'reflect-metadata';
import { runService } from '@app/common';
import { AppModule } from './app.module.js';

await runService({ name: 'payment', module: AppModule });
