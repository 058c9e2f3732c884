/**
 * When each session's packets crossed, for the timeline's density and heartbeat ticks: an index
 * over the packets slice (times by session, heartbeats apart), brought up to date from the rows added
 * since the last call, and rebuilt when the store was cleared. It holds times only, not packets:
 * the rows stay in the store. Rows the store evicted keep their time here (they did cross), until
 * the store is cleared. Times are appended in the stream's order, so each list stays sorted.
 */
import type { PacketStore } from '../../store/packet-store.js';
import { tOf, xOf, type Viewport } from './viewport.js';

export interface SessionTimes {
  packets: number[];
  heartbeats: number[];
}

export class PacketTimes {
  private readonly bySession = new Map<string, SessionTimes>();
  private generation = -1;
  private lastSeq = 0;

  /** Adds what the store got since the last call; returns whether anything changed. */
  update(store: PacketStore): boolean {
    if (store.generation !== this.generation) {
      this.bySession.clear();
      this.generation = store.generation;
      this.lastSeq = 0;
    }
    const rows = store.rows;
    let i = store.indexOfSeq(this.lastSeq + 1);
    if (i >= rows.length) return false;
    for (; i < rows.length; i++) {
      const row = rows.at(i);
      if (!row) continue;
      const sid = row.e.sessionId;
      let times = this.bySession.get(sid);
      if (!times) {
        times = { packets: [], heartbeats: [] };
        this.bySession.set(sid, times);
      }
      pushSorted(row.heartbeat ? times.heartbeats : times.packets, row.e.ts);
      this.lastSeq = row.e.seq;
    }
    return true;
  }

  of(sid: string): SessionTimes | undefined {
    return this.bySession.get(sid);
  }
}

/** Appends `t`, keeping the list sorted (a late timestamp is rare: it is inserted in place). */
function pushSorted(list: number[], t: number): void {
  const n = list.length;
  if (n === 0 || (list[n - 1] as number) <= t) {
    list.push(t);
    return;
  }
  list.splice(lowerBound(list, t), 0, t);
}

/** Index of the first time >= `t`. */
export function lowerBound(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Packets per column of `px` pixels over the plot's `x0`..`x1` (only the times in that range are
 * read): `counts[k]` is the column starting at `x0 + k * px`.
 */
export function density(times: readonly number[], v: Viewport, x0: number, x1: number, px = 2): Uint32Array {
  const columns = Math.max(0, Math.ceil((x1 - x0) / px));
  const counts = new Uint32Array(columns);
  if (columns === 0) return counts;
  const to = tOf(v, x1);
  for (let i = lowerBound(times, tOf(v, x0)); i < times.length; i++) {
    const t = times[i] as number;
    if (t >= to) break;
    const k = Math.floor((xOf(v, t) - x0) / px);
    if (k >= 0 && k < columns) counts[k] = (counts[k] as number) + 1;
  }
  return counts;
}
