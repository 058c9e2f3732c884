/**
 * How busy the whole machine's CPUs were over a window, from the first (`cpu`, all cores summed)
 * line of /proc/stat: what tells whether a messages/s window was bound by the CPU of the machine
 * (every core busy) rather than by one process or by waiting. Linux only; elsewhere NaN.
 */
import { readFileSync } from 'node:fs';

/** Cumulative CPU time of all cores, in the kernel's ticks (USER_HZ). */
export interface MachineCpuSample {
  /** Time spent running anything: user, nice, system, irq, softirq, steal. */
  busy: number;
  /** busy + idle + iowait. */
  total: number;
}

/**
 * Parses /proc/stat's `cpu  user nice system idle iowait irq softirq steal guest guest_nice` line.
 * guest and guest_nice are left out: the kernel already counts them in user and nice. Fields a
 * kernel does not report (older ones stop before steal) count as 0. Undefined without a `cpu` line.
 */
export function parseProcStat(text: string): MachineCpuSample | undefined {
  const line = text.split('\n').find((l) => /^cpu\s/.test(l));
  if (!line) return undefined;
  const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (fields.length < 4 || fields.some((n) => !Number.isFinite(n))) return undefined;
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

/** The share (0..1) of all cores' time that was busy between two samples; NaN without both. */
export function busyShare(before: MachineCpuSample | undefined, after: MachineCpuSample | undefined): number {
  if (!before || !after) return NaN;
  const total = after.total - before.total;
  return total > 0 ? (after.busy - before.busy) / total : NaN;
}

/** /proc/stat now, or undefined where it cannot be read (not Linux). */
export function readMachineCpu(): MachineCpuSample | undefined {
  try {
    return parseProcStat(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return undefined;
  }
}

/** Starts a meter of the machine's busy share; the returned function gives it since then (0..1, or NaN). */
export function machineBusyMeter(): () => number {
  const start = readMachineCpu();
  return () => busyShare(start, readMachineCpu());
}
