// What the benchmark reads about a process from /proc (Linux only; elsewhere every reader returns null).
import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let clockTicks;
function getClockTicksPerSecond() {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** User + system CPU time of every thread of the process so far, in microseconds. */
export function readCPUMicros(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the numeric fields start after its ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    return (ticks * 1_000_000) / getClockTicksPerSecond();
  } catch {
    return null;
  }
}

/** Resident set size now and its high-water mark (VmRSS, VmHWM), in bytes. */
export function readMemory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const read = (name) => {
      const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
      return match ? Number(match[1]) * 1024 : null;
    };
    return { rss: read('VmRSS'), peak: read('VmHWM') };
  } catch {
    return null;
  }
}

/**
 * Resets VmHWM to the current RSS ("5" > clear_refs, Linux >= 4.0), so that each cell reports its
 * own peak rather than the process's lifetime peak. Returns false when the kernel refuses.
 */
export function resetPeakRSS(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** CPU time spent by the whole machine (all cores, every process) so far, in microseconds. */
export function readMachineBusyMicros() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    const [, ...fields] = line.trim().split(/\s+/);
    const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
    return ((user + nice + system + irq + softirq + steal) * 1_000_000) / getClockTicksPerSecond();
  } catch {
    return null;
  }
}
