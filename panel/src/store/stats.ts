/**
 * Rates for the stats view: packets/s, bytes/s and live sessions, one slot per second of event time
 * (so a capture opened from a file has its own stats), the last five minutes in fixed-size rings.
 */
import type { ProxyEvent } from '../../../shared/events.js';
import type { SessionView } from './model.js';

export const STATS_SECONDS = 300;

export interface StatsState {
  /** The epoch second each slot currently holds (slot = second % STATS_SECONDS). */
  readonly second: Float64Array;
  readonly packets: Float64Array;
  readonly bytes: Float64Array;
  /** Live sessions at the end of that second. */
  readonly live: Float64Array;
  /** Sessions whose handshake was seen and that have not closed. */
  liveNow: number;
  /** Second of the latest event, or -1. */
  lastSecond: number;
  /** Second of the first event, or -1: nothing was live before it. */
  firstSecond: number;
}

export function createStats(): StatsState {
  return {
    second: new Float64Array(STATS_SECONDS).fill(-1),
    packets: new Float64Array(STATS_SECONDS),
    bytes: new Float64Array(STATS_SECONDS),
    live: new Float64Array(STATS_SECONDS),
    liveNow: 0,
    lastSecond: -1,
    firstSecond: -1,
  };
}

function slotOf(stats: StatsState, second: number): number {
  const i = second % STATS_SECONDS;
  if (stats.second[i] !== second) {
    stats.second[i] = second;
    stats.packets[i] = 0;
    stats.bytes[i] = 0;
    stats.live[i] = stats.liveNow;
  }
  return i;
}

/** Call after the sessions reducer has seen `e` (the first close is read from the session). */
export function reduceStats(
  stats: StatsState,
  e: ProxyEvent,
  sessions: ReadonlyMap<string, SessionView>,
): void {
  const second = Math.floor(e.ts / 1000);
  if (second < stats.lastSecond - STATS_SECONDS) return; // older than the window
  const i = slotOf(stats, second);
  stats.lastSecond = Math.max(stats.lastSecond, second);
  if (stats.firstSecond < 0 || second < stats.firstSecond) stats.firstSecond = second;
  if (e.type === 'packet') {
    stats.packets[i] = (stats.packets[i] ?? 0) + 1;
    stats.bytes[i] = (stats.bytes[i] ?? 0) + e.size;
  } else if (e.type === 'session') {
    stats.liveNow++;
  } else if (e.type === 'close') {
    const s = sessions.get(e.sessionId);
    if (s?.sessionEvent && s.close?.seq === e.seq) stats.liveNow = Math.max(0, stats.liveNow - 1);
  }
  stats.live[i] = stats.liveNow;
}

export interface StatsSeries {
  /** Epoch second of the last point. */
  end: number;
  packets: number[];
  bytes: number[];
  live: number[];
}

/** The last STATS_SECONDS seconds up to `end` (default: the latest event), gaps filled. */
export function statsSeries(stats: StatsState, end = stats.lastSecond): StatsSeries {
  const out: StatsSeries = { end, packets: [], bytes: [], live: [] };
  const slot = (s: number) => ((s % STATS_SECONDS) + STATS_SECONDS) % STATS_SECONDS;
  const held = (s: number) => s >= 0 && stats.second[slot(s)] === s;
  const start = end - STATS_SECONDS + 1;
  // A quiet second has the live count of the last second that had events (before the window
  // starts: the first one inside it, the best guess there is; none at all: the count now).
  let live = stats.liveNow;
  for (let s = start; s <= end; s++) {
    if (held(s)) {
      live = stats.live[slot(s)] ?? live;
      break;
    }
  }
  for (let s = start; s <= end; s++) {
    const i = slot(s);
    const has = held(s);
    if (has) live = stats.live[i] ?? live;
    out.packets.push(has ? (stats.packets[i] ?? 0) : 0);
    out.bytes.push(has ? (stats.bytes[i] ?? 0) : 0);
    out.live.push(stats.firstSecond < 0 || s < stats.firstSecond ? 0 : live);
  }
  return out;
}
