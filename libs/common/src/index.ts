export { runService } from './bootstrap.js';
export type { RunServiceOptions } from './bootstrap.js';
export {
  BaseEnv,
  DataEnv,
  IsIntBetween,
  IsPort,
  IsServiceUrl,
  LOG_LEVELS,
  MessagingEnv,
  NODE_ENVS,
} from './config/base-env.js';
export { InvalidEnvironmentError, validateEnv } from './config/validate-env.js';
export type { EnvSource } from './config/validate-env.js';
export { EnvModule } from './config/env.module.js';
export { DatabaseModule, typeOrmOptions } from './database/database.module.js';
export type { DatabaseModuleOptions } from './database/database.module.js';
export { DatabasePool } from './database/database-pool.js';
export { bigintAsNumber } from './database/bigint-as-number.js';
export { isDatabaseUnavailable, isUniqueViolation } from './database/pg-errors.js';
export { HealthModule } from './health/health.module.js';
export type { HealthOptions } from './health/health.options.js';
export { configureHttpApp } from './http/configure-app.js';
export { DownstreamClient, downstreamClientProvider } from './http/downstream.client.js';
export { CircuitBreaker } from './http/circuit-breaker.js';
export type { CircuitState } from './http/circuit-breaker.js';
export type { DownstreamRequest, DownstreamResponse, DownstreamTarget } from './http/downstream.client.js';
export { JsonExceptionFilter, describeError } from './http/exception.filter.js';
export type { ErrorBody } from './http/exception.filter.js';
export { createValidationPipe, flattenValidationErrors } from './http/validation.js';
export type { FieldError } from './http/validation.js';
export {
  MAX_DELIVERY_ATTEMPTS,
  NOTIFICATIONS_QUEUE_OPTIONS,
  eventClientOptions,
  eventServerOptions,
  eventTransportKind,
} from './messaging/event-transport.js';
export type { EventTransportConfig, EventTransportKind } from './messaging/event-transport.js';
export { assertNotificationTopology } from './messaging/rmq-topology.js';
