import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveFault } from '../fault-settings.js';
import { FileFaultStore } from './file-fault-store.js';

const sequential = { faults: [resolveFault('gateway', 'sequential-calls')], marker: null, bootFaults: null };

describe('FileFaultStore', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'faults-store-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('has nothing stored until the first save, then reads back what was saved (from a new instance)', async () => {
    const store = new FileFaultStore(join(dir, 'state'), 'gateway');
    await store.prepare();
    expect(await store.load()).toBeNull();
    await store.save({ ...sequential, marker: 'mystery-00aa11bb' });
    expect(await new FileFaultStore(join(dir, 'state'), 'gateway').load()).toEqual({ ...sequential, marker: 'mystery-00aa11bb' });
    expect(await readdir(join(dir, 'state'))).toEqual(['gateway-faults.json']);
  });

  it('reads a damaged file as nothing stored, not as a reason to stop', async () => {
    const store = new FileFaultStore(dir, 'gateway');
    await writeFile(store.file, '{"faults": [');
    expect(await store.load()).toBeNull();
    await writeFile(store.file, '{"faults": "none"}');
    expect(await store.load()).toBeNull();
  });

  it('refuses a directory it cannot create, naming FAULTS_STATE_DIR', async () => {
    await writeFile(join(dir, 'a-file'), '');
    await expect(new FileFaultStore(join(dir, 'a-file', 'state'), 'gateway').prepare()).rejects.toThrow(
      /FAULTS_STATE_DIR .*a-file\/state cannot be written: (ENOTDIR|EEXIST)/,
    );
  });

  it('tells a watcher when another replica replaces the file', async () => {
    const watcher = new FileFaultStore(dir, 'gateway', { intervalMs: 50 });
    let changes = 0;
    const stop = await watcher.watch(() => changes++);
    try {
      await new FileFaultStore(dir, 'gateway').save(sequential);
      await expect.poll(() => changes, { timeout: 3_000 }).toBeGreaterThan(0);
    } finally {
      await stop();
    }
  });
});
