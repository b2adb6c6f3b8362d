import { type Stats, unwatchFile, watchFile } from 'node:fs';
import { access, constants, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceName } from '../catalogue.js';
import { type FaultStore, type StoredFaults, storedFaultsFrom } from './fault-store.js';

export interface FileFaultStoreOptions {
  /** How often replicas look at the file's modification time. */
  intervalMs?: number;
}

/** A write holds the lock for milliseconds: one this old was left by a replica that died holding it. */
const STALE_LOCK_MS = 5_000;
/** How long a write waits for another replica's before it gives up (the admin API then answers 503). */
const LOCK_WAIT_MS = 7_000;

/**
 * The faults in a JSON file under a directory (FAULTS_STATE_DIR), for the
 * gateway, which has no database. A write replaces the file in one rename,
 * under a lock file (`<file>.lock`, created exclusively) that orders the
 * writes of every replica sharing the directory; each polls the file's
 * modification time.
 */
export class FileFaultStore implements FaultStore {
  readonly file: string;
  readonly where: string;

  constructor(
    private readonly dir: string,
    service: ServiceName,
    private readonly options: FileFaultStoreOptions = {},
  ) {
    this.file = join(dir, `${service}-faults.json`);
    this.where = this.file;
  }

  /** Creates the directory and checks it can be written, so a wrong FAULTS_STATE_DIR stops the boot, not the first PUT. */
  async prepare(): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true });
      await access(this.dir, constants.W_OK);
    } catch (error) {
      throw new Error(
        `FAULTS_STATE_DIR ${this.dir} cannot be written: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
  }

  async load(): Promise<StoredFaults | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    try {
      return storedFaultsFrom(JSON.parse(text));
    } catch {
      return null;
    }
  }

  async save(state: StoredFaults): Promise<void> {
    await this.update(() => state);
  }

  async update(edit: (current: StoredFaults | null) => StoredFaults): Promise<StoredFaults> {
    const unlock = await this.lock();
    try {
      const next = edit(await this.load());
      // Written beside, then renamed over: a replica never reads half a file.
      const temporary = `${this.file}.${process.pid}.${Date.now()}.tmp`;
      await writeFile(temporary, `${JSON.stringify({ ...next, updatedAt: new Date().toISOString() }, null, 2)}\n`);
      await rename(temporary, this.file);
      return next;
    } finally {
      await unlock();
    }
  }

  private async lock(): Promise<() => Promise<void>> {
    const lock = `${this.file}.lock`;
    const giveUpAt = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        await (await open(lock, 'wx')).close();
        return () => rm(lock, { force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const age = await stat(lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > STALE_LOCK_MS) await rm(lock, { force: true });
      else if (Date.now() > giveUpAt) throw new Error(`${lock} is held by another replica`);
      else await sleep(10 + Math.random() * 20);
    }
  }

  async close(): Promise<void> {}

  async watch(changed: () => void): Promise<() => Promise<void>> {
    const listener = (current: Stats, previous: Stats) => {
      if (current.mtimeMs !== previous.mtimeMs || current.ino !== previous.ino) changed();
    };
    watchFile(this.file, { interval: this.options.intervalMs ?? 2_000, persistent: false }, listener);
    return async () => unwatchFile(this.file, listener);
  }
}
