import { DatabasePool } from '@app/common';
import { FaultRegistry } from '@app/faults';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import type { OrderItem } from './order.entity.js';
import { seedPastOrders } from './past-orders.js';

/**
 * slow-query's statement: customer ids normalised on read (case, '-', '_' and
 * spaces ignored), so the (customer_id, created_at, id) index cannot be used.
 */
export const DUPLICATE_CHECK_SQL =
  "SELECT count(*)::int AS previous_orders FROM orders o WHERE lower(regexp_replace(o.customer_id, '[-_ ]', '', 'g')) = lower(regexp_replace($1, '[-_ ]', '', 'g'))";

/**
 * Where the order service's bottleneck scenarios act: slow-query, n-plus-one,
 * pool-exhaustion and log-flood. Each does what the buggy code would do, so
 * it shows in spans, metrics and logs like the real thing.
 */
@Injectable()
export class OrderFaults implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('OrdersService');
  /** Connections taken out of the pool by pool-exhaustion (a leak, as far as the pool can tell). */
  private pinned: PoolClient[] = [];
  private pinning = Promise.resolve();
  /** slow-query's seeding, one at a time; `seededRows` is what the table holds once it is done. */
  private seeding = Promise.resolve();
  private seededRows = 0;
  private unsubscribe?: () => void;

  constructor(
    @Inject(FaultRegistry) private readonly faults: FaultRegistry,
    private readonly dataSource: DataSource,
    private readonly database: DatabasePool,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.faults.onChange(() => {
      void this.adjustPool();
      void this.seedPastOrders();
    });
    void this.adjustPool();
    void this.seedPastOrders();
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    await this.pinning;
    await this.seeding;
    this.releasePinned();
  }

  /**
   * slow-query: the duplicate-order check looks up the customer's earlier
   * orders by a normalised customer_id, which no index covers, so PostgreSQL
   * reads and normalises every row of orders (seeded to `rows` when the fault
   * is switched on).
   */
  async duplicateCheck(customerId: string): Promise<void> {
    if (!this.faults.hit('slow-query')) return;
    await this.dataSource.query(DUPLICATE_CHECK_SQL, [customerId]);
  }

  /** pool-exhaustion: the order transaction keeps its connection longer than it needs. */
  async holdConnection(m: EntityManager): Promise<void> {
    const fault = this.faults.active('pool-exhaustion');
    if (!fault || fault.holdMs <= 0) return;
    await m.query('SELECT pg_sleep($1)', [fault.holdMs / 1000]);
  }

  /** n-plus-one: items loaded with one query per order instead of one for the page. */
  async itemsOneByOne(
    orderIds: string[],
    load: (orderId: string) => Promise<OrderItem[]>,
  ): Promise<OrderItem[] | null> {
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

  /** slow-query: seeds the orders table to `rows` past orders while the fault is on (kept when it goes off). */
  private seedPastOrders(): Promise<void> {
    this.seeding = this.seeding
      .then(async () => {
        const rows = this.faults.active('slow-query')?.rows;
        if (rows === undefined || rows === this.seededRows) return;
        const started = performance.now();
        const { inserted, deleted } = await seedPastOrders(this.dataSource, rows);
        this.seededRows = rows;
        if (inserted || deleted > 0) {
          const seconds = ((performance.now() - started) / 1000).toFixed(1);
          this.logger.log({ msg: `orders table holds ${rows} past orders (seeded in ${seconds} s)` });
        }
      })
      .catch((error: unknown) => {
        this.logger.error({ msg: `slow-query: seeding past orders failed: ${(error as Error).message}` });
      });
    return this.seeding;
  }

  /** Pins connections so only `poolSize` are left for requests while pool-exhaustion is on; releases them after. */
  private adjustPool(): Promise<void> {
    this.pinning = this.pinning
      .then(async () => {
        const fault = this.faults.active('pool-exhaustion');
        if (!fault) return this.releasePinned();
        const pool = this.database.pool;
        if (!pool) return;
        const max = pool.options.max ?? 10;
        const target = Math.max(0, max - fault.poolSize);
        while (this.pinned.length > target) this.pinned.pop()?.release();
        while (this.pinned.length < target) this.pinned.push(await pool.connect());
        this.logger.warn({ msg: `database pool limited to ${max - this.pinned.length} of ${max} connections` });
      })
      .catch((error: unknown) => {
        this.logger.error({ msg: `pool-exhaustion: ${(error as Error).message}` });
      });
    return this.pinning;
  }

  private releasePinned(): void {
    for (const client of this.pinned) client.release();
    this.pinned = [];
  }
}
