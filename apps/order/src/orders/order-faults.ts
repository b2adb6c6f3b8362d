import { FaultRegistry } from '@app/faults';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { OrderItem } from './order.entity.js';

interface PgClient {
  release(): void;
}
interface PgPool {
  connect(): Promise<PgClient>;
}

/**
 * Where the order service's bottleneck scenarios act: slow-query, n-plus-one,
 * pool-exhaustion and log-flood. Each does what the buggy code would do, so
 * it shows in spans, metrics and logs like the real thing.
 */
@Injectable()
export class OrderFaults implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('OrdersService');
  /** Connections taken out of the pool by pool-exhaustion (a leak, as far as the pool can tell). */
  private pinned: PgClient[] = [];
  private pinning = Promise.resolve();
  private unsubscribe?: () => void;

  constructor(
    @Inject(FaultRegistry) private readonly faults: FaultRegistry,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.faults.onChange(() => void this.adjustPool());
    void this.adjustPool();
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    await this.pinning;
    this.releasePinned();
  }

  /**
   * slow-query: the duplicate-order check compares lower(customer_id), which
   * no index covers, and (to be slow on a workshop-sized table) sleeps.
   */
  async duplicateCheck(customerId: string): Promise<void> {
    const fault = this.faults.hit('slow-query');
    if (!fault) return;
    const seconds = fault.delayMs / 1000;
    await this.dataSource.query(
      // Both in the select list, so the sleep runs whatever plan PostgreSQL picks (joined with an
      // empty match, a pg_sleep() in FROM may never be executed).
      'SELECT pg_sleep($2) AS slept, (SELECT count(*)::int FROM orders o WHERE lower(o.customer_id) = lower($1)) AS recent',
      [customerId, seconds],
    );
  }

  /** pool-exhaustion: the order transaction keeps its connection longer than it needs. */
  async holdConnection(m: EntityManager): Promise<void> {
    const fault = this.faults.active('pool-exhaustion');
    if (!fault || fault.holdMs <= 0) return;
    await m.query('SELECT pg_sleep($1)', [fault.holdMs / 1000]);
  }

  /** n-plus-one: items loaded with one query per order instead of one for the page. */
  async itemsOneByOne(orderIds: string[], load: (orderId: string) => Promise<OrderItem[]>): Promise<OrderItem[] | null> {
    if (!this.faults.hit('n-plus-one')) return null;
    const items: OrderItem[] = [];
    for (const id of orderIds) items.push(...(await load(id)));
    return items;
  }

  /** log-flood: a debug dump of the cart, many times, at info, left in after debugging. */
  floodLogs(orderId: string, items: unknown): void {
    const fault = this.faults.active('log-flood');
    if (!fault) return;
    const snapshot = JSON.stringify(items);
    const padding = 'x'.repeat(Math.max(0, fault.lineKiB * 1024 - snapshot.length));
    for (let line = 0; line < fault.linesPerRequest; line++) {
      this.logger.log({ msg: 'debug: cart snapshot', order_id: orderId, line, snapshot, padding });
    }
  }

  /** Pins connections so only `poolSize` are left for requests while pool-exhaustion is on; releases them after. */
  private adjustPool(): Promise<void> {
    this.pinning = this.pinning.then(async () => {
      const fault = this.faults.active('pool-exhaustion');
      if (!fault) return this.releasePinned();
      const pool = this.pgPool();
      if (!pool) return;
      const max = (pool as { options?: { max?: number } }).options?.max ?? 10;
      const target = Math.max(0, max - fault.poolSize);
      while (this.pinned.length > target) this.pinned.pop()?.release();
      while (this.pinned.length < target) this.pinned.push(await pool.connect());
      this.logger.warn({ msg: `database pool limited to ${max - this.pinned.length} of ${max} connections` });
    }).catch((error: unknown) => {
      this.logger.error({ msg: `pool-exhaustion: ${(error as Error).message}` });
    });
    return this.pinning;
  }

  private releasePinned(): void {
    for (const client of this.pinned) client.release();
    this.pinned = [];
  }

  private pgPool(): PgPool | undefined {
    return (this.dataSource.driver as unknown as { master?: PgPool }).master;
  }
}
