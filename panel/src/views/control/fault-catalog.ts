/**
 * The faults a person can press, and what the app's own socket.io client and server report for
 * each: one table for the fault buttons' lines and the "reproduce a disconnect reason" menu, so the
 * two never disagree. The reasons are those the real socket.io@4 client and server give
 * (e2e/dashboard-control-faults.test.ts checks every one; docs/control-api.md has the mechanics).
 */
import type { FaultSpec } from '../../source/control-client.js';

export interface FaultEntry {
  kind: string;
  label: string;
  /** The client's `disconnect` reason, when the fault ends the connection. */
  client?: string;
  /** The server's `disconnect` reason, when the fault ends the connection. */
  server?: string;
  /** What else happens, in a few words (reconnect, stays on polling, slow). */
  note?: string;
  spec?: (nsp: string) => Partial<FaultSpec>;
}

export const FAULTS: readonly FaultEntry[] = [
  {
    kind: 'close-transport',
    label: 'Cut the transport',
    client: 'transport close',
    server: 'transport close',
    note: 'the client reconnects',
  },
  {
    kind: 'client-ping-timeout',
    label: 'Client ping timeout',
    client: 'ping timeout',
    server: 'transport close',
    note: 'the client reconnects',
  },
  {
    kind: 'server-ping-timeout',
    label: 'Server ping timeout',
    client: 'transport close',
    server: 'ping timeout',
    note: 'the client reconnects',
  },
  {
    kind: 'stall',
    label: 'Stall',
    client: 'ping timeout',
    server: 'ping timeout',
    note: 'nothing moves until both time out',
  },
  {
    kind: 'transport-error',
    label: 'Transport error',
    client: 'transport error',
    server: 'transport close',
    note: 'the client reconnects',
  },
  {
    kind: 'disconnect',
    label: 'Server-side disconnect',
    client: 'io server disconnect',
    server: 'client namespace disconnect',
    note: 'no reconnect',
    spec: (nsp) => ({ nsp }),
  },
  { kind: 'block-upgrade', label: 'Block the upgrade', note: 'a session still on polling stays on polling' },
  {
    kind: 'latency',
    label: 'Latency 500 ms ± 100',
    note: 'every message late, heartbeats too (a pingTimeout under twice the delay ends the session), order kept',
    spec: () => ({ ms: 500, jitterMs: 100 }),
  },
  {
    kind: 'bandwidth',
    label: 'Bandwidth 10 KB/s',
    note: 'messages paced to 10 KB/s; heartbeats wait behind large ones',
    spec: () => ({ bytesPerSecond: 10_000 }),
  },
];

/** The button's line: `client \`ping timeout\`, server \`transport close\`; the client reconnects`. */
export function reportsLine(f: FaultEntry): string {
  const sides = [f.client && `client \`${f.client}\``, f.server && `server \`${f.server}\``].filter(Boolean);
  return [sides.join(', '), f.note].filter(Boolean).join('; ');
}

export type Side = 'client' | 'server';

/** A disconnect reason from the Socket.IO docs, and the fault that makes that side report it. */
export interface ReasonEntry {
  side: Side;
  reason: string;
  /** The fault to press; undefined when none of the proxy's faults produces it. */
  fault?: FaultEntry;
  /** Why there is none, for a reason no fault produces. */
  unavailable?: string;
}

/** The reasons the issue lists, client first (socket.io's docs, "disconnect" event). */
const LISTED: readonly [Side, string][] = [
  ['client', 'io server disconnect'],
  ['client', 'ping timeout'],
  ['client', 'transport close'],
  ['client', 'transport error'],
  ['server', 'client namespace disconnect'],
  ['server', 'ping timeout'],
  ['server', 'transport close'],
  ['server', 'transport error'],
];

/** Reasons no fault produces yet, and why. */
const NOT_PRODUCED: Readonly<Record<string, string>> = {
  'server:transport error':
    'the server says this when the client’s own transport fails (an invalid frame, a poll left pending): no fault of the proxy produces it yet',
};

/**
 * Each listed reason with the fault that produces it: the first in the table's order, which puts the
 * plainest cause first (a cut before a ping timeout, a one-sided timeout before a stall).
 */
export function reasonMenu(faults: readonly FaultEntry[] = FAULTS): ReasonEntry[] {
  return LISTED.map(([side, reason]) => {
    const fault = faults.find((f) => f[side] === reason);
    if (fault) return { side, reason, fault };
    return {
      side,
      reason,
      unavailable: NOT_PRODUCED[`${side}:${reason}`] ?? 'no fault of the proxy produces it',
    };
  });
}
