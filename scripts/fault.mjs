// `npm run fault -- <command>`: switches the workshop's bottleneck scenarios on
// and off in the running services, through each service's own admin API
// (Authorization: Bearer $ADMIN_TOKEN): PUT and DELETE /admin/faults/<name> for one
// fault, GET /admin/faults to look, PUT /admin/faults for the whole set (a mystery,
// and `off --all`). The requests and their answers come from the client that the
// k6 scenario scripts use too: libs/faults/src/client/fault-client.ts.
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
/** The admin API's requests and answers, shared with loadtest/lib/faults.js. */
const { FaultApiError, getFaults, putFaults, switchOff, switchOn } =
  await import('../libs/faults/src/client/fault-client.ts');

export const DEFAULT_ADMIN_TOKEN = 'workshop-admin-token';
const SERVICES = ['gateway', 'order', 'payment', 'notification'];
const DEFAULT_PORTS = { gateway: 3000, order: 3001, payment: 3002, notification: 3003 };

export class CliError extends Error {}

function settings(env) {
  const apis = Object.fromEntries(
    SERVICES.map((s) => [
      s,
      {
        service: s,
        url: env[`${s.toUpperCase()}_URL`] ?? `http://127.0.0.1:${DEFAULT_PORTS[s]}`,
        token: env.ADMIN_TOKEN || DEFAULT_ADMIN_TOKEN,
      },
    ]),
  );
  // How the hints name this CLI: compose's one-shot `fault` service sets FAULT_CLI to its own command.
  return { apis, cli: env.FAULT_CLI || 'npm run fault --' };
}

/** Sends one request of the client with fetch; a request without an answer is status 0, as k6 reports it. */
async function send({ method, url, headers, body }) {
  try {
    const response = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(5_000) });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return { status: 0, body: '', error: error.cause?.code ?? error.message };
  }
}

const perform = async (call) => call.read(await send(call.request));

/** Runs a change of several services (a generator of requests, given each answer). */
async function drive(flow) {
  let step = flow.next();
  while (!step.done) step = flow.next(await send(step.value));
  return step.value;
}

/** Every service's state, with names revealed. */
async function states(config, services = SERVICES) {
  const entries = await Promise.all(services.map(async (s) => [s, await perform(getFaults(config.apis[s]))]));
  return Object.fromEntries(entries);
}

/** The whole set of one service: how a mystery starts and how everything is switched off. */
const setFaults = (config, service, faults, marker) => perform(putFaults(config.apis[service], faults, marker));

function parseParams(args, entry) {
  const params = {};
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    if (!flag.startsWith('--')) throw new CliError(`unexpected "${flag}"; parameters are --name value`);
    const [key, inline] = flag.slice(2).split('=', 2);
    const value = inline ?? args[++i];
    if (!(key in entry.params)) {
      const known = Object.keys(entry.params)
        .map((k) => `--${k}`)
        .join(', ');
      throw new CliError(`${entry.name} has no parameter --${key}; it takes ${known || 'none'}`);
    }
    if (value === undefined || Number.isNaN(Number(value))) throw new CliError(`--${key} needs a number`);
    params[key] = Number(value);
  }
  return params;
}

function requireScenario(name) {
  const entry = name ? scenario(name) : undefined;
  if (!entry)
    throw new CliError(
      `${name ? `unknown scenario "${name}"` : 'name a scenario'}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`,
    );
  return entry;
}

const describeParams = (params) =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

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

/** The scenario `mystery --seed N` switches on: the same for everyone with the same seed. */
export const mysteryPick = (seed) => SCENARIOS[Math.floor(seeded(seed)() * SCENARIOS.length)];

export async function main(argv, { env = process.env, out = (line) => process.stdout.write(`${line}\n`) } = {}) {
  const config = settings(env);
  try {
    return await run(argv, config, out);
  } catch (error) {
    if (!(error instanceof FaultApiError)) throw error;
    // The services' refusals, said as this CLI would have you act on them.
    if (error.kind === 'mystery')
      throw new CliError(`a mystery scenario is on; guess it or run "${config.cli} off --all" first`);
    throw new CliError(error.message);
  }
}

const USAGE =
  'use list, status [--hints], on <name> [--param value], off <name> | --all, mystery [--seed N], guess <name>';

