import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule, type TypeOrmModuleOptions } from '@nestjs/typeorm';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { MixedList, EntitySchema } from 'typeorm';
import { DATABASE_SERVICE, DbPoolMetrics } from './db-pool.metrics.js';
import { TransactionRunner } from './transaction-runner.js';

export interface DatabaseModuleOptions {
  /** The service name: names the default SQLite file. */
  service: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

interface DatabaseEnv {
  DATABASE_URL?: string;
  SQLITE_PATH: string;
  DB_POOL_SIZE: number;
}

export function typeOrmOptions(options: DatabaseModuleOptions, env: DatabaseEnv): TypeOrmModuleOptions {
  const common = {
    entities: options.entities,
    migrations: options.migrations,
    migrationsRun: true,
    synchronize: false,
    logging: ['error', 'warn'] as ('error' | 'warn')[],
  };
  if (env.DATABASE_URL) {
    return {
      ...common,
      type: 'postgres',
      url: env.DATABASE_URL,
      extra: { max: env.DB_POOL_SIZE, connectionTimeoutMillis: 5_000 },
      retryAttempts: 5,
      retryDelay: 2_000,
    };
  }
  const file = resolve(env.SQLITE_PATH || `.data/${options.service}.sqlite`);
  mkdirSync(dirname(file), { recursive: true });
  // sql.js is SQLite compiled to WebAssembly: nothing native to build on a laptop.
  // The file is loaded at boot and written back after every change.
  return { ...common, type: 'sqljs', location: file, autoSave: true, retryAttempts: 0 };
}

/** TypeORM on PostgreSQL when DATABASE_URL is set, else on an embedded SQLite file. */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService<DatabaseEnv, true>) =>
            typeOrmOptions(options, {
              DATABASE_URL: config.get('DATABASE_URL', { infer: true }),
              SQLITE_PATH: config.get('SQLITE_PATH', { infer: true }),
              DB_POOL_SIZE: config.get('DB_POOL_SIZE', { infer: true }),
            }),
        }),
      ],
      providers: [TransactionRunner, { provide: DATABASE_SERVICE, useValue: options.service }, DbPoolMetrics],
      exports: [TransactionRunner],
    };
  }
}
