// `npm run fault -- <command>`: switches the workshop's bottleneck scenarios on
// and off in the running services, through each service's own admin API
// (GET/PUT /admin/faults, Authorization: Bearer $ADMIN_TOKEN).
//
//   list                              the scenarios, their parameters and what is on now
//   status [--hints]                  what is on in each service; in mystery mode only the marker,
//                                     unless --hints (the trainer's): which services it acts in
//   on <name> [--param value ...]     switch a scenario on (in every service it acts in)
//   off <name> | off --all            switch one, or everything, off
//   mystery [--seed N]                switch on a random scenario without naming it
//   guess <name>                      say whether the mystery scenario is <name>
//
// The services store what is switched (order, payment, notification in their database, the gateway
// under FAULTS_STATE_DIR): it stays on across restarts and reaches every replica of a service.
//
// Where the services are: GATEWAY_URL, ORDER_URL, PAYMENT_URL, NOTIFICATION_URL
// (default http://127.0.0.1:3000 … 3003, as in `npm run dev` and compose).
// The token: ADMIN_TOKEN (default: the workshop's, as in .env and `npm run dev`).
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';

/** The single catalogue the services, k6 scripts, tests and docs read (Node 24 loads the .ts directly). */
const { SCENARIOS, scenario } = await import('../libs/faults/src/catalogue.ts');

export const DEFAULT_ADMIN_TOKEN = 'workshop-admin-token';
const SERVICES = ['gateway', 'order', 'payment', 'notification'];
const DEFAULT_PORTS = { gateway: 3000, order: 3001, payment: 3002, notification: 3003 };

export class CliError extends Error {}

function settings(env) {
  const urls = Object.fromEntries(
    SERVICES.map((s) => [s, env[`${s.toUpperCase()}_URL`] ?? `http://127.0.0.1:${DEFAULT_PORTS[s]}`]),
  );
  // How the hints name this CLI: compose's one-shot `fault` service sets FAULT_CLI to its own command.
  return { urls, token: env.ADMIN_TOKEN || DEFAULT_ADMIN_TOKEN, cli: env.FAULT_CLI || 'npm run fault --' };
}

async function call(config, service, method, body, query = '') {
  const url = `${config.urls[service]}/admin/faults${query}`;
  let response;
  try {
    response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${config.token}`, 'content-type': 'application/json', accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(5_000),
    });
  } catch (error) {
    throw new CliError(`${service} is not reachable at ${config.urls[service]} (${error.cause?.code ?? error.message}); is it running?`);
  }
  const text = await response.text();
  const json = text ? JSON.parse(text) : {};
  if (response.status === 401 || response.status === 403) {
    throw new CliError(`${service} refused the admin token (${response.status}: ${json.message}); set ADMIN_TOKEN to the services' value`);
  }
  if (!response.ok) {
    const detail = Array.isArray(json.errors) ? json.errors.map((e) => e.message ?? e).join('; ') : json.message;
    throw new CliError(`${service}: ${detail ?? `HTTP ${response.status}`}`);
  }
  return json;
}

/** Every service's state, with names revealed (the CLI needs them to merge changes). */
async function states(config, services = SERVICES) {
  const entries = await Promise.all(services.map(async (s) => [s, await call(config, s, 'GET', undefined, '?reveal=true')]));
  return Object.fromEntries(entries);
}

function parseParams(args, entry) {
  const params = {};
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    if (!flag.startsWith('--')) throw new CliError(`unexpected "${flag}"; parameters are --name value`);
    const [key, inline] = flag.slice(2).split('=', 2);
    const value = inline ?? args[++i];
    if (!(key in entry.params)) {
      const known = Object.keys(entry.params).map((k) => `--${k}`).join(', ');
      throw new CliError(`${entry.name} has no parameter --${key}; it takes ${known || 'none'}`);
    }
    if (value === undefined || Number.isNaN(Number(value))) throw new CliError(`--${key} needs a number`);
    params[key] = Number(value);
  }
  return params;
}

