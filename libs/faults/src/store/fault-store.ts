import type { ActiveFault } from '../fault-settings.js';

/** What a service keeps of its faults between restarts, shared by its replicas. */
export interface StoredFaults {
  faults: ActiveFault[];
  /** The mystery marker, or null. */
  marker: string | null;
  /** The FAULTS value the service last booted with (null: unset), so a restart with the same value keeps runtime changes. */
  bootFaults: string | null;
}

/**
 * Where a service keeps its faults: its own PostgreSQL database, a file (the
 * gateway has no database) or, without either, only memory.
 */
export interface FaultStore {
  /** Where the faults are kept, for log lines and error messages. */
  readonly where: string;
  /** The stored state, or null when nothing was ever stored. Not validated against the catalogue. */
  load(): Promise<StoredFaults | null>;
  /** Replaces the stored state (waiting for an `update` in progress, also another replica's). */
  save(state: StoredFaults): Promise<void>;
  /**
   * Reads the stored state and stores what `edit` makes of it, with no other
   * write in between, also from another replica: two replicas switching
   * different faults at once both keep their change. Nothing is written when `edit` throws.
   */
  update(edit: (current: StoredFaults | null) => StoredFaults): Promise<StoredFaults>;
  /**
   * Calls `changed` whenever the stored state may have changed (another
   * replica wrote it, or the watch reconnected and may have missed a change).
   * Returns the function that stops watching.
   */
  watch(changed: () => void): Promise<() => Promise<void>>;
  /** Releases what the store holds (connections); called once, at shutdown. */
  close(): Promise<void>;
}

/** No persistence: the state lives as long as the process (the gateway without FAULTS_STATE_DIR, and tests). */
export class MemoryFaultStore implements FaultStore {
  readonly where = 'memory only';
  private state: StoredFaults | null = null;

  async load(): Promise<StoredFaults | null> {
    return this.state && structuredClone(this.state);
  }

  async save(state: StoredFaults): Promise<void> {
    this.state = structuredClone(state);
  }

  /** One process, and FaultSync makes one change at a time: read, edit, save. */
  async update(edit: (current: StoredFaults | null) => StoredFaults): Promise<StoredFaults> {
    const next = edit(await this.load());
    await this.save(next);
    return next;
  }

  async close(): Promise<void> {}

  /** Nobody else writes to this process's memory: nothing to watch. */
  async watch(_changed: () => void): Promise<() => Promise<void>> {
    return async () => undefined;
  }
}

/** Reads a stored record written by any version of the kit: anything malformed comes back as null. */
export function storedFaultsFrom(value: unknown): StoredFaults | null {
  if (!value || typeof value !== 'object') return null;
  const record = value as Record<string, unknown>;
  if (!Array.isArray(record.faults)) return null;
  const faults = record.faults.filter(
    (f): f is ActiveFault =>
      !!f &&
      typeof f === 'object' &&
      typeof (f as ActiveFault).name === 'string' &&
      typeof ((f as ActiveFault).params ?? {}) === 'object',
  );
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  return {
    faults: faults.map((f) => ({ name: f.name, params: f.params ?? {} })),
    marker: text(record.marker),
    bootFaults: text(record.bootFaults),
  };
}
