import { applyDecorators } from '@nestjs/common';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

/** A TCP port number (1–65535). */
export function IsPort(): PropertyDecorator {
  return applyDecorators(IsInt(), Min(1), Max(65535));
}

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

/** Variables every service reads. Each app's `config/env.validation.ts` extends this. */
export class BaseEnv {
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
  @IsInt()
  @Min(1024)
  @Max(10 * 1024 * 1024)
  BODY_LIMIT_BYTES: number = 64 * 1024;

  /** How long SIGTERM waits for in-flight work before the process is forced to exit. */
  @IsInt()
  @Min(100)
  @Max(120_000)
  SHUTDOWN_TIMEOUT_MS: number = 10_000;
}

/** Variables of the services that own data (order, payment, notification). */
export class DataEnv extends BaseEnv {
  /** PostgreSQL. When unset, the service uses the embedded SQLite file below. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @IsString()
  SQLITE_PATH: string = '';

  @IsInt()
  @Min(1)
  @Max(100)
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
