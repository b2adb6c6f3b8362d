import { applyDecorators } from '@nestjs/common';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength } from 'class-validator';

/** A whole number from `min` to `max` (a duration in ms, a size, a count). */
export function IsIntBetween(min: number, max: number): PropertyDecorator {
  return applyDecorators(IsInt(), Min(min), Max(max));
}

/** A TCP port number (1–65535). */
export function IsPort(): PropertyDecorator {
  return IsIntBetween(1, 65535);
}

/** The base URL of another service: http(s), and a bare host name (`payment`, `127.0.0.1`) is fine. */
export function IsServiceUrl(): PropertyDecorator {
  return IsUrl({ require_tld: false, protocols: ['http', 'https'] });
}

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

/**
 * Variables every service reads. Each app's `config/env.validation.ts` extends this; the
 * defaults are the property initialisers, here and there, and nowhere else.
 */
export class BaseEnv {
  /** The HTTP port; each service's class gives its own default. */
  @IsPort()
  PORT!: number;

  @IsIn(NODE_ENVS)
  NODE_ENV: (typeof NODE_ENVS)[number] = 'development';

  @IsString()
  HOST: string = '0.0.0.0';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /** json (default) or pretty; read by the logger, validated here so a typo stops the boot. */
  @IsOptional()
  @IsIn(['json', 'pretty'])
  LOG_FORMAT?: 'json' | 'pretty';

  /** Largest accepted JSON body, in bytes. */
  @IsIntBetween(1024, 10 * 1024 * 1024)
  BODY_LIMIT_BYTES: number = 64 * 1024;

  /** How long SIGTERM waits for in-flight work before the process is forced to exit. */
  @IsIntBetween(100, 120_000)
  SHUTDOWN_TIMEOUT_MS: number = 10_000;

  /** Bearer token of the admin API (GET/PUT /admin/faults); unset = the admin API is off. */
  @IsOptional()
  @IsString()
  @MinLength(12, { message: 'ADMIN_TOKEN must be at least 12 characters' })
  ADMIN_TOKEN?: string;

  /** Consecutive calls without an answer (refused, unreachable, timed out) that open the circuit to a downstream service; 0 = no breaker. */
  @IsIntBetween(0, 1000)
  CIRCUIT_FAILURE_THRESHOLD: number = 5;

  /** How long an open circuit fails calls fast before it lets one trial call through. */
  @IsIntBetween(100, 600_000)
  CIRCUIT_COOLDOWN_MS: number = 5_000;

  /** Faults switched on at boot, e.g. `payment-latency:latencyMs=800;payment-errors` (see `npm run fault -- list`). */
  @IsOptional()
  @IsString()
  FAULTS?: string;
}

/** Variables of the services that own data (order, payment, notification). */
export class DataEnv extends BaseEnv {
  /** The service's own PostgreSQL database (`npm run dev` starts one and sets it). */
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL!: string;

  @IsIntBetween(1, 100)
  DB_POOL_SIZE: number = 10;
}

/** Variables of the two ends of the event channel (order publishes, notification consumes). */
export class MessagingEnv extends DataEnv {
  /** RabbitMQ. When unset, events travel over the broker-less Nest TCP transport. */
  @IsOptional()
  @Matches(/^amqps?:\/\/.+/, { message: 'RABBITMQ_URL must be an amqp:// URL' })
  RABBITMQ_URL?: string;

  /** Broker-less dev transport: where the notification service listens for events. */
  @IsString()
  EVENTS_TCP_HOST: string = '127.0.0.1';

  @IsPort()
  EVENTS_TCP_PORT: number = 4003;
}
