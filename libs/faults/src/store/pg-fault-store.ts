import pg from 'pg';
import type { DataSource } from 'typeorm';
import type { ServiceName } from '../catalogue.js';
import { type FaultStore, type StoredFaults, storedFaultsFrom } from './fault-store.js';

/** The NOTIFY channel a write announces itself on; the payload is the service name. */
export const FAULTS_CHANNEL = 'workshop_faults';
/** application_name of the listening connection, to find it in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = 'workshop-faults-listener';
/** application_name of the store's own reads and writes. */
export const STORE_APPLICATION_NAME = 'workshop-faults';

export interface PgFaultStoreOptions {
  /** Who writes (host/pid), stored beside the faults. */
  instance?: string;
  /** First wait before reconnecting a lost listener; doubles up to 30 s. */
  reconnectMs?: number;
}

/**
 * The faults in the service's own PostgreSQL database (table workshop_faults).
 * Every write is a read-edit-write transaction whose NOTIFY goes out when it
 * commits; every replica LISTENs on its own connection and re-reads the row. Reads and writes (one at a time: FaultSync serialises them) use a
 * one-connection pool of their own, not the app's: a trainer must be able to
 * switch pool-exhaustion off while it starves that pool.
 */
export class PgFaultStore implements FaultStore {
  readonly where: string;
  private pool?: pg.Pool;

  constructor(
    private readonly dataSource: DataSource,
    private readonly service: ServiceName,
    private readonly options: PgFaultStoreOptions = {},
  ) {
    this.where = `the ${service} database (table workshop_faults)`;
  }

  async load(): Promise<StoredFaults | null> {
    return this.read(this.queries());
  }

  async save(state: StoredFaults): Promise<void> {
    await this.update(() => state);
  }

  /**
   * One transaction on the store's own connection: a transaction-level
   * advisory lock per service (it also covers a row not written yet) orders
   * this against every other replica's write; the NOTIFY goes out at commit.
   */
  async update(edit: (current: StoredFaults | null) => StoredFaults): Promise<StoredFaults> {
    const client = await this.queries().connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('${FAULTS_CHANNEL}'), hashtext($1))`, [this.service]);
      const next = edit(await this.read(client));
      await this.write(client, next);
      await client.query('COMMIT');
      return next;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async read(db: pg.Pool | pg.PoolClient): Promise<StoredFaults | null> {
    const { rows } = await db.query<{ faults: unknown; marker: string | null; boot_faults: string | null }>(
      'SELECT faults, marker, boot_faults FROM workshop_faults WHERE service = $1',
      [this.service],
    );
    const row = rows[0];
    return row ? storedFaultsFrom({ faults: row.faults, marker: row.marker, bootFaults: row.boot_faults }) : null;
  }

  private async write(db: pg.PoolClient, state: StoredFaults): Promise<void> {
    await db.query(
      `WITH saved AS (
         INSERT INTO workshop_faults (service, faults, marker, boot_faults, updated_at, updated_by)
         VALUES ($1, $2::jsonb, $3, $4, now(), $5)
         ON CONFLICT (service) DO UPDATE SET faults = excluded.faults, marker = excluded.marker,
           boot_faults = excluded.boot_faults, updated_at = excluded.updated_at, updated_by = excluded.updated_by
         RETURNING service)
       SELECT pg_notify('${FAULTS_CHANNEL}', service) FROM saved`,
      [this.service, JSON.stringify(state.faults), state.marker, state.bootFaults, this.options.instance ?? null],
    );
  }

  /** LISTEN on a dedicated connection; reconnects when it is lost, and says `changed` after each (re)connect. */
  async watch(changed: () => void): Promise<() => Promise<void>> {
    let stopped = false;
    let client: pg.Client | undefined;
    let retry: NodeJS.Timeout | undefined;
    let delay = this.options.reconnectMs ?? 1_000;

    const reconnectLater = () => {
      if (stopped || retry) return;
      retry = setTimeout(() => {
        retry = undefined;
        void connect();
      }, delay).unref();
      delay = Math.min(delay * 2, 30_000);
    };
    const connect = async () => {
      const next = new pg.Client(this.connectionConfig(LISTENER_APPLICATION_NAME));
      let lost = false;
      const onLost = () => {
        if (lost) return;
        lost = true;
        void next.end().catch(() => undefined);
        if (client === next) client = undefined;
        reconnectLater();
      };
      next.on('error', onLost);
      next.on('end', onLost);
      next.on('notification', (message) => {
        if (message.channel === FAULTS_CHANNEL && message.payload === this.service) changed();
      });
      try {
        await next.connect();
        await next.query(`LISTEN ${FAULTS_CHANNEL}`);
      } catch {
        onLost();
        return;
      }
      if (stopped) {
        await next.end().catch(() => undefined);
        return;
      }
      client = next;
      delay = this.options.reconnectMs ?? 1_000;
      // Changes stored while no connection listened are read now.
      changed();
    };

    await connect();
    return async () => {
      stopped = true;
      clearTimeout(retry);
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end();
  }

  private queries(): pg.Pool {
    if (!this.pool) {
      this.pool = new pg.Pool({ ...this.connectionConfig(STORE_APPLICATION_NAME), max: 1, idleTimeoutMillis: 30_000 });
      // An idle connection the server closes is dropped by the pool; the next query opens another.
      this.pool.on('error', () => undefined);
    }
    return this.pool;
  }

  private connectionConfig(applicationName: string): pg.ClientConfig {
    const o = this.dataSource.options;
    if (o.type !== 'postgres') throw new Error(`the faults store needs PostgreSQL, not ${o.type}`);
    return {
      connectionString: o.url,
      host: o.host,
      port: o.port,
      user: o.username,
      password: typeof o.password === 'string' ? o.password : undefined,
      database: o.database,
      ssl: o.ssl as pg.ClientConfig['ssl'],
      application_name: applicationName,
      connectionTimeoutMillis: 5_000,
    };
  }
}
