import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { readServicesEnv } from '../../scripts/ci/backing-services.mjs';
import { startPostgres, stopPostgres } from '../../scripts/lib/postgres.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the PostgreSQL 18 the tests create their databases in. */
    databaseAdminUrl: string;
    /** Prefix of this run's databases, dropped when the run ends. */
    databasePrefix: string;
  }
}

const OWN_CLUSTER = resolve(import.meta.dirname, '../../.tmp/test-postgres');

async function answers(url: string | undefined): Promise<boolean> {
  if (!url) return false;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Every suite that needs a database gets it from one real PostgreSQL 18: the one the backing services
 * run (CI starts them before the suites), else a cluster of the tests' own under .tmp/, stopped at the end.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let adminUrl = readServicesEnv().adminUrl;
  let started = false;
  if (!(await answers(adminUrl))) {
    const port = Number(process.env.TEST_PGPORT ?? 25433);
    const cluster = await startPostgres({ dataDir: join(OWN_CLUSTER, 'data'), port, throwaway: true });
    adminUrl = cluster.adminUrl;
    started = true;
  }
  const prefix = `test_${randomBytes(3).toString('hex')}_`;
  project.provide('databaseAdminUrl', adminUrl!);
  project.provide('databasePrefix', prefix);
  return async () => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ datname: string }>(
        'select datname from pg_database where starts_with(datname, $1)',
        [prefix],
      );
      for (const { datname } of rows)
        await client.query(`drop database if exists ${client.escapeIdentifier(datname)} with (force)`);
    } finally {
      await client.end();
    }
    if (started) await stopPostgres(join(OWN_CLUSTER, 'data'));
  };
}
