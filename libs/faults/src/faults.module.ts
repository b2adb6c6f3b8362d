import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AdminTokenGuard } from './admin-token.guard.js';
import type { ServiceName } from './catalogue.js';
import { FaultRegistry } from './fault-registry.js';
import { FaultSync } from './fault-sync.js';
import { FAULTS_ENV, type FaultsEnv } from './faults-env.js';
import { FaultsController } from './faults.controller.js';
import { INSTANCE } from './instance.js';
import { FileFaultStore } from './store/file-fault-store.js';
import { type FaultStore, MemoryFaultStore } from './store/fault-store.js';
import { PgFaultStore } from './store/pg-fault-store.js';

export interface FaultsModuleOptions {
  service: ServiceName;
  /**
   * Where the faults are kept across restarts and shared by replicas:
   * `database`, the service's own PostgreSQL (table workshop_faults, LISTEN/NOTIFY);
   * `file`, a JSON file under FAULTS_STATE_DIR (memory only when it is unset).
   */
  store: 'database' | 'file';
  /** The service's validated config: ADMIN_TOKEN, FAULTS, FAULTS_STATE_DIR. */
  env: FaultsEnv;
  /** How often a replica re-reads the database in case a notification was missed. */
  pollMs?: number;
}

async function fileStore(service: ServiceName, dir: string | undefined): Promise<FaultStore> {
  if (!dir) {
    new Logger('Faults').log('faults are kept in memory only: set FAULTS_STATE_DIR to keep them across restarts');
    return new MemoryFaultStore();
  }
  const store = new FileFaultStore(dir, service);
  await store.prepare();
  return store;
}

/**
 * Runtime fault injection for the workshop's bottleneck scenarios: the
 * FaultRegistry that code asks where a fault acts, kept in step with the
 * service's fault store (FaultSync: stored state or FAULTS at boot, changes of
 * other replicas), and the admin API under /admin/faults (the whole set, and
 * one fault at a time: PUT/DELETE /admin/faults/:name) guarded by ADMIN_TOKEN.
 */
@Module({})
export class FaultsModule {
  static forRoot(options: FaultsModuleOptions): DynamicModule {
    const database = options.store === 'database';
    return {
      module: FaultsModule,
      global: true,
      controllers: [FaultsController],
      providers: [
        { provide: FAULTS_ENV, useValue: options.env },
        AdminTokenGuard,
        {
          provide: FaultSync,
          inject: database ? [DataSource] : [],
          // A bad FAULTS value stops the boot with the reason, like any other invalid setting.
          useFactory: async (dataSource?: DataSource) => {
            const store = dataSource
              ? new PgFaultStore(dataSource, options.service, { instance: INSTANCE })
              : await fileStore(options.service, options.env.FAULTS_STATE_DIR);
            const sync = new FaultSync(new FaultRegistry(options.service), store, {
              pollMs: database ? (options.pollMs ?? 10_000) : 0,
            });
            await sync.restore(options.env.FAULTS);
            return sync;
          },
        },
        { provide: FaultRegistry, inject: [FaultSync], useFactory: (sync: FaultSync) => sync.registry },
      ],
      exports: [FaultRegistry],
    };
  }
}
