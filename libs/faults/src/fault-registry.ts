import { gauge, setFaultMarker } from '@app/observability';
import type { ServiceName } from './catalogue.js';
import type { ActiveFault } from './fault-settings.js';

/** 1 for each fault switched on in this process, labelled with its marker (opaque in mystery mode). */
export const faultActive = gauge<'fault'>({
  name: 'workshop_fault_active',
  help: 'Faults switched on in this service (1), labelled by their marker: the name, or an opaque id in mystery mode.',
  labelNames: ['fault'],
});

export interface FaultState {
  service: ServiceName;
  faults: ActiveFault[];
  /**
   * Set in mystery mode: logs, spans and metrics show it instead of the names.
   * Every service carries it, also those where the mystery does not act (no
   * faults), so the marker says that a mystery is on, not where.
   */
  marker: string | null;
}

type Listener = (state: FaultState) => void;

/**
 * The faults switched on in this service, changed at runtime through the admin
 * API. Code where a fault acts asks `hit(name)` (active, and this request
 * drawn by its probability) or `active(name)` (its parameters while on).
 */
export class FaultRegistry {
  private faults = new Map<string, ActiveFault>();
  private mysteryMarker: string | null = null;
  private readonly listeners = new Set<Listener>();

  constructor(
    readonly service: ServiceName,
    initial: ActiveFault[] = [],
    private readonly random: () => number = Math.random,
  ) {
    this.set(initial, null);
  }

  /** Replaces the whole set (an empty list and no marker switch everything off). */
  set(faults: ActiveFault[], marker: string | null): FaultState {
    for (const label of this.labels()) faultActive.remove({ fault: label });
    this.faults = new Map(faults.map((f) => [f.name, f]));
    this.mysteryMarker = marker;
    for (const label of this.labels()) faultActive.set({ fault: label }, 1);
    setFaultMarker(this.marker());
    const state = this.state();
    for (const listener of this.listeners) listener(state);
    return state;
  }

  state(): FaultState {
    return { service: this.service, faults: [...this.faults.values()], marker: this.mysteryMarker };
  }

  /** What logs and spans carry: the names joined by commas, the mystery id, or undefined when all is well. */
  marker(): string | undefined {
    if (this.mysteryMarker) return this.mysteryMarker;
    if (this.faults.size === 0) return undefined;
    return [...this.faults.keys()].sort().join(',');
  }

  /** The fault's parameters while it is on, else undefined. */
  active(name: string): Record<string, number> | undefined {
    return this.faults.get(name)?.params;
  }

  /** The parameters when the fault is on and this request is drawn by its `probability` (1 when it has none). */
  hit(name: string): Record<string, number> | undefined {
    const params = this.active(name);
    if (!params) return undefined;
    const probability = params.probability ?? 1;
    return probability >= 1 || this.random() < probability ? params : undefined;
  }

  /** Called with the new state after every change (e.g. to resize a pool); returns an unsubscribe function. */
  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private labels(): string[] {
    return this.mysteryMarker ? [this.mysteryMarker] : [...this.faults.keys()];
  }
}
