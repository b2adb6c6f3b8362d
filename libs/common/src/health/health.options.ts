export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');

export interface HealthOptions {
  /** Ping the TypeORM data source in /health/ready. */
  database: boolean;
  /** Ping RabbitMQ in /health/ready (only when RABBITMQ_URL is set). */
  broker: boolean;
}
