/**
 * What the sessions slice says for the stats: sessions by EIO version and transport, and reconnects
 * per time bucket by their cause. Read from the slice's maps in place.
 */
import type { TransportName } from '../../../../shared/events.js';
import type { ClientView, SessionView } from '../../store/model.js';
import { bucketOf, topLayers, type StatsWindow } from './layout.js';
import { OTHER } from './packet-stats.js';

export interface SessionMix {
  /** `EIO 4 · websocket`; `EIO ? · polling` when the handshake was not seen. */
  key: string;
  eio: number | undefined;
  transport: TransportName;
  open: number;
  total: number;
}

/** Sessions seen, grouped by EIO version and their transport now (the upgraded one once upgraded). */
export function sessionMix(sessions: ReadonlyMap<string, SessionView>): SessionMix[] {
  const groups = new Map<string, SessionMix>();
  for (const s of sessions.values()) {
    const key = `EIO ${s.eio ?? '?'} · ${s.transport}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, eio: s.eio, transport: s.transport, open: 0, total: 0 }));
    g.total++;
    if (s.endedAt === undefined) g.open++;
  }
  return [...groups.values()].sort((a, b) => b.total - a.total || (a.key < b.key ? -1 : 1));
}

export interface Reconnects {
  /** Causes by count, the top N then OTHER. */
  causes: string[];
  /** Per cause, reconnect attempts in each bucket. */
  perBucket: number[][];
  /** Per cause: attempts that connected and that failed, in the window. */
  outcomes: Map<string, { connected: number; failed: number }>;
  total: number;
}

/** Reconnect attempts (attempt ≥ 1: not a client's first connection) in the window, by cause. */
export function reconnects(
  clients: ReadonlyMap<string, ClientView>,
  win: StatsWindow,
  topCauses = 5,
): Reconnects {
  const perCause = new Map<string, number[]>();
  const counts = new Map<string, number>();
  const outcomes = new Map<string, { connected: number; failed: number }>();
  let total = 0;
  for (const client of clients.values()) {
    for (const a of client.attempts) {
      if (a.attempt < 1) continue;
      const b = bucketOf(a.ts, win.start, win.bucketMs, win.count);
      if (b < 0 || a.ts < win.from || a.ts >= win.to) continue;
      const cause = a.cause ?? 'unknown';
      let series = perCause.get(cause);
      if (!series) perCause.set(cause, (series = new Array<number>(win.count).fill(0)));
      series[b] = (series[b] ?? 0) + 1;
      counts.set(cause, (counts.get(cause) ?? 0) + 1);
      let o = outcomes.get(cause);
      if (!o) outcomes.set(cause, (o = { connected: 0, failed: 0 }));
      o[a.outcome]++;
      total++;
    }
  }
  const { keys: causes, layers: perBucket } = topLayers(perCause, counts, topCauses, OTHER);
  return { causes, perBucket, outcomes, total };
}