function requireScenario(name) {
  const entry = name ? scenario(name) : undefined;
  if (!entry) throw new CliError(`${name ? `unknown scenario "${name}"` : 'name a scenario'}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  return entry;
}

const describeParams = (params) =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

async function setFaults(config, service, faults, marker) {
  return call(config, service, 'PUT', { faults: faults.map(({ name, params }) => ({ name, params })), ...(marker ? { marker } : {}) });
}

/** A small seeded PRNG (mulberry32), so `mystery --seed N` picks the same scenario for everyone. */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function main(argv, { env = process.env, out = (line) => process.stdout.write(`${line}\n`) } = {}) {
  const [command, ...args] = argv;
  const config = settings(env);

  switch (command) {
    case 'list': {
      for (const s of SCENARIOS) {
        const params = Object.entries(s.params)
          .map(([k, p]) => `--${k} ${p.default}${['ratio', 'count', 'status'].includes(p.unit) ? '' : ` ${p.unit}`}`)
          .join('  ');
        out(`${s.name.padEnd(18)} ${s.services.join('+').padEnd(14)} ${s.title}`);
        if (params) out(`${''.padEnd(18)} ${''.padEnd(14)} ${params}`);
      }
      return 0;
    }
    case 'status': {
      const hints = args[0] === '--hints';
      if (args.length > (hints ? 1 : 0)) throw new CliError(`status takes only --hints, not "${args.join(' ')}"`);
      const all = await states(config);
      const markers = [...new Set(Object.values(all).map((s) => s.marker).filter(Boolean))];
      // Every service carries the mystery's marker: without --hints, nothing here says where it acts.
      for (const marker of markers) out(`mystery ${marker} is on; answer with: ${config.cli} guess <scenario>`);
      for (const [service, state] of Object.entries(all)) {
        const on = state.active.map((f) => `${f.name} (${describeParams(f.params)})`).join(', ');
        if (!state.marker) out(`${service.padEnd(13)} ${on || 'no faults'}`);
        else if (hints) out(`${service.padEnd(13)} ${state.active.length > 0 ? `mystery ${state.marker} acts here` : 'marker only'}`);
      }
      return 0;
    }
    case 'on': {
      const entry = requireScenario(args[0]);
      const params = parseParams(args.slice(1), entry);
      const all = await states(config, entry.services);
      for (const service of entry.services) {
        if (all[service].marker) throw new CliError(`a mystery scenario is on; guess it or run "off --all" first`);
        const others = all[service].active.filter((f) => f.name !== entry.name);
        await setFaults(config, service, [...others, { name: entry.name, params }]);
      }
      const shown = (await states(config, entry.services))[entry.services[0]].active.find((f) => f.name === entry.name);
      out(`${entry.name} is on in ${entry.services.join(', ')}: ${describeParams(shown.params)}`);
      return 0;
    }
    case 'off': {
      if (args[0] === '--all') {
        for (const service of SERVICES) await setFaults(config, service, []);
        out('all faults are off');
        return 0;
      }
      const entry = requireScenario(args[0]);
      const all = await states(config, entry.services);
      if (entry.services.some((service) => all[service].marker)) {
        throw new CliError(`a mystery scenario is on; guess it or run "off --all" first`);
      }
      for (const service of entry.services) {
        await setFaults(config, service, all[service].active.filter((f) => f.name !== entry.name));
      }
      out(`${entry.name} is off`);
      return 0;
    }
    case 'mystery': {
      const seedAt = args.indexOf('--seed');
      const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : Date.now();
      if (!Number.isInteger(seed)) throw new CliError('--seed needs an integer');
      const pick = SCENARIOS[Math.floor(seeded(seed)() * SCENARIOS.length)];
      const marker = `mystery-${randomBytes(4).toString('hex')}`;
      // Every service carries the marker (logs, spans, workshop_fault_active), only the picked ones the fault.
      for (const service of SERVICES) {
        await setFaults(config, service, pick.services.includes(service) ? [{ name: pick.name, params: {} }] : [], marker);
      }
      out(`A mystery scenario is on. Logs, spans and metrics call it ${marker}.`);
      out(`Find the culprit with Kibana, Grafana and Jaeger, then: ${config.cli} guess <scenario>`);
      return 0;
    }
    case 'guess': {
      const entry = requireScenario(args[0]);
      const all = await states(config);
      if (!Object.values(all).some((s) => s.marker)) throw new CliError(`no mystery scenario is on; start one with: ${config.cli} mystery`);
      const answer = Object.values(all).find((s) => s.marker && s.active.length > 0)?.active[0]?.name;
      if (!answer) throw new CliError(`the mystery has no fault left on anywhere; end it with: ${config.cli} off --all`);
      if (answer !== entry.name) {
        out(`Not ${entry.name}. Look again: which service's spans grow, which metric moved, what do the logs say?`);
        return 1;
      }
      out(`Yes: it is ${entry.name} — ${entry.title}.`);
      out(`Fix: ${entry.fix}`);
      for (const service of SERVICES) await setFaults(config, service, []);
      out('The fault is off again.');
      return 0;
    }
    default:
      throw new CliError(
        `unknown command "${command ?? ''}"; use list, status [--hints], on <name> [--param value], off <name> | --all, mystery [--seed N], guess <name>`,
      );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`fault: ${error instanceof CliError ? error.message : error.stack}\n`);
      process.exit(error instanceof CliError ? 2 : 1);
    },
  );
}
