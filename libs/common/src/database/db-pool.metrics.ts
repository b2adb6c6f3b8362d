import { registerDbPool, unregisterDbPool } from '@app/observability';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DatabasePool } from './database-pool.js';

export const DATABASE_SERVICE = Symbol('DATABASE_SERVICE');

/** Publishes the PostgreSQL pool behind TypeORM (total, idle, active, waiting) as gauges. */
@Injectable()
export class DbPoolMetrics implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly database: DatabasePool,
    @Inject(DATABASE_SERVICE) private readonly service: string,
  ) {}

  onModuleInit(): void {
    registerDbPool(this.service, () => {
      const pool = this.database.pool;
      if (!pool) return undefined;
      return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max ?? 10 };
    });
  }

  onApplicationShutdown(): void {
    unregisterDbPool(this.service);
  }
}
