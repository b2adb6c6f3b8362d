import { afterEach, describe, expect, it } from 'vitest';
import { FaultNotOnError, MysteryOnError, withFault, withoutFault } from './fault-changes.js';
import { FaultRegistry } from './fault-registry.js';
import { resolveFault } from './fault-settings.js';
import { FaultStoreError, FaultSync } from './fault-sync.js';
import { MemoryFaultStore, type StoredFaults } from './store/fault-store.js';

const quiet = { log: () => undefined, warn: () => undefined };
const latency = resolveFault('payment', 'payment-latency', { latencyMs: 900 });
const errors = resolveFault('payment', 'payment-errors');
const names = (sync: FaultSync) => sync.registry.state().faults.map((f) => f.name);

/** A store shared by several "replicas" (FaultSyncs), each told about every save as LISTEN/NOTIFY would. */
class SharedStore extends MemoryFaultStore {
  readonly watchers = new Set<() => void>();
  failSaves = false;
  failLoads = false;

  override async save(state: StoredFaults): Promise<void> {
    if (this.failSaves) throw new Error('connection refused');
    await super.save(state);
    for (const changed of this.watchers) changed();
  }

  override async load(): Promise<StoredFaults | null> {
    if (this.failLoads) throw new Error('connection refused');
    return super.load();
  }

  override async watch(changed: () => void): Promise<() => Promise<void>> {
    this.watchers.add(changed);
    return async () => void this.watchers.delete(changed);
  }
}

