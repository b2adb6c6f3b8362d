import { eventClientOptions } from '@app/common';
import { Module } from '@nestjs/common';
import { ClientsModule } from '@nestjs/microservices';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrderEnv } from '../config/env.validation.js';
import { OutboxEvent } from './outbox-event.entity.js';
import { outboxMetrics } from './outbox.metrics.js';
import { EVENTS_CLIENT, OutboxRelay } from './outbox.relay.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([OutboxEvent]),
    ClientsModule.registerAsync([
      {
        name: EVENTS_CLIENT,
        inject: [OrderEnv],
        useFactory: (env: OrderEnv) => eventClientOptions(env),
      },
    ]),
  ],
  providers: [OutboxRelay, ...outboxMetrics],
  exports: [OutboxRelay],
})
export class OutboxModule {}
