#!/usr/bin/env node
/**
 * Where the CPU of a bench run went, per order, from profiles of the services
 * taken during the measured window only, and the difference between two modes.
 *
 * CPU time (the way to decide): `perf record` on the cpu-clock event, started by the bench itself.
 *   node bench/overhead/run.mjs --rounds 1 --boot-samples 0 --json /tmp/run.json --perf /tmp/perf
 *   node bench/overhead/profile.mjs --json /tmp/run.json --mode full --base off [--by owner|package|frame|inclusive] [--top 25] [--filter regex]
 *
 * V8 profiles (to open in Chrome DevTools too; wall clock, so on a busy machine a frame that makes a
 * syscall is charged for the time other processes ran):
 *   node bench/overhead/run.mjs … --variant 'full-prof:NODE_OPTIONS=--cpu-prof --cpu-prof-dir=/tmp/prof' \
 *     --variant 'off-prof@off:NODE_OPTIONS=--cpu-prof --cpu-prof-dir=/tmp/prof'
 *   node bench/overhead/profile.mjs --json /tmp/run.json --cpu-prof /tmp/prof --mode full-prof --base off-prof
 *
 * Keys: `frame` is self time by function; `package` self time by npm package (native work such as
 * JSON.stringify or a write syscall counts as native); `owner` charges every sample to the package of
 * the innermost JavaScript frame on its stack, so a syscall counts for the code that made it;
 * `inclusive` counts a sample once for every function on its stack.
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { PERF_FREQUENCY } from './perf.mjs';
import { ROOT, SERVICES } from './services.mjs';

/** A short, stable name for a script: `pino/lib/proto.js`, `node:internal/streams/writable`, `libs/observability/…`. */
export function shortUrl(url) {
  if (!url) return '';
  const path = url.replace(/^file:\/\//, '');
  const inModules = path.lastIndexOf('/node_modules/');
  if (inModules >= 0) return path.slice(inModules + '/node_modules/'.length);
  // The kit's own build, from this checkout or another one (a BENCH_ROOT mode).
  const kit = /\/dist\/((?:libs|apps|scripts)\/.*)$/.exec(path);
  if (kit) return kit[1];
  if (path.startsWith(`${ROOT}/`)) return path.slice(ROOT.length + 1);
  return path;
}

/** The npm package (or Node's core, or the kit's own code) a script belongs to. */
export function packageOfUrl(url) {
  const short = shortUrl(url);
  if (short.startsWith('node:')) return 'node: core';
  if (short.startsWith('libs/') || short.startsWith('apps/')) return `kit: ${short.split('/').slice(0, 2).join('/')}`;
  const parts = short.split('/');
  return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0] || '(script)';
}

/** One frame: its key, its package, and whether it is JavaScript. */
const jsFrame = (name, url, line) => ({
  key: `${name || '(anonymous)'} ${shortUrl(url)}:${line}`,
  pkg: packageOfUrl(url),
  js: true,
});
const nativeFrame = (name, pkg) => ({ key: name, pkg, js: false });

/** V8 .cpuprofile samples inside the window: { ms, frames (innermost first) }. */
function* v8Samples(profile, { startUs, endUs }) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const frameOf = new Map();
  const frame = (n) => {
    if (!frameOf.has(n.id)) {
      const { functionName, url, lineNumber } = n.callFrame;
      frameOf.set(
        n.id,
        url
          ? jsFrame(functionName, url, lineNumber + 1)
          : nativeFrame(functionName || '(native)', functionName.startsWith('(') ? functionName : '(native)'),
      );
    }
    return frameOf.get(n.id);
  };
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (t < startUs || t > endUs) continue;
    const leaf = nodes.get(profile.samples[i]);
    if (leaf.callFrame.functionName === '(idle)') continue;
    const frames = [];
    for (let id = leaf.id; id !== undefined && nodes.get(id).callFrame.functionName !== '(root)'; id = parent.get(id))
      frames.push(frame(nodes.get(id)));
    // The time up to the next sample belongs to this one.
    yield { ms: (profile.timeDeltas[i + 1] ?? 0) / 1000, frames };
  }
}

