// `k6` under the Node engine: check() records into the run's `checks` rate, as k6 does.
import { recordCheck } from '../runtime.js';

/** Runs each named predicate on `value`; true when all pass. A throwing predicate counts as failed. */
export function check(value, sets, tags = {}) {
  let all = true;
  for (const [name, predicate] of Object.entries(sets)) {
    let ok = false;
    try {
      ok = Boolean(typeof predicate === 'function' ? predicate(value) : predicate);
    } catch {} // a throwing predicate: a failed check
    recordCheck(name, ok, tags);
    all &&= ok;
  }
  return all;
}

/** k6's sleep() blocks its VU; Node cannot block one VU without blocking them all. */
export function sleep() {
  throw new Error(
    'sleep() is not supported by the Node engine: await new Promise((r) => setTimeout(r, ms)) works under both',
  );
}

export default { check, sleep };
