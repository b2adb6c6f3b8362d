/**
 * Cheap per-process readings from /proc (Linux only): resident memory and CPU
 * time. Nothing here touches the measured process beyond a file read.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

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

/** User + system CPU time the process has used so far, in ms; undefined once it is gone. */
export function cpuMsOf(pid) {
  try {
    // Fields after the command name, which may itself contain spaces or parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [utime, stime] = [Number(fields[11]), Number(fields[12])];
    return ((utime + stime) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
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
