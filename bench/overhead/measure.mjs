/**
 * One mode, one round: fresh databases, the OTLP receiver if telemetry is on,
 * boot the four services, warm up, load, read CPU and memory, stop, clean up.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { runLoad } from './load.mjs';
import { telemetryOn } from './modes.mjs';
import { cpuOutside, isDisturbed, waitForQuiet } from './disturbance.mjs';
import { cpuMsOf, machineCpu, memoryOf, processTable, sampleMemory } from './proc.mjs';
import { perfFile, startPerf, withPerfMap } from './perf.mjs';
import { SERVICES, ServiceSet } from './services.mjs';
import { percentile } from './stats.mjs';

/** The OTLP receiver as a child process (collector.mjs); resolves `url` once it listens. */
function startCollector() {
  const child = fork(new URL('./collector.mjs', import.meta.url), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const url = new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m.url));
    child.once('exit', (code) => reject(new Error(`the OTLP receiver exited with ${code}`)));
  });
  const stop = () =>
    new Promise((resolve) => {
      child.once('message', (m) => resolve(m.stats));
      child.send('stop');
    });
  return { child, url, stop };
}

/** "Dropped N spans because maxQueueSize reached", as the SDK logs it with OTEL_LOG_LEVEL=warn. */
function droppedSpans(set) {
  let dropped = 0;
  for (const name of SERVICES) {
    for (const m of readFileSync(set.logOf(name), 'utf8').matchAll(/Dropped (\d+) spans/g)) dropped += Number(m[1]);
  }
  return dropped;
}

const rssOf = (pids) => Object.fromEntries(SERVICES.map((s) => [s, memoryOf(pids[s])?.rssMiB]));

/** CPU of every watched process, of the bench itself and of the whole machine, at one instant. */
function cpuReading(watched) {
  return {
    processes: Object.fromEntries(Object.entries(watched).map(([name, pid]) => [name, cpuMsOf(pid)])),
    bench: process.cpuUsage(),
    machine: machineCpu(),
    table: processTable(),
    // Microseconds on the monotonic clock V8's --cpu-prof timestamps use: profile.mjs cuts a profile to the window with it.
    monotonicUs: Number(process.hrtime.bigint() / 1000n),
  };
}

/** Runs the load against a booted set; CPU is read (and perf records, with --perf) over the measured window only. */
async function loadAndWatch(set, collector, ctx, perfTarget) {
  const pids = set.pids();
  const watched = { ...pids, ...(collector ? { collector: collector.child.pid } : {}) };
  const memory = sampleMemory(pids);
  const edges = {};
  let perf;
  let perfStopped;
  const load = await runLoad({
    url: `${set.url('gateway')}/api/orders`,
    ...ctx.load,
    onMeasureStart: () => {
      edges.start = cpuReading(watched);
      if (perfTarget)
        perf = startPerf(
          perfTarget,
          SERVICES.map((s) => pids[s]),
        );
    },
    onMeasureEnd: () => {
      edges.end = cpuReading(watched);
      edges.rssEnd = rssOf(pids);
      perfStopped = perf?.stop();
    },
  });
  await perfStopped;
  const ours = [process.pid, ...Object.values(watched), ...(perf ? [perf.pid] : [])];
  return { load, edges, pids, rssPeak: memory.stop(), ours, perf: perf?.file };
}

