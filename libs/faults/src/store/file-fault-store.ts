import { type Stats, unwatchFile, watchFile } from 'node:fs';
import { access, constants, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServiceName } from '../catalogue.js';
import { type FaultStore, type StoredFaults, storedFaultsFrom } from './fault-store.js';

export interface FileFaultStoreOptions {
  /** How often replicas look at the file's modification time. */
  intervalMs?: number;
}

/**
 * The faults in a JSON file under a directory (FAULTS_STATE_DIR), for the
 * gateway, which has no database. A write replaces the file in one rename;
 * every replica that shares the directory polls its modification time.
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
      throw new Error(`FAULTS_STATE_DIR ${this.dir} cannot be written: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
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
    // Written beside, then renamed over: a replica never reads half a file.
    const temporary = `${this.file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temporary, `${JSON.stringify({ ...state, updatedAt: new Date().toISOString() }, null, 2)}\n`);
    await rename(temporary, this.file);
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
