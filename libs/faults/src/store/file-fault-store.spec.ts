import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveFault } from '../fault-settings.js';
import type { StoredFaults } from './fault-store.js';
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
    expect(await new FileFaultStore(join(dir, 'state'), 'gateway').load()).toEqual({
      ...sequential,
      marker: 'mystery-00aa11bb',
    });
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

  describe('update()', () => {
    const adding =
      (name: string) =>
      (current: StoredFaults | null): StoredFaults => ({
        faults: [...(current?.faults ?? []), { name, params: {} }],
        marker: null,
        bootFaults: null,
      });

    it('keeps every change when two replicas sharing the directory edit the file at once', async () => {
      const [a, b] = [new FileFaultStore(dir, 'gateway'), new FileFaultStore(dir, 'gateway')];
      const names = Array.from({ length: 12 }, (_, i) => `fault-${i}`);
      await Promise.all(names.map((name, i) => (i % 2 ? a : b).update(adding(name))));
      expect((await a.load())?.faults.map((f) => f.name).sort()).toEqual([...names].sort());
      expect(await readdir(dir)).toEqual(['gateway-faults.json']);
    });

    it('writes nothing when the edit throws, and lets the next write through', async () => {
      const store = new FileFaultStore(dir, 'gateway');
      await store.save(sequential);
      await expect(
        store.update(() => {
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
      expect(await store.load()).toEqual(sequential);
      await store.update(adding('after'));
      expect((await store.load())?.faults.map((f) => f.name)).toEqual(['sequential-calls', 'after']);
    });

    it('takes over a lock left behind by a replica that died holding it', async () => {
      const store = new FileFaultStore(dir, 'gateway');
      await writeFile(`${store.file}.lock`, '');
      const longAgo = new Date(Date.now() - 60_000);
      await utimes(`${store.file}.lock`, longAgo, longAgo);
      await store.update(adding('after-a-crash'));
      expect((await store.load())?.faults.map((f) => f.name)).toEqual(['after-a-crash']);
    });
  });
});