/** `JS:*name file:///…:line:col` (the perf map V8 writes) or a native symbol from its DSO. */
function perfFrame(symbol, dso) {
  // V8 marks the tier (`*` optimised, `~` interpreted, `+`/`^` baseline or Maglev) and sometimes `'`.
  const js = /^JS:[*~^+-]?'?(.*?) ?((?:file:\/\/|node:|\/)\S*?):(\d+):\d+$/.exec(symbol);
  if (js) return jsFrame(js[1], js[2], Number(js[3]));
  if (symbol.startsWith('JS:')) return jsFrame(symbol.slice(3), '', 0);
  if (dso.includes('kernel')) return nativeFrame(`${symbol} [kernel]`, '(kernel)');
  const short = symbol.replace(/\(.*$/, '').replace(/<.*>/g, '<…>');
  if (/\/node$/.test(dso)) return nativeFrame(short, '(node, V8)');
  if (/perf-\d+\.map/.test(dso)) return nativeFrame(short, '(JIT)');
  return nativeFrame(short, `(${dso.split('/').pop() || 'unknown'})`);
}

/** perf samples by pid: { ms, frames (innermost first) }, read with `perf script`. */
async function perfSamples(file) {
  const byPid = new Map();
  const child = spawn('perf', ['script', '-i', file, '-F', 'pid,ip,sym,dso'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let current;
  const flush = () => {
    if (current) {
      if (!byPid.has(current.pid)) byPid.set(current.pid, []);
      byPid.get(current.pid).push({ ms: 1000 / PERF_FREQUENCY, frames: current.frames });
    }
    current = undefined;
  };
  for await (const line of createInterface({ input: child.stdout })) {
    if (!line.trim()) flush();
    else if (/^\s*\d+\s*$/.test(line)) {
      flush();
      current = { pid: Number(line.trim()), frames: [] };
    } else if (current) {
      const frame = /^\s*[0-9a-f]+ (.*) \((.*)\)$/.exec(line);
      if (frame) current.frames.push(perfFrame(frame[1], frame[2]));
    }
  }
  flush();
  return byPid;
}

/** The keys one sample counts for, under each way of looking. */
function keysOf(frames, by) {
  if (frames.length === 0) return ['(no stack)'];
  if (by === 'frame') return [frames[0].key];
  if (by === 'package') return [frames[0].pkg];
  if (by === 'owner') return [(frames.find((f) => f.js) ?? frames[0]).pkg];
  return [...new Set(frames.map((f) => f.key))];
}

function addSamples(into, samples, by) {
  for (const { ms, frames } of samples) {
    into.busy += ms;
    for (const key of keysOf(frames, by)) into.byKey.set(key, (into.byKey.get(key) ?? 0) + ms);
  }
}

/** Per mode and service: ms per order in total and by key, summed over the mode's rounds. */
export async function collect(run, { cpuProfDir, by }) {
  const files = cpuProfDir ? readdirSync(cpuProfDir).filter((f) => f.endsWith('.cpuprofile')) : [];
  const modes = new Map();
  for (const r of run.results.filter((x) => !x.bootOnly && x.pids && x.window)) {
    if (!cpuProfDir && !r.perf) continue;
    const mode = modes.get(r.mode) ?? {
      orders: 0,
      services: Object.fromEntries(SERVICES.map((s) => [s, { busy: 0, byKey: new Map() }])),
    };
    modes.set(r.mode, mode);
    mode.orders += r.measured;
    const perf = cpuProfDir ? undefined : await perfSamples(r.perf);
    for (const s of SERVICES) {
      const pid = r.pids[s];
      if (perf) {
        addSamples(mode.services[s], perf.get(pid) ?? [], by);
        continue;
      }
      const file = files.find((f) => f.split('.')[3] === String(pid));
      if (!file) throw new Error(`no profile for ${s} (pid ${pid}) of ${r.mode} round ${r.round} in ${cpuProfDir}`);
      addSamples(mode.services[s], v8Samples(JSON.parse(readFileSync(join(cpuProfDir, file), 'utf8')), r.window), by);
    }
  }
  for (const mode of modes.values()) {
    for (const into of Object.values(mode.services)) {
      into.busy /= mode.orders;
      for (const [k, ms] of into.byKey) into.byKey.set(k, ms / mode.orders);
    }
  }
  return modes;
}

const f = (v) => (Math.abs(v) < 0.0005 ? '0' : v.toFixed(3));
const sum = (a) => a.reduce((x, y) => x + y, 0);

/** The markdown: totals per service, then the top keys by (mode − base) summed over the four services. */
export function report(modes, { mode: name, base: baseName, by, top, filter }) {
  const mode = modes.get(name);
  const base = baseName ? modes.get(baseName) : undefined;
  if (!mode || (baseName && !base)) throw new Error(`modes with profiles: ${[...modes.keys()].join(', ')}`);
  const busy = (m) => SERVICES.map((s) => m.services[s].busy);
  const out = [
    `Sampled CPU, ms per order (\`${name}\`: ${mode.orders} orders${base ? `; \`${baseName}\`: ${base.orders}` : ''}):`,
    '',
  ];
  out.push(`| | four services | ${SERVICES.join(' | ')} |`, `|---|---:|${SERVICES.map(() => '---:').join('|')}|`);
  out.push(`| \`${name}\` | ${f(sum(busy(mode)))} | ${busy(mode).map(f).join(' | ')} |`);
  if (base) {
    const diff = busy(mode).map((v, i) => v - busy(base)[i]);
    out.push(
      `| \`${baseName}\` | ${f(sum(busy(base)))} | ${busy(base).map(f).join(' | ')} |`,
      `| difference | ${f(sum(diff))} | ${diff.map(f).join(' | ')} |`,
    );
  }
  const of = (m, s, k) => m?.services[s].byKey.get(k) ?? 0;
  const keys = new Set(
    SERVICES.flatMap((s) => [...mode.services[s].byKey.keys(), ...(base ? base.services[s].byKey.keys() : [])]),
  );
  const rows = [...keys]
    .filter((k) => !filter || filter.test(k))
    .map((k) => {
      const perService = SERVICES.map((s) => of(mode, s, k) - of(base, s, k));
      return { k, perService, total: sum(perService) };
    });
  rows.sort((a, b) => b.total - a.total);
  const what = {
    frame: 'Function (self)',
    package: 'Package (self)',
    owner: 'Package of the innermost JS frame',
    inclusive: 'Function (inclusive)',
  }[by];
  out.push(
    '',
    `| ${what} | ms/order${base ? ' more' : ''}, four services | ${SERVICES.join(' | ')} |`,
    `|---|---:|${SERVICES.map(() => '---:').join('|')}|`,
  );
  for (const r of rows.slice(0, top))
    out.push(`| \`${r.k.replace(/\|/g, '\\|')}\` | ${f(r.total)} | ${r.perService.map(f).join(' | ')} |`);
  return out.join('\n');
}

async function main() {
  const { values: args } = parseArgs({
    options: {
      json: { type: 'string' },
      'cpu-prof': { type: 'string' },
      mode: { type: 'string' },
      base: { type: 'string' },
      by: { type: 'string', default: 'owner' },
      top: { type: 'string', default: '25' },
      filter: { type: 'string' },
    },
  });
  if (!args.json || !args.mode || !['frame', 'package', 'owner', 'inclusive'].includes(args.by)) {
    throw new Error(
      'usage: profile.mjs --json run.json --mode full [--base off] [--cpu-prof dir] [--by owner|package|frame|inclusive] [--top 25] [--filter regex]',
    );
  }
  const run = JSON.parse(readFileSync(args.json, 'utf8'));
  const modes = await collect(run, { cpuProfDir: args['cpu-prof'], by: args.by });
  const filter = args.filter ? new RegExp(args.filter) : undefined;
  process.stdout.write(
    `${report(modes, { mode: args.mode, base: args.base, by: args.by, top: Number(args.top), filter })}\n`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
