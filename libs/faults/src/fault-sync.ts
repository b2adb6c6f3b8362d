import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { FaultChangeRefused, type FaultSet } from './fault-changes.js';
import { type ActiveFault, FaultSettingsError, parseFaultsEnv, resolveFault } from './fault-settings.js';
import type { FaultRegistry, FaultState } from './fault-registry.js';
import type { FaultStore, StoredFaults } from './store/fault-store.js';

export interface FaultSyncOptions {
  /** Re-reads the store this often, in case the watch missed a change (0: never). */
  pollMs?: number;
  logger?: Pick<Logger, 'log' | 'warn'>;
}

/** The store could not be written: the change was not made (the admin API answers 503). */
export class FaultStoreError extends Error {}

/** What was switched on at boot, and why. */
export type RestoredFrom = 'FAULTS' | 'store' | 'nothing';

const canonical = (faults: ActiveFault[], marker: string | null): string =>
  JSON.stringify({
    marker,
    faults: [...faults]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((f) => [f.name, Object.entries(f.params).sort(([a], [b]) => a.localeCompare(b))]),
  });

/** For logs: the names, or only the marker in mystery mode (the log must not give the answer away). */
const summary = (faults: ActiveFault[], marker: string | null): string =>
  marker ?? (faults.length > 0 ? faults.map((f) => f.name).join(', ') : 'no faults');

/**
 * Keeps a service's FaultRegistry and its FaultStore in step, so faults
 * survive a restart and reach every replica: at boot the stored state (or
 * FAULTS, when its value is new) is switched on; an admin change is stored
 * first, then applied; a change another replica stored is read back and applied.
 */
export class FaultSync implements OnApplicationBootstrap, OnModuleDestroy {
  private bootFaults: string | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private pendingRefresh?: Promise<void>;
  private stopWatch?: () => Promise<void>;
  private timer?: NodeJS.Timeout;
  private failing = false;
  /** Stored faults this catalogue refuses, said once each (the poll reads them again and again). */
  private readonly skipped = new Set<string>();
  private readonly logger: Pick<Logger, 'log' | 'warn'>;

  constructor(
    readonly registry: FaultRegistry,
    readonly store: FaultStore,
    private readonly options: FaultSyncOptions = {},
  ) {
    this.logger = options.logger ?? new Logger('Faults');
  }

  /**
   * The faults to boot with. FAULTS wins when its value differs from the one
   * the service last booted with (a new instruction); otherwise the stored
   * state wins, so a restart keeps what was switched at runtime. A FAULTS
   * value that cannot be read stops the boot either way.
   */
  async restore(faultsEnv: string | undefined): Promise<RestoredFrom> {
    const env = faultsEnv?.trim() || null;
    const fromEnv = parseFaultsEnv(this.registry.service, env ?? undefined);
    const stored = await this.store.load();
    this.bootFaults = env;
    if (env !== null && env !== stored?.bootFaults) {
      await this.store.save({ faults: fromEnv, marker: null, bootFaults: env });
      this.registry.set(fromEnv, null);
      this.logger.log(`faults from FAULTS (a new value): ${summary(fromEnv, null)}; kept in ${this.store.where}`);
      return 'FAULTS';
    }
    if (!stored) return 'nothing';
    if (stored.bootFaults !== env) await this.store.save({ ...stored, bootFaults: env });
    const state = this.apply(stored);
    if (state.faults.length > 0 || state.marker) {
      this.logger.log(`faults restored from ${this.store.where}: ${summary(state.faults, state.marker)}`);
    }
    return 'store';
  }

  /** An admin change: stored first (so every replica and the next boot see it), then applied here. */
  write(faults: ActiveFault[], marker: string | null): Promise<FaultState> {
    return this.serial(async () => {
      try {
        await this.store.save({ faults, marker, bootFaults: this.bootFaults });
      } catch (error) {
        throw new FaultStoreError(`could not store the faults in ${this.store.where}: ${(error as Error).message}`);
      }
      return this.registry.set(faults, marker);
    });
  }

  /**
   * A change computed from the stored state (one fault on or off): made in the
   * store atomically, so a change another replica makes at the same time is
   * kept, then applied here. `edit` refuses by throwing a FaultChangeRefused,
   * which is passed on as it is; a store that cannot be written is a FaultStoreError.
   * Returns the state before and after.
   */
  change(edit: (current: FaultSet) => FaultSet): Promise<{ before: FaultSet; state: FaultState }> {
    return this.serial(async () => {
      let before: FaultSet = { faults: [], marker: null };
      let stored: StoredFaults;
      try {
        stored = await this.store.update((current) => {
          before = { faults: current?.faults ?? [], marker: current?.marker ?? null };
          return { ...edit(before), bootFaults: this.bootFaults };
        });
      } catch (error) {
        if (error instanceof FaultChangeRefused) throw error;
        throw new FaultStoreError(`could not store the faults in ${this.store.where}: ${(error as Error).message}`);
      }
      return { before, state: this.apply(stored) };
    });
  }

  /** Reads the store and applies what changed there. Calls made while one waits share it. */
  refresh(): Promise<void> {
    this.pendingRefresh ??= this.serial(async () => {
      this.pendingRefresh = undefined;
      let stored: StoredFaults | null;
      try {
        stored = await this.store.load();
      } catch (error) {
        if (!this.failing)
          this.logger.warn(`cannot read the faults from ${this.store.where}: ${(error as Error).message}`);
        this.failing = true;
        return;
      }
      this.failing = false;
      const before = this.registry.state();
      const after = this.apply(stored ?? { faults: [], marker: null, bootFaults: null });
      if (canonical(before.faults, before.marker) !== canonical(after.faults, after.marker)) {
        this.logger.log(`faults changed in ${this.store.where}: ${summary(after.faults, after.marker)}`);
      }
    });
    return this.pendingRefresh;
  }

  /** Follows changes other replicas store: the store's watch, plus a slow poll as a fallback. */
  async start(): Promise<void> {
    this.stopWatch = await this.store.watch(() => void this.refresh());
    const pollMs = this.options.pollMs ?? 0;
    if (pollMs > 0) this.timer = setInterval(() => void this.refresh(), pollMs).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.stopWatch?.();
    this.stopWatch = undefined;
    await this.queue;
    await this.store.close();
  }

  /** Nest: follow the store once every module is up; stop before the database closes. */
  onApplicationBootstrap(): Promise<void> {
    return this.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.stop();
  }

  /** Switches on the stored faults this version of the catalogue still knows; skips (and says) the others. */
  private apply(stored: StoredFaults): FaultState {
    const faults: ActiveFault[] = [];
    for (const fault of stored.faults) {
      try {
        faults.push(resolveFault(this.registry.service, fault.name, fault.params));
      } catch (error) {
        if (!(error instanceof FaultSettingsError)) throw error;
        if (!this.skipped.has(error.message)) this.logger.warn(`stored fault skipped: ${error.message}`);
        this.skipped.add(error.message);
      }
    }
    const current = this.registry.state();
    if (canonical(current.faults, current.marker) === canonical(faults, stored.marker)) return current;
    return this.registry.set(faults, stored.marker);
  }

  /** One change at a time: a read never overtakes a write of this replica. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
