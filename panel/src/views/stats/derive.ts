/**
 * Everything the Stats tab draws beyond the rates, derived from the model's slices for its window
 * (statsRange: the Timeline's, or the last five minutes up to second `end`): one pass over that window's packet rows, the sessions and clients
 * read in place. Called at most once a second live (StatsView memoises it).
 */
import type { PanelModel } from '../../store/reduce.js';
import type { TimeWindow } from '../../store/ui-store.js';
import { STATS_SECONDS } from '../../store/stats.js';
import { bucketWidth, statsWindow } from './layout.js';
import { packetStats } from './packet-stats.js';
import { reconnects, sessionMix } from './session-stats.js';

export const WINDOW_MS = STATS_SECONDS * 1000;
/** Columns of the per-second charts. */
const MAX_BARS = 60;

/** The window's last second: live, the wall clock's last whole second; a file, its last event's. */
export function statsEnd(live: boolean, now: number, lastSecond: number): number {
  return live ? Math.floor(now / 1000) - 1 : lastSecond;
}

/**
 * The range Stats covers, ending with second `end`: the Timeline's window once the user moved it
 * (a live one keeps its length and ends with `end`), else the last WINDOW_MS.
 */
export function statsRange(end: number, window?: TimeWindow): { from: number; to: number } {
  const to = (end + 1) * 1000;
  if (!window) return { from: to - WINDOW_MS, to };
  if (window.live) return { from: to - Math.max(1, window.to - window.from), to };
  return { from: window.from, to: Math.max(window.to, window.from + 1) };
}

export function deriveStats(model: PanelModel, end: number, window?: TimeWindow) {
  const { from, to } = statsRange(end, window);
  const packets = packetStats(model.packets.rows, statsWindow(from, to, bucketWidth(to - from, MAX_BARS)));
  return {
    packets,
    /** Bytes per second, client → server then server → client, for a stacked chart. */
    bytes: [packets.bytes.c2s, packets.bytes.s2c],
    reconnects: reconnects(model.clients, statsWindow(from, to, 60_000)),
    mix: sessionMix(model.sessions),
  };
}
