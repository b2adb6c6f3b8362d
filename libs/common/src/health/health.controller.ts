import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { Transport } from '@nestjs/microservices';
import {
  HealthCheck,
  HealthCheckService,
  type HealthIndicatorFunction,
  MicroserviceHealthIndicator,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { MessagingEnv } from '../config/base-env.js';
import { HEALTH_OPTIONS, type HealthOptions } from './health.options.js';

const CHECK_TIMEOUT_MS = 1_500;

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly microservice: MicroserviceHealthIndicator,
    @Inject(HEALTH_OPTIONS) private readonly options: HealthOptions,
    // Only the services at either end of the event channel have a broker to check.
    @Optional() @Inject(MessagingEnv) private readonly messaging?: MessagingEnv,
  ) {}

  /** The process is up and serving HTTP. Never checks dependencies. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** Ready to take traffic: its database and broker answer. */
  @Get('ready')
  @HealthCheck()
  ready() {
    const checks: HealthIndicatorFunction[] = [];
    if (this.options.database) {
      checks.push(() => this.db.pingCheck('database', { timeout: CHECK_TIMEOUT_MS }));
    }
    const rabbitUrl = this.messaging?.RABBITMQ_URL;
    if (this.options.broker && rabbitUrl) {
      checks.push(() =>
        this.microservice.pingCheck('broker', {
          transport: Transport.RMQ,
          options: { urls: [rabbitUrl] },
          timeout: CHECK_TIMEOUT_MS,
        }),
      );
    }
    return this.health.check(checks);
  }
}