describe('FaultSync', () => {
  const syncs: FaultSync[] = [];
  const replica = (store: SharedStore, pollMs = 0) => {
    const sync = new FaultSync(new FaultRegistry('payment'), store, { logger: quiet, pollMs });
    syncs.push(sync);
    return sync;
  };
  afterEach(async () => {
    for (const sync of syncs.splice(0)) {
      await sync.stop();
      sync.registry.set([], null);
    }
  });

  describe('restore()', () => {
    it('boots with nothing on when nothing is stored and FAULTS is unset', async () => {
      const store = new SharedStore();
      expect(await replica(store).restore(undefined)).toBe('nothing');
      expect(await store.load()).toBeNull();
    });

    it('switches on what a previous run stored, mystery marker included', async () => {
      const store = new SharedStore();
      await replica(store).write([latency], 'mystery-0a1b2c3d');
      const restarted = replica(store);
      expect(await restarted.restore(undefined)).toBe('store');
      expect(restarted.registry.state()).toMatchObject({ faults: [latency], marker: 'mystery-0a1b2c3d' });
    });

    it('lets a new FAULTS value win over the stored state, and stores it', async () => {
      const store = new SharedStore();
      await replica(store).write([errors], null);
      const restarted = replica(store);
      expect(await restarted.restore('payment-latency:latencyMs=900')).toBe('FAULTS');
      expect(names(restarted)).toEqual(['payment-latency']);
      expect(await store.load()).toMatchObject({ faults: [latency], bootFaults: 'payment-latency:latencyMs=900' });
    });

    it('keeps what was switched at runtime when it boots again with the same FAULTS value', async () => {
      const store = new SharedStore();
      const first = replica(store);
      await first.restore('payment-latency');
      await first.write([], null);
      const restarted = replica(store);
      expect(await restarted.restore('payment-latency')).toBe('store');
      expect(names(restarted)).toEqual([]);
    });

    it('applies a FAULTS value again after a boot without it', async () => {
      const store = new SharedStore();
      const first = replica(store);
      await first.restore('payment-latency');
      await first.write([], null);
      await replica(store).restore(undefined);
      expect((await store.load())?.bootFaults).toBeNull();
      const third = replica(store);
      expect(await third.restore('payment-latency')).toBe('FAULTS');
      expect(names(third)).toEqual(['payment-latency']);
    });

    it('refuses an unreadable FAULTS value even when a stored state exists', async () => {
      const store = new SharedStore();
      await replica(store).write([errors], null);
      await expect(replica(store).restore('payment-errors:probability=7')).rejects.toThrow(/between 0 and 1/);
    });

    it('skips stored faults this catalogue no longer accepts and keeps the others', async () => {
      const store = new SharedStore();
      await store.save({ faults: [{ name: 'retired-fault', params: {} }, latency], marker: null, bootFaults: null });
      const sync = replica(store);
      await sync.restore(undefined);
      expect(names(sync)).toEqual(['payment-latency']);
    });
  });

  describe('write()', () => {
    it('stores the change before it applies it, with the FAULTS value it booted with', async () => {
      const store = new SharedStore();
      const sync = replica(store);
      await sync.restore('payment-errors');
      await sync.write([latency], null);
      expect(await store.load()).toEqual({ faults: [latency], marker: null, bootFaults: 'payment-errors' });
      expect(names(sync)).toEqual(['payment-latency']);
    });

    it('changes nothing when the store cannot be written', async () => {
      const store = new SharedStore();
      const sync = replica(store);
      store.failSaves = true;
      await expect(sync.write([latency], null)).rejects.toThrow(FaultStoreError);
      await expect(sync.write([latency], null)).rejects.toThrow(
        /could not store the faults in memory only: connection refused/,
      );
      expect(names(sync)).toEqual([]);
    });
  });

  describe('change()', () => {
    it('edits what is stored, not what this replica has applied: a fault another replica switched on stays on', async () => {
      const store = new SharedStore();
      const [a, b] = [replica(store), replica(store)];
      await b.write([errors], null); // a has not followed it yet
      const { before, state } = await a.change((set) => withFault(set, latency));
      expect(before.faults).toEqual([errors]);
      expect(state.faults.map((f) => f.name)).toEqual(['payment-errors', 'payment-latency']);
      expect((await store.load())?.faults.map((f) => f.name)).toEqual(['payment-errors', 'payment-latency']);
    });

    it('passes a refusal on as it is and stores nothing', async () => {
      const store = new SharedStore();
      const sync = replica(store);
      await sync.write([latency], 'mystery-0a1b2c3d');
      await expect(sync.change((set) => withoutFault(set, 'payment-latency', 'payment'))).rejects.toBeInstanceOf(
        MysteryOnError,
      );
      await expect(
        sync.change((set) => withoutFault(set, 'payment-errors', 'payment', 'mystery-0a1b2c3d')),
      ).rejects.toBeInstanceOf(FaultNotOnError);
      expect(await store.load()).toMatchObject({ faults: [latency], marker: 'mystery-0a1b2c3d' });
    });

    it('changes nothing when the store cannot be written', async () => {
      const store = new SharedStore();
      const sync = replica(store);
      store.failSaves = true;
      await expect(sync.change((set) => withFault(set, latency))).rejects.toThrow(FaultStoreError);
      expect(names(sync)).toEqual([]);
    });
  });

  describe('following other replicas', () => {
    it('applies what another replica stored as soon as the store says it changed', async () => {
      const store = new SharedStore();
      const [a, b] = [replica(store), replica(store)];
      await a.start();
      await b.start();
      await b.write([latency], 'mystery-5e6f7a8b');
      await a.refresh();
      expect(a.registry.state()).toMatchObject({ faults: [latency], marker: 'mystery-5e6f7a8b' });
      await b.write([], null);
      await a.refresh();
      expect(a.registry.state()).toMatchObject({ faults: [], marker: null });
    });

    it('tells its listeners only about real changes, not about its own write read back', async () => {
      const store = new SharedStore();
      const sync = replica(store);
      await sync.start();
      let changes = 0;
      sync.registry.onChange(() => changes++);
      await sync.write([latency], null);
      await sync.refresh();
      await sync.refresh();
      expect(changes).toBe(1);
    });

    it('picks up a change it was not told about by polling', async () => {
      const store = new SharedStore();
      const sync = replica(store, 20);
      await sync.start();
      store.watchers.clear(); // a lost notification
      await store.save({ faults: [errors], marker: null, bootFaults: null });
      await expect.poll(() => names(sync), { timeout: 2_000 }).toEqual(['payment-errors']);
    });

    it('keeps its faults while the store cannot be read, and catches up when it can', async () => {
      const store = new SharedStore();
      const [a, b] = [replica(store), replica(store)];
      await a.write([latency], null);
      store.failLoads = true;
      await a.refresh();
      expect(names(a)).toEqual(['payment-latency']);
      store.failLoads = false;
      await b.write([errors], null);
      await a.refresh();
      expect(names(a)).toEqual(['payment-errors']);
    });
  });
});
