/**
 * Everything the Stats tab draws beyond the rates, derived from the model's slices for the window
 * that ends with second `end`: one pass over that window's packet rows, the sessions and clients
 * read in place. Called at most once a second live (StatsView memoises it).
 */
import type { PanelModel } from '../../store/reduce.js';
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

export function deriveStats(model: PanelModel, end: number) {
  const to = (end + 1) * 1000;
  const packets = packetStats(
    model.packets.rows,
    statsWindow(to - WINDOW_MS, to, bucketWidth(WINDOW_MS, MAX_BARS)),
  );
  return {
    packets,
    /** Bytes per second, client → server then server → client, for a stacked chart. */
    bytes: [packets.bytes.c2s, packets.bytes.s2c],
    reconnects: reconnects(model.clients, statsWindow(to - WINDOW_MS, to, 60_000)),
    mix: sessionMix(model.sessions),
  };
}
