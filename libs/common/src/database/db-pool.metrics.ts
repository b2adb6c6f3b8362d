import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { makeGaugeProvider } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';
import { DatabasePool } from './database-pool.js';

export const DATABASE_SERVICE = Symbol('DATABASE_SERVICE');

export const DB_POOL_CONNECTIONS = 'db_pool_connections';
export const DB_POOL_WAITING = 'db_pool_waiting_requests';
export const DB_POOL_MAX = 'db_pool_max_connections';

interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

/**
 * Every DatabaseModule's pool in this process. prom-client's registry is one per process and
 * nestjs-prometheus hands every later registration of a name the first-registered metric, so when
 * several services boot in one process (the in-process tests) the gauges of whichever booted first
 * must report all of their pools: they read this set, not their own module's pool.
 */
const pools = new Set<DbPoolMetrics>();

function reportPools(gauge: Gauge, report: (service: string, stats: PoolStats) => void): void {
  gauge.reset();
  for (const pool of pools) {
    const stats = pool.stats();
    if (stats) report(pool.service, stats);
  }
}

/** Adds the module's PostgreSQL pool (behind TypeORM) to the db_pool_* gauges while the app runs. */
@Injectable()
export class DbPoolMetrics implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly database: DatabasePool,
    @Inject(DATABASE_SERVICE) readonly service: string,
  ) {}

  stats(): PoolStats | undefined {
    const pool = this.database.pool;
    if (!pool) return undefined;
    return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max ?? 10 };
  }

  onModuleInit(): void {
    pools.add(this);
  }

  onApplicationShutdown(): void {
    pools.delete(this);
  }
}

/** The db_pool_* gauges, provided by DatabaseModule (the lib every service with a database uses). */
export const dbPoolMetrics = [
  makeGaugeProvider({
    name: DB_POOL_CONNECTIONS,
    help: 'Connections in the database pool, by state (total, idle, active).',
    labelNames: ['service', 'state'],
    collect(this: Gauge) {
      reportPools(this, (service, s) => {
        this.set({ service, state: 'total' }, s.total);
        this.set({ service, state: 'idle' }, s.idle);
        this.set({ service, state: 'active' }, s.total - s.idle);
      });
    },
  }),
  makeGaugeProvider({
    name: DB_POOL_WAITING,
    help: 'Queries waiting for a free connection from the database pool.',
    labelNames: ['service'],
    collect(this: Gauge) {
      reportPools(this, (service, s) => this.set({ service }, s.waiting));
    },
  }),
  makeGaugeProvider({
    name: DB_POOL_MAX,
    help: 'The database pool size limit.',
    labelNames: ['service'],
    collect(this: Gauge) {
      reportPools(this, (service, s) => this.set({ service }, s.max));
    },
  }),
];
