// Switching a catalogue scenario on at setup and off at teardown, one fault at a
// time through each service's admin API: PUT and DELETE /admin/faults/<name>, so
// faults switched on by hand stay as they are. The requests and their answers
// come from the client `npm run fault` uses too (libs/faults/src/client/fault-client.ts);
// this file sends them as lib/engine.js requests and checks every answer.
import {
  FaultApiError,
  switchOff as offEverywhere,
  switchOn as onEverywhere,
} from '../../libs/faults/src/client/fault-client.ts';
import { ADMIN_TOKEN, SERVICE_URLS, SWITCH_FAULT } from './config.js';

const apis = (services) => services.map((service) => ({ service, url: SERVICE_URLS[service], token: ADMIN_TOKEN }));

/**
 * Runs one of the client's flows as part of a lib/engine.js flow: each request
 * tagged `admin_faults` (the statuses it expects are not failed requests), each
 * answer checked. A mystery's refusal is said with what to do about it.
 */
function* admin(ctx, flow) {
  try {
    let step = flow.next();
    while (!step.done) {
      const request = step.value;
      const res = yield { ...request, tags: { endpoint: 'admin_faults' }, timeout: '10s' };
      ctx.check(res, {
        [`admin_faults: ${request.method} answered ${request.expect.join(' or ')}`]: (r) =>
          request.expect.includes(r.status),
      });
      step = flow.next({ status: res.status, body: res.body, error: res.error });
    }
    return step.value;
  } catch (error) {
    if (error instanceof FaultApiError && error.kind === 'mystery') {
      throw new Error(
        `a mystery scenario is on in ${error.service}: guess it or run "npm run fault -- off --all" first`,
      );
    }
    throw error;
  }
}

/**
 * Switches `entry` on in every service it acts in (setup). If a service
 * refuses (a mystery, a bad token) or is gone part-way, the client switches it
 * off again where it had switched it on before the error propagates: k6 runs
 * no teardown after a failed setup.
 * Returns what teardown needs: `{ scenario, services, params }`.
 */
export function* switchOn(ctx, entry, params = {}) {
  if (!SWITCH_FAULT) return { scenario: entry.name, services: entry.services, params, skipped: true };
  const on = yield* admin(ctx, onEverywhere(apis(entry.services), entry.name, params));
  return { scenario: entry.name, services: entry.services, params: on.params };
}

/** Switches `entry` off again (teardown) in every service, leaving any other fault as it is. */
export function* switchOff(ctx, entry) {
  if (!SWITCH_FAULT) return { scenario: entry.name, skipped: true };
  yield* admin(ctx, offEverywhere(apis(entry.services), entry.name));
  return { scenario: entry.name, off: true };
}
