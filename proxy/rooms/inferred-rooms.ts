/**
 * Rooms guessed from the wire. Rooms never appear in a packet, but a broadcast does leave a trace:
 * the server encodes the packet once and writes the same bytes to every socket of the room, so the
 * same server-to-client EVENT (same namespace, identical encoded text) reaching two or more sessions
 * at nearly the same moment was most likely sent to a room (or to the whole namespace).
 *
 * Each distinct member set is published once as a `room` event `{ action: 'group', source: 'inferred'
 * }` named `<inferred #N: event>`; it is published again (same name, fewer members) when one of its
 * sessions leaves the namespace or closes. It is a guess: two unicasts that happen to carry the same
 * text at the same moment look like a broadcast, and a member whose long-poll was not waiting misses
 * the window.
 *
 * The observer runs on the relay's hot path: a packet costs a few property checks and one map
 * lookup; memory is bounded (pending windows, remembered groups, the text kept per window); events
 * are published from a timer, never from inside the bus's own dispatch.
 */
import type { ProxyEvent, UnstampedEvent } from '../../shared/events.js';
import type { EventBus } from '../events/bus.js';
import { eventClock } from '../events/clock.js';

export interface InferredRoomsOptions {
  /** A window closes when no new session got the packet for this long (ms). */
  quietMs?: number;
  /** ... or when it has been open this long (ms), so a stream of identical packets is cut up. */
  maxSpanMs?: number;
  /** Windows open at once; the oldest is closed early beyond this. */
  maxPending?: number;
  /** Groups remembered (so that they are not published again); the least recently seen goes first. */
  maxGroups?: number;
}

const DEFAULTS: Required<InferredRoomsOptions> = {
  quietMs: 50,
  maxSpanMs: 1000,
  maxPending: 1000,
  maxGroups: 500,
};

/** Sessions remembered as closed, so that a late window never lists one of them. */
const MAX_DEAD = 10_000;

/** Longer texts are keyed by their length, head and tail, so that a window never holds a big payload. */
const KEY_WHOLE = 4096;
const KEY_PART = 1024;

/** One packet text on its way to several sessions. */
interface Window {
  key: string;
  nsp: string;
  event: string | undefined;
  first: number;
  last: number;
  members: Set<string>;
}

interface Group {
  id: number;
  nsp: string;
  room: string;
  /** Sorted session ids. */
  members: string[];
  setKey: string;
  /** How the broadcast was seen, and who left since: the evidence of its `room` events. */
  evidence: string[];
}

