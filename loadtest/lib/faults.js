// Switching a catalogue scenario on and off through each service's admin API,
// as `npm run fault -- on|off <name>` does (scripts/fault.mjs): GET the
// current faults (?reveal=true), then PUT them back with this one added or
// removed, so faults switched on by hand stay on.
import { ADMIN_TOKEN, SERVICE_URLS, SWITCH_FAULT } from './config.js';

/** The catalogue entry (libs/faults/src/catalogue.ts) named `name`. */
export function findScenario(catalogue, name) {
  const entry = catalogue.find((s) => s.name === name);
  if (!entry) throw new Error(`scenario "${name}" is not in libs/faults/src/catalogue.ts`);
  return entry;
}

const headers = () => ({ Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json', Accept: 'application/json' });
const tags = { endpoint: 'admin_faults' };

function* state(ctx, service) {
  const res = yield { method: 'GET', url: `${SERVICE_URLS[service]}/admin/faults?reveal=true`, headers: headers(), tags, timeout: '10s' };
  ctx.check(res, { 'admin_faults: GET 200': (r) => r.status === 200 });
  if (res.status !== 200) {
    const hint = res.status === 401 || res.status === 403 ? ' (set ADMIN_TOKEN to the services’ token)' : res.status === 0 ? ` (${res.error}; is it running?)` : '';
    throw new Error(`${service} admin API at ${SERVICE_URLS[service]}: HTTP ${res.status}${hint}`);
  }
  return res.json();
}

function* put(ctx, service, faults, marker) {
  const body = { faults: faults.map(({ name, params }) => ({ name, params })), ...(marker ? { marker } : {}) };
  const res = yield { method: 'PUT', url: `${SERVICE_URLS[service]}/admin/faults`, body, headers: headers(), tags, timeout: '10s' };
  ctx.check(res, { 'admin_faults: PUT 200': (r) => r.status === 200 });
  if (res.status !== 200) throw new Error(`${service} refused the faults ${JSON.stringify(body)}: HTTP ${res.status} ${res.body}`);
  return res.json();
}

/**
 * Switches `entry` on in every service it acts in (setup). Reads every
 * service first, so a refusal (mystery mode, a bad token) leaves nothing half on;
 * and if switching it on fails part-way (a service refuses, or is gone), the
 * services already switched get their previous faults back before the error
 * propagates: k6 runs no teardown after a failed setup.
 * Returns what teardown needs: `{ scenario, services, params }`.
 */
export function* switchOn(ctx, entry, params = {}) {
  if (!SWITCH_FAULT) return { scenario: entry.name, services: entry.services, params, skipped: true };
  const before = {};
  for (const service of entry.services) {
    before[service] = yield* state(ctx, service);
    if (before[service].marker) throw new Error(`a mystery scenario is on in ${service}: guess it or run "npm run fault -- off --all" first`);
  }
  const switched = [];
  try {
    for (const service of entry.services) {
      const others = before[service].active.filter((f) => f.name !== entry.name);
      switched.push(service);
      yield* put(ctx, service, [...others, { name: entry.name, params }]);
    }
    const after = yield* state(ctx, entry.services[0]);
    const active = after.active.find((f) => f.name === entry.name);
    ctx.check(after, { [`admin_faults: ${entry.name} is on`]: () => !!active });
    return { scenario: entry.name, services: entry.services, params: active?.params ?? params };
  } catch (error) {
    yield* restore(ctx, switched, before);
    throw error;
  }
}

/** Puts back the faults each service had before (best effort: the original error is what the user must see). */
function* restore(ctx, services, before) {
  for (const service of services) {
    try {
      yield* put(ctx, service, before[service].active, before[service].marker);
    } catch (error) {
      console.error(`could not switch ${service} back to its previous faults: ${error?.message ?? error}`);
    }
  }
}

/** Switches `entry` off again (teardown), leaving any other fault as it is. */
export function* switchOff(ctx, entry) {
  if (!SWITCH_FAULT) return { scenario: entry.name, skipped: true };
  for (const service of entry.services) {
    const current = yield* state(ctx, service);
    yield* put(ctx, service, current.active.filter((f) => f.name !== entry.name), current.marker);
  }
  return { scenario: entry.name, off: true };
}
