import type { ActiveFault } from './fault-settings.js';

/** A service's faults as stored: what is on, and the mystery marker (null outside mystery mode). */
export interface FaultSet {
  faults: ActiveFault[];
  marker: string | null;
}

/** A per-fault change the current state refuses (the admin API answers 409 or 404); nothing was changed. */
export class FaultChangeRefused extends Error {}

/** A mystery is on and the request is not the mystery's own (409). */
export class MysteryOnError extends FaultChangeRefused {}

/** The fault to switch off is not on (404). */
export class FaultNotOnError extends FaultChangeRefused {}

/**
 * While a mystery is on, only a request that names its marker may change one
 * fault (the trainer's own tool); a marker that does not match is refused too,
 * so a request cannot start a mystery by the side door. The message names no
 * fault: it must not tell where the mystery acts.
 */
function requireSameMystery(set: FaultSet, marker: string | undefined): void {
  if (set.marker && set.marker !== marker) {
    throw new MysteryOnError(
      `a mystery scenario (${set.marker}) is on: guess it, or switch every fault off (PUT /admin/faults with no faults) first`,
    );
  }
  if (!set.marker && marker) throw new MysteryOnError(`no mystery scenario is on, so "${marker}" names none`);
}

/** `fault` switched on, or its parameters replaced when it was on already (the other faults as they are). */
export function withFault(set: FaultSet, fault: ActiveFault, marker?: string): FaultSet {
  requireSameMystery(set, marker);
  const others = set.faults.filter((f) => f.name !== fault.name);
  return { faults: [...others, fault], marker: set.marker };
}

/** The fault named `name` switched off (the others as they are); refused when it is not on. */
export function withoutFault(set: FaultSet, name: string, service: string, marker?: string): FaultSet {
  requireSameMystery(set, marker);
  if (!set.faults.some((f) => f.name === name))
    throw new FaultNotOnError(`fault "${name}" is not on in the ${service} service`);
  return { faults: set.faults.filter((f) => f.name !== name), marker: set.marker };
}
