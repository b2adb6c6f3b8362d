/**
 * This box has two cores and other people's builds and tests run on it: tell
 * the CPU the stack used from what others took, wait for quiet before a run,
 * and flag a run that was disturbed anyway.
 */
import { cpuBetween, machineBusyOver, machineMsBetween } from './proc.mjs';
import { sum } from './stats.mjs';

/** Processes of PostgreSQL and RabbitMQ: part of the system under load, not disturbance. */
const BACKING = /^(postgres|beam\.smp|epmd|erl_child_setup|inet_gethost)$/;
/** Kernel threads: softirq and workqueue time partly caused by the load itself (loopback networking). */
const KERNEL = /^(kworker|ksoftirqd|kdamond|rcu_|migration|kswapd|kcompactd|jbd2)/;
/** Other processes using more than this share of the machine make a run 'disturbed' (quiet runs measure 1–2.5 %: irq time, the sandbox agent). */
export const DISTURBED_SHARE = 0.04;

/** CPU in the window outside the services: PostgreSQL + RabbitMQ, kernel threads, and anybody else. */
export function cpuOutside(edges, ours) {
  const mine = new Set(ours);
  const all = cpuBetween(edges.start.table, edges.end.table);
  const used = all.filter((u) => !mine.has(u.pid));
  const { busyMs, capacityMs } = machineMsBetween(edges.start.machine, edges.end.machine);
  const others = used.filter((u) => !BACKING.test(u.comm) && !KERNEL.test(u.comm));
  const byComm = {};
  for (const u of others) byComm[u.comm] = (byComm[u.comm] ?? 0) + u.cpuMs;
  const oursMs = sum(all.filter((u) => mine.has(u.pid)).map((u) => u.cpuMs));
  const backingMs = sum(used.filter((u) => BACKING.test(u.comm)).map((u) => u.cpuMs));
  const kernelMs = sum(used.filter((u) => KERNEL.test(u.comm)).map((u) => u.cpuMs));
  // Processes that came and went inside the window (a test worker, a compiler) are in no table:
  // what the machine was busy with beyond us, the backing services and the kernel counts as theirs.
  const unaccountedMs = busyMs - oursMs - backingMs - kernelMs;
  return {
    backingMs,
    kernelShare: kernelMs / capacityMs,
    otherShare: Math.max(sum(others.map((u) => u.cpuMs)), unaccountedMs) / capacityMs,
    otherTop: Object.entries(byComm)
      .filter(([, ms]) => ms / capacityMs >= 0.005)
      .sort((a, b) => b[1] - a[1])
      .map(([comm, ms]) => `${comm} ${((100 * ms) / capacityMs).toFixed(1)} %`),
    busyShare: busyMs / capacityMs,
  };
}

/** Someone else's build on a 2-core box ruins a run: wait (up to 2 min, or `maxMs`) until the machine is quiet. */
export async function waitForQuiet(maxMs = 120_000) {
  for (let waited = 0; waited < maxMs; waited += 1_000) {
    const busy = await machineBusyOver(1_000);
    if (busy < 0.25) return;
    if (waited === 0)
      process.stderr.write(`machine ${(busy * 100).toFixed(0)} % busy before the run, waiting for it to calm down… `);
  }
  process.stderr.write('still busy, going on… ');
}

export const isDisturbed = (result) => result.otherShare > DISTURBED_SHARE;
