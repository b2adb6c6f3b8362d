import 'reflect-metadata';
import { runService } from '@app/common';
import { AppModule } from './app.module.js';
import { startEventConsumer } from './event-consumer.js';

await runService({ name: 'notification', module: AppModule, beforeListen: startEventConsumer });
