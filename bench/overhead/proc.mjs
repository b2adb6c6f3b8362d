/**
 * Cheap per-process readings from /proc (Linux only): resident memory and CPU
 * time. Nothing here touches the measured process beyond a file read.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Clock ticks per second for /proc/<pid>/stat times; 100 on every common Linux build. */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** VmRSS and VmHWM (peak RSS the kernel saw) in MiB; undefined once the process is gone. */
export function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMiB: kib('VmRSS') / 1024, hwmMiB: kib('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** Command name and user + system CPU time so far (ms) of one process; undefined once it is gone. */
function statOf(pid) {
  try {
    // The command name is in parentheses and may itself contain spaces or parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [utime, stime] = [Number(fields[11]), Number(fields[12])];
    // starttime tells a reused pid from the same process (kernel threads rename themselves, so comm cannot).
    return {
      comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
      started: fields[19],
      cpuMs: ((utime + stime) * 1000) / TICKS_PER_SECOND,
    };
  } catch {
    return undefined;
  }
}

export function cpuMsOf(pid) {
  return statOf(pid)?.cpuMs;
}

/** Every process on the machine: pid → { comm, started, cpuMs }. A few hundred small reads. */
export function processTable() {
  const table = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = statOf(entry);
    if (stat) table.set(Number(entry), stat);
  }
  return table;
}

/** CPU each process used between two tables (a process born in between counts in full). */
export function cpuBetween(start, end) {
  const used = [];
  for (const [pid, { comm, started, cpuMs }] of end) {
    const before = start.get(pid);
    const delta = before && before.started === started ? cpuMs - before.cpuMs : cpuMs;
    if (delta > 0) used.push({ pid, comm, cpuMs: delta });
  }
  return used;
}

/** Samples RSS of several processes every `everyMs`; `stop()` returns the peak seen per name. */
export function sampleMemory(pids, everyMs = 250) {
  const peak = Object.fromEntries(Object.keys(pids).map((name) => [name, 0]));
  const tick = () => {
    for (const [name, pid] of Object.entries(pids)) {
      const mem = memoryOf(pid);
      if (mem && mem.rssMiB > peak[name]) peak[name] = mem.rssMiB;
    }
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return {
    stop() {
      clearInterval(timer);
      tick();
      return peak;
    },
  };
}

export function loadAverage() {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  } catch {
    return [];
  }
}

/** Machine-wide CPU jiffies (busy, total) from /proc/stat; the share busy between two readings tells if the box was saturated. */
export function machineCpu() {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number);
    const busy = user + nice + system + irq + softirq + steal;
    return { busy, total: busy + idle + iowait };
  } catch {
    return undefined;
  }
}

const jiffiesToMs = (jiffies) => (jiffies * 1000) / TICKS_PER_SECOND;

/** Share of the machine busy over `ms`, e.g. with someone else's build running. */
export async function machineBusyOver(ms) {
  const start = machineCpu();
  await sleep(ms);
  const end = machineCpu();
  return start && end ? (end.busy - start.busy) / (end.total - start.total) : 0;
}

/** CPU ms the whole machine spent busy, and its capacity, between two machineCpu() readings. */
export function machineMsBetween(start, end) {
  return { busyMs: jiffiesToMs(end.busy - start.busy), capacityMs: jiffiesToMs(end.total - start.total) };
}
