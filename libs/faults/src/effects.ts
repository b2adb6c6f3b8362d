/** What some faults do to the process, kept apart so they can be tested and reused. */

/** Burns CPU synchronously for `ms` milliseconds: the event loop can do nothing else meanwhile. */
export function burnCpu(ms: number): number {
  const until = performance.now() + ms;
  let score = 0;
  while (performance.now() < until) {
    for (let i = 0; i < 1_000; i++) score = (score * 31 + i) % 1_000_003;
  }
  return score;
}

const retained: Buffer[] = [];
let retainedTotal = 0;

/**
 * Keeps `kib` KiB reachable for good (a leak), up to `capMiB` in total so a
 * workshop laptop survives it. Returns the bytes retained so far.
 */
export function retainMemory(kib: number, capMiB: number): number {
  const bytes = Math.round(kib * 1024);
  // The "cache" is emptied when it is full and fills again: memory climbs and drops in a saw-tooth that stays
  // below the cap, so the container's limit is never reached and the fault survives for the whole hunt.
  if (retainedTotal + bytes > capMiB * 1024 * 1024) releaseRetainedMemory();
  // Filled, so the pages are really resident (an untouched allocation may not be).
  retained.push(Buffer.alloc(bytes, 1));
  retainedTotal += bytes;
  return retainedTotal;
}

/** Bytes retained by retainMemory() so far. */
export function retainedBytes(): number {
  return retainedTotal;
}

/** Lets the leaked memory go (when the fault is switched off). */
export function releaseRetainedMemory(): void {
  retained.length = 0;
  retainedTotal = 0;
}