/**
 * argv → the command and its checked arguments, before anything is sent: `{ command: 'list' }`,
 * `{ command: 'status', hints }`, `{ command: 'on', entry, params }`, `{ command: 'off', entry }` or
 * `{ command: 'off', all: true }`, `{ command: 'mystery', seed }` (undefined: a random one),
 * `{ command: 'guess', entry }`. Throws CliError for what the CLI refuses (the docs check uses it too).
 */
export function parseCommand(argv) {
  const [command, ...args] = argv;
  switch (command) {
    case 'list':
      return { command };
    case 'status': {
      const hints = args[0] === '--hints';
      if (args.length > (hints ? 1 : 0)) throw new CliError(`status takes only --hints, not "${args.join(' ')}"`);
      return { command, hints };
    }
    case 'on': {
      const entry = requireScenario(args[0]);
      return { command, entry, params: parseParams(args.slice(1), entry) };
    }
    case 'off':
      return args[0] === '--all' ? { command, all: true } : { command, entry: requireScenario(args[0]) };
    case 'mystery': {
      const seedAt = args.indexOf('--seed');
      if (seedAt < 0) return { command, seed: undefined };
      const seed = Number(args[seedAt + 1]);
      if (!Number.isInteger(seed)) throw new CliError('--seed needs an integer');
      return { command, seed };
    }
    case 'guess':
      return { command, entry: requireScenario(args[0]) };
    default:
      throw new CliError(`unknown command "${command ?? ''}"; ${USAGE}`);
  }
}

async function run(argv, config, out) {
  const parsed = parseCommand(argv);
  const { command } = parsed;
  const apis = (services) => services.map((s) => config.apis[s]);

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
      const { hints } = parsed;
      const all = await states(config);
      const markers = [
        ...new Set(
          Object.values(all)
            .map((s) => s.marker)
            .filter(Boolean),
        ),
      ];
      // Every service carries the mystery's marker: without --hints, nothing here says where it acts.
      for (const marker of markers) out(`mystery ${marker} is on; answer with: ${config.cli} guess <scenario>`);
      for (const [service, state] of Object.entries(all)) {
        const on = state.active.map((f) => `${f.name} (${describeParams(f.params)})`).join(', ');
        if (!state.marker) out(`${service.padEnd(13)} ${on || 'no faults'}`);
        else if (hints)
          out(`${service.padEnd(13)} ${state.active.length > 0 ? `mystery ${state.marker} acts here` : 'marker only'}`);
      }
      return 0;
    }
    case 'on': {
      const { entry, params } = parsed;
      const on = await drive(switchOn(apis(entry.services), entry.name, params));
      out(`${entry.name} is on in ${entry.services.join(', ')}: ${describeParams(on.params)}`);
      return 0;
    }
    case 'off': {
      if (parsed.all) {
        for (const service of SERVICES) await setFaults(config, service, []);
        out('all faults are off');
        return 0;
      }
      const { entry } = parsed;
      const { wasOn } = await drive(switchOff(apis(entry.services), entry.name));
      out(wasOn.length > 0 ? `${entry.name} is off` : `${entry.name} was not on`);
      return 0;
    }
    case 'mystery': {
      const seed = parsed.seed ?? Date.now();
      const pick = mysteryPick(seed);
      const marker = `mystery-${randomBytes(4).toString('hex')}`;
      // Every service carries the marker (logs, spans, workshop_fault_active), only the picked ones the fault.
      for (const service of SERVICES) {
        await setFaults(
          config,
          service,
          pick.services.includes(service) ? [{ name: pick.name, params: {} }] : [],
          marker,
        );
      }
      out(`A mystery scenario is on. Logs, spans and metrics call it ${marker}.`);
      out(`Find the culprit with Kibana, Grafana and Jaeger, then: ${config.cli} guess <scenario>`);
      return 0;
    }
    case 'guess': {
      const { entry } = parsed;
      const all = await states(config);
      if (!Object.values(all).some((s) => s.marker))
        throw new CliError(`no mystery scenario is on; start one with: ${config.cli} mystery`);
      const answer = Object.values(all).find((s) => s.marker && s.active.length > 0)?.active[0]?.name;
      if (!answer)
        throw new CliError(`the mystery has no fault left on anywhere; end it with: ${config.cli} off --all`);
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
