import { eventClientOptions, type EventTransportConfig } from '@app/common';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ClientsModule } from '@nestjs/microservices';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxEvent } from './outbox-event.entity.js';
import { EVENTS_CLIENT, OutboxRelay } from './outbox.relay.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([OutboxEvent]),
    ClientsModule.registerAsync([
      {
        name: EVENTS_CLIENT,
        inject: [ConfigService],
        useFactory: (config: ConfigService<EventTransportConfig, true>) =>
          eventClientOptions({
            RABBITMQ_URL: config.get('RABBITMQ_URL', { infer: true }),
            EVENTS_TCP_HOST: config.get('EVENTS_TCP_HOST', { infer: true }),
            EVENTS_TCP_PORT: config.get('EVENTS_TCP_PORT', { infer: true }),
          }),
      },
    ]),
  ],
  providers: [OutboxRelay],
  exports: [OutboxRelay],
})
export class OutboxModule {}
