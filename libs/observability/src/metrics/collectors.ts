import { dbPoolConnections, dbPoolMax, dbPoolWaiting, outboxBacklog, outboxOldestAge } from './domain-metrics.js';

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

const pools = new Map<string, () => PoolStats | undefined>();

/** Reports a service's database pool at every scrape (several services may share a test process). */
export function registerDbPool(service: string, stats: () => PoolStats | undefined): void {
  pools.set(service, stats);
}

export function unregisterDbPool(service: string): void {
  pools.delete(service);
}

Object.assign(dbPoolConnections, {
  collect() {
    dbPoolConnections.reset();
    dbPoolWaiting.reset();
    dbPoolMax.reset();
    for (const [service, read] of pools) {
      const s = read();
      if (!s) continue;
      dbPoolConnections.set({ service, state: 'total' }, s.total);
      dbPoolConnections.set({ service, state: 'idle' }, s.idle);
      dbPoolConnections.set({ service, state: 'active' }, s.total - s.idle);
      dbPoolWaiting.set({ service }, s.waiting);
      dbPoolMax.set({ service }, s.max);
    }
  },
});

export interface BacklogStats {
  count: number;
  oldestAgeSeconds: number;
}

let backlog: (() => Promise<BacklogStats>) | undefined;

/** The order service reports its outbox backlog at every scrape. */
export function registerOutboxBacklog(read: (() => Promise<BacklogStats>) | undefined): void {
  backlog = read;
}

Object.assign(outboxBacklog, {
  async collect() {
    if (!backlog) return;
    try {
      const s = await backlog();
      outboxBacklog.set(s.count);
      outboxOldestAge.set(s.oldestAgeSeconds);
    } catch {
      // the database is unreachable: keep the last values rather than fail the scrape
    }
  },
});
