/**
 * Rooms over time, per namespace: rooms as rows, members (sockets, or sessions for inferred rooms)
 * as columns, and in each cell the intervals the member spent in the room, from the rooms slice's
 * history of joins and leaves. Pure: the view (RoomsOverTime.tsx) draws the intervals.
 */
import type { RoomSource } from '../../../../shared/events.js';
import type { RoomChange } from '../../store/room-history.js';

export interface Interval {
  from: number;
  /** Undefined: still a member. */
  to: number | undefined;
}

export interface MatrixRow {
  key: string;
  room: string;
  source: RoomSource;
  own: boolean;
  /** By member id: its intervals, oldest first. */
  cells: Map<string, Interval[]>;
}

export interface Member {
  id: string;
  kind: 'socket' | 'session';
}

export interface RoomMatrix {
  nsp: string;
  rows: MatrixRow[];
  /** Columns, in the order they first joined a room. */
  members: Member[];
  /** The first change seen in this namespace. */
  from: number;
  /** The last change seen in this namespace. */
  to: number;
}

/** The matrices, one per namespace (sorted); a socket's own room and guesses only when asked for. */
export function roomMatrices(
  changes: readonly RoomChange[],
  opts: { withOwn: boolean; hideGuesses: boolean },
): RoomMatrix[] {
  const byNsp = new Map<string, RoomMatrix>();
  const seen = new Map<string, Set<string>>();
  const rows = new Map<string, MatrixRow>(); // by room key (which includes the namespace)
  for (const c of changes) {
    if (c.own && !opts.withOwn) continue;
    if (c.source === 'inferred' && opts.hideGuesses) continue;
    let m = byNsp.get(c.nsp);
    if (!m) {
      m = { nsp: c.nsp, rows: [], members: [], from: c.ts, to: c.ts };
      byNsp.set(c.nsp, m);
      seen.set(c.nsp, new Set());
    }
    m.to = Math.max(m.to, c.ts);
    m.from = Math.min(m.from, c.ts);
    const members = seen.get(c.nsp) as Set<string>;
    if (!members.has(c.member)) {
      members.add(c.member);
      m.members.push({ id: c.member, kind: c.memberKind });
    }
    let row = rows.get(c.key);
    if (!row) {
      row = { key: c.key, room: c.room, source: c.source, own: c.own, cells: new Map() };
      rows.set(c.key, row);
      m.rows.push(row);
    }
    const intervals = row.cells.get(c.member) ?? [];
    const last = intervals[intervals.length - 1];
    if (c.action === 'join') {
      if (!last || last.to !== undefined) intervals.push({ from: c.ts, to: undefined });
    } else if (last && last.to === undefined) last.to = c.ts;
    row.cells.set(c.member, intervals);
  }
  const out = [...byNsp.values()].sort((a, b) => a.nsp.localeCompare(b.nsp));
  for (const m of out)
    m.rows.sort((a, b) => a.room.localeCompare(b.room) || a.source.localeCompare(b.source));
  return out;
}

/** Whether `member` is in the row's room at the end of its intervals. */
export function isMember(row: MatrixRow, member: string): boolean {
  const list = row.cells.get(member);
  return list !== undefined && list.length > 0 && list[list.length - 1]?.to === undefined;
}

/** The edge of a stay a change drew: its room (key), member, and which end (join: from, leave: to). */
export const stayEdgeKey = (key: string, member: string, action: 'join' | 'leave', ts: number): string =>
  `${key}\u0000${member}\u0000${action}\u0000${ts}`;

/**
 * The stays' edges that changes after `since` (a seq) drew, over the newest `windowMs` of changes:
 * what arrived while the view was open, to move when it appears (older motions are over). Walks
 * back from the newest change only that far.
 */
export function freshEdges(changes: readonly RoomChange[], since: number, windowMs = 1000): Set<string> {
  const fresh = new Set<string>();
  const newest = changes[changes.length - 1]?.ts ?? 0;
  for (let i = changes.length - 1; i >= 0; i--) {
    const c = changes[i] as RoomChange;
    if (c.seq <= since || c.ts < newest - windowMs) break;
    fresh.add(stayEdgeKey(c.key, c.member, c.action, c.ts));
  }
  return fresh;
}
