/**
 * What happened to a session besides its packets, as marks on its timeline bar: room joins and
 * leaves (admin-ui facts, inferred guesses), the proxy's interventions, and problems the analysis
 * raised. Pure functions of the model's slices (rooms' history, sessions' lifecycles, the problem
 * log), computed when those slices change, never per frame; drawing is draw.ts's.
 */
import type { Problem, SessionView } from '../../store/model.js';
import type { PacketRow, PacketStore } from '../../store/packet-store.js';
import type { RoomChange } from '../../store/room-history.js';
import { tOf, type Viewport } from './viewport.js';

export type MarkKind = 'join' | 'leave' | 'intervention' | 'problem';

export interface LaneMark {
  ts: number;
  kind: MarkKind;
  /** The event the mark stands for (the room change, the intervention, the problem's first). */
  seq: number;
  /** Drawn as a guess: a room membership inferred from broadcasts. */
  guess: boolean;
  /** The hover text: what happened, naming the room, the action or the problem. */
  title: string;
  /** Problems: the worst is drawn in the error colour. */
  severity?: Problem['severity'];
  /** Rooms: the room's name, for a click to show. */
  room?: string;
  /** Interventions: what the proxy did (`injected`, `edited`, ...). */
  action?: string;
}

/** The proxy's actions drawn on the bars: what changed traffic (forwards as-is and rule hits do not). */
export const DRAWN_INTERVENTIONS: ReadonlySet<string> = new Set([
  'paused',
  'edited',
  'dropped',
  'delayed',
  'injected',
  'fault-started',
  'fault-ended',
  'timeout',
]);

export interface MarkOptions {
  hideGuesses: boolean;
  /** Every socket's own room (joined at connect) is noise on the bars unless the user shows them. */
  showOwnRooms: boolean;
}

/** The marks of each session, by sid, each list in time order. */
export function sessionMarks(
  sessions: ReadonlyMap<string, SessionView>,
  roomChanges: readonly RoomChange[],
  problems: readonly Problem[],
  opts: MarkOptions,
): Map<string, LaneMark[]> {
  const marks = new Map<string, LaneMark[]>();
  const add = (sid: string | undefined, m: LaneMark) => {
    if (sid === undefined || !sessions.has(sid)) return;
    let list = marks.get(sid);
    if (!list) marks.set(sid, (list = []));
    list.push(m);
  };
  // admin-ui names sockets; the bars are Engine.IO sessions: a socket's session is the one whose
  // namespace answered with that socket id.
  const sessionOfSocket = new Map<string, string>();
  for (const s of sessions.values())
    for (const n of Object.values(s.namespaces))
      if (n.socketId !== undefined) sessionOfSocket.set(`${n.nsp}\u0000${n.socketId}`, s.sid);
  for (const c of roomChanges) {
    if (c.own && !opts.showOwnRooms) continue;
    const guess = c.source === 'inferred';
    if (guess && opts.hideGuesses) continue;
    const sid = c.memberKind === 'session' ? c.member : sessionOfSocket.get(`${c.nsp}\u0000${c.member}`);
    add(sid, {
      ts: c.ts,
      kind: c.action,
      seq: c.seq,
      guess,
      room: c.room,
      title: `${c.action === 'join' ? 'joined' : 'left'} room "${c.room}"${c.nsp === '/' ? '' : ` (${c.nsp})`} — ${guess ? 'inferred from broadcasts (a guess)' : c.source}`,
    });
  }
  for (const s of sessions.values())
    for (const item of s.timeline) {
      if (item.kind !== 'intervention' || !DRAWN_INTERVENTIONS.has(item.action)) continue;
      add(s.sid, {
        ts: item.ts,
        kind: 'intervention',
        seq: item.seq,
        action: item.action,
        guess: false,
        title: `proxy ${item.action}${item.count > 1 ? ` ×${item.count}` : ''}: ${item.detail}`,
      });
    }
  for (const p of problems)
    add(p.sessionId, {
      ts: p.ts,
      kind: 'problem',
      seq: p.seqs[0] ?? -1,
      guess: p.confidence === 'guess',
      severity: p.severity,
      title: `${p.severity}: ${p.title}${p.count > 1 ? ` ×${p.count}` : ''}`,
    });
  for (const list of marks.values()) list.sort((a, b) => a.ts - b.ts);
  return marks;
}

/** Room marks sit above the bar; the proxy's and the analysis's below it. */
export const isRoomMark = (m: LaneMark): boolean => m.kind === 'join' || m.kind === 'leave';

/**
 * The mark closest to `x` (plot px) within `slop` px among `marks` (one session's, in time order),
 * of the band the pointer is in (`top`: room marks, else the others).
 */
export function markAt(
  marks: readonly LaneMark[] | undefined,
  v: Viewport,
  x: number,
  top: boolean,
  slop = 4,
): LaneMark | undefined {
  if (!marks) return undefined;
  const t = tOf(v, x);
  const tolerance = slop * v.msPerPx;
  let best: LaneMark | undefined;
  let distance = Infinity;
  for (const m of marks) {
    if (isRoomMark(m) !== top) continue;
    const d = Math.abs(m.ts - t);
    if (d <= tolerance && d < distance) {
      best = m;
      distance = d;
    }
  }
  return best;
}

/**
 * The packet an intervention concerns, as far as the stream says: the session's packet nearest to
 * the intervention's event in seq order (an injected packet comes just before its note, a released
 * or edited one just after), one that `prefer` accepts (carries the `injected` or `edited` flag)
 * when there is one nearby. `scan` bounds the search each way in a busy capture.
 */
export function packetNear(
  store: Pick<PacketStore, 'rows' | 'indexOfSeq'>,
  seq: number,
  sid: string,
  prefer?: (row: PacketRow) => boolean,
  scan = 5000,
): PacketRow | undefined {
  const rows = store.rows;
  const from = store.indexOfSeq(seq);
  const nearest = (ok: (row: PacketRow) => boolean): PacketRow | undefined => {
    let after: PacketRow | undefined;
    let before: PacketRow | undefined;
    for (let i = from, n = 0; i < rows.length && n < scan && !after; i++, n++) {
      const row = rows.at(i);
      if (row?.e.sessionId === sid && ok(row)) after = row;
    }
    for (let i = Math.min(from, rows.length) - 1, n = 0; i >= 0 && n < scan && !before; i--, n++) {
      const row = rows.at(i);
      if (row?.e.sessionId === sid && ok(row)) before = row;
    }
    if (!after || !before) return after ?? before;
    return after.e.seq - seq <= seq - before.e.seq ? after : before;
  };
  return (prefer && nearest(prefer)) || nearest(() => true);
}
