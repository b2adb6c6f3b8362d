import pg from 'pg';

/**
 * The pg Pool behind TypeORM, for what TypeORM does not expose: the pool's counts (db_pool_* gauges)
 * and connections held outside it (order's pool-exhaustion fault). TypeORM builds its pool with the
 * `Pool` of its documented `driver` option; `driver()` gives it pg with a Pool that records itself here.
 */
export class DatabasePool {
  private built?: pg.Pool;

  /** pg for TypeORM's `driver` option: the same module (so the same instrumentation), its pools recorded. */
  driver(): typeof pg {
    const record = (pool: pg.Pool) => (this.built = pool);
    class RecordedPool extends pg.Pool {
      constructor(config?: pg.PoolConfig) {
        super(config);
        record(this);
      }
    }
    return { ...pg, Pool: RecordedPool };
  }

  /** The pool TypeORM built last (a retried connection builds a new one); undefined before the first. */
  get pool(): pg.Pool | undefined {
    return this.built;
  }
}
