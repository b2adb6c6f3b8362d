import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule, type TypeOrmModuleOptions } from '@nestjs/typeorm';
import type { MixedList, EntitySchema } from 'typeorm';
import { DataEnv } from '../config/base-env.js';
import { DatabasePool } from './database-pool.js';
import { DATABASE_SERVICE, DbPoolMetrics, dbPoolMetrics } from './db-pool.metrics.js';

export interface DatabaseModuleOptions {
  /** The service name: labels its pool metrics. */
  service: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

export function typeOrmOptions(
  options: DatabaseModuleOptions,
  env: Pick<DataEnv, 'DATABASE_URL' | 'DB_POOL_SIZE'>,
): TypeOrmModuleOptions {
  return {
    type: 'postgres',
    url: env.DATABASE_URL,
    entities: options.entities,
    migrations: options.migrations,
    migrationsRun: true,
    synchronize: false,
    logging: ['error', 'warn'],
    extra: { max: env.DB_POOL_SIZE, connectionTimeoutMillis: 5_000 },
    retryAttempts: 5,
    retryDelay: 2_000,
  };
}

/** TypeORM on the service's own PostgreSQL database (DATABASE_URL). */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    const pool = new DatabasePool();
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [DataEnv],
          useFactory: (env: DataEnv) => ({ ...typeOrmOptions(options, env), driver: pool.driver() }),
        }),
      ],
      providers: [
        { provide: DATABASE_SERVICE, useValue: options.service },
        { provide: DatabasePool, useValue: pool },
        DbPoolMetrics,
        ...dbPoolMetrics,
      ],
      exports: [DatabasePool],
    };
  }
}