export class InferredRooms {
  private readonly opts: Required<InferredRoomsOptions>;
  /** Open windows by packet key, oldest first. */
  private readonly pending = new Map<string, Window>();
  /** Closed windows waiting for the next flush. */
  private readonly closedWindows: Window[] = [];
  /** Events waiting for the next flush (published outside the bus's dispatch). */
  private readonly outbox: UnstampedEvent[] = [];
  /** Remembered groups by namespace and member set, least recently seen first. */
  private readonly groups = new Map<string, Group>();
  private readonly bySession = new Map<string, Set<Group>>();
  /** Closed sessions, oldest first: never members again. */
  private readonly dead = new Set<string>();
  private readonly unsubscribe: () => void;
  private timer: NodeJS.Timeout | undefined;
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly bus: EventBus,
    opts: InferredRoomsOptions = {},
  ) {
    this.opts = { ...DEFAULTS, ...opts };
    this.unsubscribe = bus.subscribe((e) => this.observe(e));
  }

  /** Groups currently remembered (for tests and diagnostics). */
  get size(): number {
    return this.groups.size;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
    this.closedWindows.length = 0;
    this.outbox.length = 0;
    this.groups.clear();
    this.bySession.clear();
    this.dead.clear();
  }

  private observe(e: ProxyEvent): void {
    if (e.type === 'packet') {
      if (e.direction !== 's2c' || e.sio?.type !== 'EVENT' || e.data === undefined) return;
      this.packet(e.sessionId, e.sio.nsp, e.sio.event, e.data, e.ts);
    } else if (e.type === 'disconnect') {
      this.leave(e.sessionId, e.nsp);
    } else if (e.type === 'close') {
      this.died(e.sessionId);
    }
  }

  private packet(sessionId: string, nsp: string, event: string | undefined, data: string, ts: number): void {
    const key = packetKey(nsp, data);
    const open = this.pending.get(key);
    if (open) {
      // The same session getting the same text again is the next send, not this broadcast.
      const fresh =
        !open.members.has(sessionId) &&
        ts - open.last <= this.opts.quietMs &&
        ts - open.first <= this.opts.maxSpanMs;
      if (fresh) {
        open.members.add(sessionId);
        open.last = ts;
        return;
      }
      this.closeWindow(open);
    } else if (this.pending.size >= this.opts.maxPending) {
      const oldest = this.pending.values().next().value;
      if (oldest) this.closeWindow(oldest);
    }
    this.pending.set(key, { key, nsp, event, first: ts, last: ts, members: new Set([sessionId]) });
    this.schedule();
  }

  private closeWindow(w: Window): void {
    this.pending.delete(w.key);
    if (w.members.size >= 2) this.closedWindows.push(w);
    this.schedule();
  }

  /** A session closed: out of its groups and of the windows still open, for good. */
  private died(sessionId: string): void {
    if (this.dead.has(sessionId)) return;
    this.dead.add(sessionId);
    if (this.dead.size > MAX_DEAD) {
      const oldest = this.dead.values().next().value;
      if (oldest !== undefined) this.dead.delete(oldest);
    }
    for (const w of this.pending.values()) w.members.delete(sessionId);
    for (const w of this.closedWindows) w.members.delete(sessionId);
    this.leave(sessionId, undefined);
  }

  /** A session left `nsp` (or closed, when `nsp` is undefined): its groups shrink. */
  private leave(sessionId: string, nsp: string | undefined): void {
    const groups = this.bySession.get(sessionId);
    if (!groups) return;
    for (const g of [...groups]) {
      if (nsp !== undefined && g.nsp !== nsp) continue;
      groups.delete(g);
      this.groups.delete(g.setKey);
      g.members = g.members.filter((m) => m !== sessionId);
      g.setKey = setKey(g.nsp, g.members);
      g.evidence = [
        ...g.evidence.slice(0, 1),
        `session ${sessionId} ${nsp === undefined ? 'closed' : `left ${nsp}`}: no longer a member`,
      ];
      this.outbox.push(groupEvent(g));
      // Another group with the same members now says the same thing: keep that one.
      if (g.members.length === 0 || this.groups.has(g.setKey)) this.forget(g);
      else this.groups.set(g.setKey, g);
    }
    if (groups.size === 0) this.bySession.delete(sessionId);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => this.flush(), this.opts.quietMs);
    this.timer.unref();
  }

  private flush(): void {
    this.timer = undefined;
    const now = eventClock(); // the clock of the events' ts
    for (const w of this.pending.values()) {
      if (now - w.last > this.opts.quietMs || now - w.first > this.opts.maxSpanMs) this.closeWindow(w);
    }
    for (const w of this.closedWindows.splice(0)) this.seen(w);
    for (const e of this.outbox.splice(0)) this.bus.emit(e);
    if (this.pending.size > 0) this.schedule();
  }

  /** A closed window with 2+ sessions: a group, new or already known. */
  private seen(w: Window): void {
    // A session that closed while the window was open is not in it (see died()), nor one that
    // closed before a late packet of its own crossed.
    const members = [...w.members].filter((m) => !this.dead.has(m)).sort();
    if (members.length < 2) return;
    const key = setKey(w.nsp, members);
    const known = this.groups.get(key);
    if (known) {
      this.groups.delete(key); // most recently seen goes last
      this.groups.set(key, known);
      return;
    }
    const id = this.nextId++;
    const g: Group = {
      id,
      nsp: w.nsp,
      room: `<inferred #${id}: ${w.event ?? '?'}>`,
      members,
      setKey: key,
      evidence: [
        `${members.length} sessions got the same ${w.event === undefined ? 'EVENT' : `"${w.event}" EVENT`} text within ${Math.round(w.last - w.first)} ms: a broadcast to a room or the namespace, or unicasts that happen to match`,
      ],
    };
    this.groups.set(key, g);
    for (const m of members) {
      let set = this.bySession.get(m);
      if (!set) this.bySession.set(m, (set = new Set()));
      set.add(g);
    }
    while (this.groups.size > this.opts.maxGroups) {
      const oldest = this.groups.values().next().value;
      if (!oldest) break;
      this.forget(oldest);
    }
    this.outbox.push(groupEvent(g));
  }

  private forget(g: Group): void {
    if (this.groups.get(g.setKey) === g) this.groups.delete(g.setKey);
    for (const m of g.members) {
      const set = this.bySession.get(m);
      set?.delete(g);
      if (set?.size === 0) this.bySession.delete(m);
    }
  }
}

function groupEvent(g: Group): UnstampedEvent {
  return {
    type: 'room',
    action: 'group',
    source: 'inferred',
    nsp: g.nsp,
    room: g.room,
    members: [...g.members],
    // Rooms never cross the wire: an inferred one is a guess, always.
    confidence: 'guess',
    evidence: g.evidence,
  };
}

function packetKey(nsp: string, data: string): string {
  if (data.length <= KEY_WHOLE) return `${nsp}\n${data}`;
  return `${nsp}\n${data.length}\n${data.slice(0, KEY_PART)}\n${data.slice(-KEY_PART)}`;
}

function setKey(nsp: string, members: string[]): string {
  return `${nsp}\n${members.join('\n')}`;
}
