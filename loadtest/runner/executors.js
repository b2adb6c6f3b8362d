// The executors the scripts use, on Node's event loop: a VU is an async loop (constant-vus) or
// one of a pool (arrival rates), an iteration one call of the scenario's exec function. All VUs
// share one thread, which is plenty for HTTP load of a few hundred requests per second.
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Start offsets (ms) of an arrival-rate executor's iterations: the k-th starts when the integral of
 * the rate (per `timeUnit` ms, ramping linearly from `startRate` through each stage's target) reaches k.
 */
export function* arrivalOffsets(startRate, stages, timeUnit = 1000) {
  let [from, base, elapsed, k] = [startRate, 0, 0, 0]; // base: iterations due before this stage
  for (const stage of stages) {
    const a = (stage.target - from) / (2 * stage.ms * timeUnit); // N(t) = a t² + b t
    const b = from / timeUnit;
    const inStage = a * stage.ms * stage.ms + b * stage.ms;
    for (; k < base + inStage - 1e-9; k++) {
      const c = k - base;
      yield elapsed + (Math.abs(a) < 1e-15 ? c / b : (-b + Math.sqrt(Math.max(0, b * b + 4 * a * c))) / (2 * a));
    }
    [base, elapsed, from] = [base + inStage, elapsed + stage.ms, stage.target];
  }
}

/**
 * Runs one scenario to its end. `iterate(vu)` runs one iteration and never rejects; `stopped()`
 * turns true when the test is aborted. Iterations still running at the end plus gracefulStop are
 * cut off by `hardStop()`; resolves once every started iteration has ended.
 */
export async function runScenario(s, { newVU, iterate, stopped, onDropped, hardStop }) {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const running = () => !stopped() && elapsed() < s.durationMs;
  const cutOff = setTimeout(hardStop, s.durationMs + s.gracefulStopMs);
  const inFlight = new Set();
  const track = (iteration) => {
    inFlight.add(iteration);
    return iteration.finally(() => inFlight.delete(iteration));
  };

  if (s.executor === 'constant-vus') {
    const loop = async (vu) => {
      while (running()) await track(iterate(vu));
    };
    await Promise.all(Array.from({ length: s.vus }, () => loop(newVU())));
  } else {
    const idle = Array.from({ length: s.preAllocatedVUs }, newVU);
    let allocated = idle.length;
    for (const offset of arrivalOffsets(s.startRate, s.stages, s.timeUnitMs)) {
      if (offset > elapsed()) await sleep(offset - elapsed());
      if (!running()) break;
      const vu = idle.pop() ?? (allocated < s.maxVUs ? (allocated++, newVU()) : undefined);
      if (vu) track(iterate(vu)).then(() => idle.push(vu));
      else onDropped();
    }
  }
  while (inFlight.size > 0) await Promise.all([...inFlight]);
  clearTimeout(cutOff);
}
