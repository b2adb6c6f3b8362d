import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule, type TypeOrmModuleOptions } from '@nestjs/typeorm';
import type { MixedList, EntitySchema } from 'typeorm';
import { DatabasePool } from './database-pool.js';
import { DATABASE_SERVICE, DbPoolMetrics } from './db-pool.metrics.js';

export interface DatabaseModuleOptions {
  /** The service name: labels its pool metrics. */
  service: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

interface DatabaseEnv {
  DATABASE_URL: string;
  DB_POOL_SIZE: number;
}

export function typeOrmOptions(options: DatabaseModuleOptions, env: DatabaseEnv): TypeOrmModuleOptions {
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
          inject: [ConfigService],
          useFactory: (config: ConfigService<DatabaseEnv, true>) => ({
            ...typeOrmOptions(options, {
              DATABASE_URL: config.get('DATABASE_URL', { infer: true }),
              DB_POOL_SIZE: config.get('DB_POOL_SIZE', { infer: true }),
            }),
            driver: pool.driver(),
          }),
        }),
      ],
      providers: [{ provide: DATABASE_SERVICE, useValue: options.service }, { provide: DatabasePool, useValue: pool }, DbPoolMetrics],
      exports: [DatabasePool],
    };
  }
}
