/**
 * How many sessions the open-file limit lets this process hold. Each relayed session holds two
 * descriptors (the client's connection and the target's), and the 10,001st session of a proxy
 * with 20,000 fails with `connect EMFILE` towards the target while clients retry: better said at
 * start. Node has no setrlimit, but Node itself raises the soft limit to the hard one when it
 * starts (src/node.cc, PlatformInit), so what /proc/self/limits shows is already the most this
 * process can have; raising the hard limit is the system's business (`ulimit -Hn`, systemd's
 * LimitNOFILE, Docker's --ulimit nofile=).
 */
import { readFileSync } from 'node:fs';

/** Descriptors a process needs besides its sessions: listening sockets, the dashboard, files, stdio. */
export const RESERVED_DESCRIPTORS = 64;
/** Below this many sessions the start says so as a warning, not as a fact. */
const LOW_CAP = 1000;

export interface OpenFileLimit {
  soft: number;
  /** `Infinity` for unlimited. */
  hard: number;
}

/** The `Max open files` line of /proc/self/limits (Linux); undefined elsewhere. */
export function readOpenFileLimit(limitsText?: string): OpenFileLimit | undefined {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return undefined;
    }
  }
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(text);
  if (!m) return undefined;
  const num = (v: string) => (v === 'unlimited' ? Infinity : Number(v));
  const soft = num(m[1]!);
  const hard = num(m[2]!);
  return Number.isNaN(soft) || Number.isNaN(hard) ? undefined : { soft, hard };
}

/** Concurrent sessions `limit` leaves room for, two descriptors each. */
export function sessionCap(limit: OpenFileLimit): number {
  return Math.max(0, Math.floor((limit.soft - RESERVED_DESCRIPTORS) / 2));
}

/** One line for the start: the limit, and the sessions it caps. Undefined when nothing is known. */
export function describeOpenFileLimit(
  limit: OpenFileLimit | undefined,
): { line: string; low: boolean } | undefined {
  if (!limit || limit.soft === Infinity) return undefined;
  const cap = sessionCap(limit);
  const count = cap.toLocaleString('en-US');
  const raise =
    limit.soft < limit.hard
      ? ` (soft limit ${limit.soft} of a hard ${limit.hard === Infinity ? 'unlimited' : limit.hard}: Node could not raise it)`
      : '';
  return {
    line: `open files ${limit.soft}${raise}: at most ~${count} concurrent sessions (two descriptors each); raise the hard limit (ulimit -Hn, systemd LimitNOFILE, docker --ulimit nofile=) for more`,
    low: cap < LOW_CAP,
  };
}