function toResult({ mode, round, boot, rssIdle, load, edges, pids, perf, rssPeak, ours, crashed, spanStats, dropped }) {
  const measured = load.latencies.length;
  const { start, end } = edges;
  const cpu = (name) => (end.processes[name] - start.processes[name]) / measured;
  const bench = (end.bench.user + end.bench.system - start.bench.user - start.bench.system) / 1000;
  const failed = load.failed + crashed.length;
  const outside = cpuOutside(edges, ours);
  return {
    mode: mode.name,
    env: mode.env,
    round,
    boot,
    pids,
    perf,
    window: { startUs: start.monotonicUs, endUs: end.monotonicUs },
    rssIdle,
    rssPeak,
    rssEnd: edges.rssEnd,
    measured,
    throughput: measured / (load.windowMs / 1000),
    p50: percentile(load.latencies, 50),
    p90: percentile(load.latencies, 90),
    p99: percentile(load.latencies, 99),
    failed,
    warmupFailed: load.warmupFailed,
    failures: { ...load.failures, ...Object.fromEntries(crashed.map((s) => [`${s} exited during the load`, 1])) },
    cpuPerRequest: Object.fromEntries(SERVICES.map((s) => [s, cpu(s)])),
    benchCpuPerRequest: bench / measured,
    collectorCpuPerRequest: spanStats ? cpu('collector') : undefined,
    backingCpuPerRequest: outside.backingMs / measured,
    machineBusy: outside.busyShare,
    kernelShare: outside.kernelShare,
    otherShare: outside.otherShare,
    otherTop: outside.otherTop,
    spans: spanStats && {
      total: spanStats.spans,
      perRequest: spanStats.spans / load.sent,
      perRequestByService: Object.fromEntries(SERVICES.map((s) => [s, (spanStats.spansByService[s] ?? 0) / load.sent])),
    },
    droppedSpans: dropped,
    timeline: load.timeline,
  };
}

function progress(r) {
  const failed = r.failed + r.warmupFailed;
  const disturbed = isDisturbed(r) ? `, DISTURBED by ${r.otherTop.join(', ')}` : '';
  return (
    `${r.throughput.toFixed(1)} orders/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms` +
    `${r.spans ? `, ${r.spans.perRequest.toFixed(1)} spans/order` : ''}${failed ? `, ${failed} FAILED` : ''}${disturbed}\n`
  );
}

/** The set being measured, so an interrupt can still stop it and drop its databases. */
export let current;

/** Fresh databases, the receiver if telemetry is on, the four services booted; `work` runs, then all is torn down. */
async function withStack(mode, ctx, work) {
  await waitForQuiet(ctx.quietWaitMs);
  const set = new ServiceSet({ runId: `bench${Date.now().toString(36)}`, ...ctx.services });
  const collector = telemetryOn(mode.env) ? startCollector() : undefined;
  current = { set, collector };
  try {
    process.stderr.write('booting… ');
    const env = {
      ...(ctx.perfDir ? withPerfMap(mode.env) : mode.env),
      ...(collector ? { OTEL_EXPORTER_OTLP_ENDPOINT: await collector.url } : {}),
    };
    await set.prepare();
    const boot = await set.start(env);
    process.stderr.write(`${SERVICES.map((s) => `${s} ${boot[s].toFixed(0)} ms`).join(', ')}`);
    return await work({ set, collector, boot });
  } finally {
    await abandon(current);
  }
}

export async function runOnce(mode, round, ctx) {
  process.stderr.write(`[bench] round ${round} ${mode.name}: `);
  return withStack(mode, ctx, async ({ set, collector, boot }) => {
    const rssIdle = rssOf(set.pids());
    process.stderr.write('; load… ');
    const perfTarget = ctx.perfDir ? perfFile(ctx.perfDir, mode.name, round) : undefined;
    const { load, edges, pids, perf, rssPeak, ours } = await loadAndWatch(set, collector, ctx, perfTarget);
    const crashed = set.crashed();
    await set.stop();
    // The services flushed their last spans on SIGTERM; now the receiver can count them all.
    const spanStats = collector ? await collector.stop() : undefined;
    const dropped = collector ? droppedSpans(set) : undefined;
    const result = toResult({
      mode,
      round,
      boot,
      rssIdle,
      load,
      edges,
      pids,
      perf,
      rssPeak,
      ours,
      crashed,
      spanStats,
      dropped,
    });
    process.stderr.write(progress(result));
    return result;
  });
}

/** One more boot sample: boot times vary by a few hundred ms, more samples steady the median. */
export async function bootOnce(mode, ctx) {
  process.stderr.write(`[bench] boot only, ${mode.name}: `);
  return withStack(mode, ctx, async ({ boot }) => {
    process.stderr.write('\n');
    return { mode: mode.name, env: mode.env, boot, bootOnly: true };
  });
}

/** Stops whatever is still running of a run and drops its databases. */
export async function abandon(run) {
  if (!run) return;
  await run.set.stop();
  run.collector?.child.kill();
  await run.set
    .cleanUp()
    .catch((error) => process.stderr.write(`[bench] could not drop the run's databases: ${error.message}\n`));
  if (current === run) current = undefined;
}
