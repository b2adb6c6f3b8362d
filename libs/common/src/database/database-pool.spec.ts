import { DataSource } from 'typeorm';
import { describe, expect, inject, it } from 'vitest';
import { DatabasePool } from './database-pool.js';

describe('DatabasePool', () => {
  it('holds the pool TypeORM connects with, so its counts follow the connections TypeORM takes', async () => {
    const database = new DatabasePool();
    expect(database.pool).toBeUndefined();
    const dataSource = new DataSource({
      type: 'postgres',
      url: inject('databaseAdminUrl'),
      extra: { max: 3 },
      driver: database.driver(),
    });
    await dataSource.initialize();
    try {
      const pool = database.pool!;
      expect(pool.options.max).toBe(3);
      const runner = dataSource.createQueryRunner();
      await runner.query('SELECT 1');
      expect(pool.totalCount - pool.idleCount).toBe(1);
      await runner.release();
      expect(pool.totalCount - pool.idleCount).toBe(0);
    } finally {
      await dataSource.destroy();
    }
    expect(database.pool?.ended).toBe(true);
  });
});
