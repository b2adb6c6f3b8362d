// `k6` under the Node engine: check() records into the run's `checks` rate, as k6 does.
import { recordCheck } from '../runtime.js';

/** Runs each named predicate on `value`; true when all pass. A throwing predicate counts as failed. */
export function check(value, sets, tags = {}) {
  let all = true;
  for (const [name, predicate] of Object.entries(sets)) {
    let ok;
    try {
      ok = typeof predicate === 'function' ? Boolean(predicate(value)) : Boolean(predicate);
    } catch {
      ok = false;
    }
    recordCheck(name, ok, tags);
    all &&= ok;
  }
  return all;
}

export function fail(message = '') {
  throw new Error(message);
}

/** k6's sleep() blocks its VU; Node can't block. Flows ask for think time with `yield { sleep: s }` instead. */
export function sleep() {
  throw new Error('sleep() blocks under k6 and cannot under Node: yield { sleep: seconds } from a flow run by lib/engine.js');
}

export function group(name, fn) {
  return fn();
}

export default { check, fail, sleep, group };
