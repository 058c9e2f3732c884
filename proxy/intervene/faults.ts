/**
 * Faults on purpose (issue #11): each provokes a failure the way the real world does, so that the
 * real client and server report their real reasons. One-shot faults act at once; lasting ones hold
 * until removed or until `ms` has passed. Each start and end is an `intervention` event.
 */
import type { EventBus } from '../events/bus.js';
import type { SessionTable } from '../engine/session-table.js';
import type { InterceptedLink } from '../engine/link.js';
import type { PollingLink } from '../engine/polling-link.js';
import type { WebSocketLink } from '../engine/websocket-link.js';
import { InterventionError } from './errors.js';
import { encodePacket } from './packet-codec.js';
import { ms as millis } from './rules.js';

export const SESSION_FAULTS = [
  'close-transport',
  'client-ping-timeout',
  'server-ping-timeout',
  'stall',
  'transport-error',
  'disconnect',
  'block-upgrade',
  'latency',
  'bandwidth',
] as const;
export const TARGET_FAULTS = ['target-down', 'block-upgrade'] as const;

/** The Engine.IO close packet, the same text in EIO3 and EIO4. */
const CLOSE = '1';

/** What each fault makes the peers report, for the event's detail and the panel. */
const EFFECT: Record<string, string> = {
  'close-transport':
    'both sides report "transport close" (polling: each gets a close packet); the client reconnects by itself',
  'client-ping-timeout': 'the client hears no heartbeat and reports "ping timeout"',
  'server-ping-timeout': 'the server hears no heartbeat and reports "ping timeout"',
  stall: 'nothing flows either way and nothing is closed: both sides time out',
  'transport-error':
    'the client gets a frame it cannot parse (polling: a failed poll) and reports "transport error"',
  disconnect: 'the client reports "io server disconnect", the server "client namespace disconnect"',
  'block-upgrade': 'the upgrade to WebSocket fails: the session stays on polling',
  latency: 'every message of the session is late',
  bandwidth: 'the session is throttled',
  'target-down':
    'new handshakes fail and open sessions are cut: clients go through their reconnection attempts',
};

/** Lasting faults: they act while they are in the book. */
const LASTING = new Set([
  'client-ping-timeout',
  'server-ping-timeout',
  'stall',
  'block-upgrade',
  'latency',
  'bandwidth',
  'target-down',
]);

export interface FaultSpec {
  kind?: unknown;
  nsp?: unknown;
  ms?: unknown;
  jitterMs?: unknown;
  bytesPerSecond?: unknown;
}
export type TargetFaultSpec = Pick<FaultSpec, 'kind' | 'ms'>;

export interface Fault {
  id: string;
  kind: string;
  sessionId?: string;
  nsp?: string;
  ms?: number;
  jitterMs?: number;
  bytesPerSecond?: number;
  since: number;
}

interface Entry {
  fault: Fault;
  timer: NodeJS.Timeout | undefined;
  /** Undoes what starting it did (a stalled wire resumes). */
  undo?: () => void;
}

export interface FaultBookOptions {
  bus: EventBus;
  sessions: SessionTable;
  linkOf: (sid: string) => InterceptedLink | undefined;
  /** Terminates the session's link so that its packets pass the interceptor. */
  arm: (sid: string) => Promise<void>;
}

export class FaultBook {
  private readonly entries = new Map<string, Entry>();
  private next = 1;

  constructor(private readonly opts: FaultBookOptions) {}

  get targetDown(): boolean {
    for (const e of this.entries.values())
      if (!e.fault.sessionId && e.fault.kind === 'target-down') return true;
    return false;
  }

  upgradeBlocked(sid: string | undefined): boolean {
    for (const { fault } of this.entries.values())
      if (fault.kind === 'block-upgrade' && (!fault.sessionId || fault.sessionId === sid)) return true;
    return false;
  }

  kindsOf(sid: string | undefined): ReadonlySet<string> {
    const kinds = new Set<string>();
    if (sid === undefined) return kinds;
    for (const { fault } of this.entries.values()) if (fault.sessionId === sid) kinds.add(fault.kind);
    return kinds;
  }

  /** Milliseconds the session's latency and bandwidth faults add to a message of `size` bytes. */
  slowness(sid: string | undefined, size: number): number {
    let total = 0;
    for (const { fault } of this.entries.values()) {
      if (fault.sessionId !== sid) continue;
      if (fault.kind === 'latency') total += (fault.ms ?? 0) + Math.random() * (fault.jitterMs ?? 0);
      if (fault.kind === 'bandwidth' && fault.bytesPerSecond) total += (size * 1000) / fault.bytesPerSecond;
    }
    return total;
  }

  list(sid?: string): Fault[] {
    return [...this.entries.values()]
      .map((e) => ({ ...e.fault }))
      .filter((f) => (sid === undefined ? !f.sessionId : f.sessionId === sid));
  }

  async addSessionFault(sid: string, spec: FaultSpec): Promise<{ id: string }> {
    const session = this.opts.sessions.get(sid);
    if (!session) {
      if (this.opts.sessions.recentlyEnded(sid)) throw new InterventionError(409, `session ${sid} is closed`);
      throw new InterventionError(404, `no session ${sid}`);
    }
    const kind = oneOf(spec.kind, SESSION_FAULTS);
    const fault: Fault = { id: `f${this.next++}`, kind, sessionId: sid, since: Date.now() };
    if (spec.ms !== undefined) fault.ms = millis(spec.ms, 'ms');
    if (spec.jitterMs !== undefined) fault.jitterMs = millis(spec.jitterMs, 'jitterMs');
    if (kind === 'latency' && fault.ms === undefined)
      throw new InterventionError(400, 'ms: a latency fault needs ms');
    if (kind === 'bandwidth') {
      const bps = spec.bytesPerSecond;
      if (typeof bps !== 'number' || !(bps > 0))
        throw new InterventionError(400, 'bytesPerSecond: expected a positive number');
      fault.bytesPerSecond = bps;
    }
    if (kind === 'disconnect') {
      const nsp = spec.nsp ?? '/';
      if (typeof nsp !== 'string' || !nsp.startsWith('/'))
        throw new InterventionError(400, 'nsp: expected a namespace starting with /');
      fault.nsp = nsp;
    }
    const needsWire = kind !== 'block-upgrade';
    const link = this.opts.linkOf(sid);
    if (needsWire && (!link?.wire || link.transport !== session.transport))
      throw new InterventionError(
        501,
        `session ${sid} is on JSONP polling: "${kind}" is carried out on XHR polling and WebSocket sessions only`,
      );
    if (needsWire) await this.opts.arm(sid);
    this.start(fault, link);
    return { id: fault.id };
  }

  addTargetFault(spec: TargetFaultSpec): { id: string } {
    const kind = oneOf(spec.kind, TARGET_FAULTS);
    const fault: Fault = { id: `t${this.next++}`, kind, since: Date.now() };
    if (spec.ms !== undefined) fault.ms = millis(spec.ms, 'ms');
    this.start(fault, undefined);
    return { id: fault.id };
  }

  remove(id: string, sid?: string): void {
    const entry = this.entries.get(id);
    if (!entry || (sid !== undefined && entry.fault.sessionId !== sid))
      throw new InterventionError(404, `no fault ${id}`);
    this.end(entry, 'removed');
  }

  close(): void {
    for (const entry of [...this.entries.values()]) this.end(entry, 'the proxy closed');
  }

  private start(fault: Fault, link: InterceptedLink | undefined): void {
    const entry: Entry = { fault, timer: undefined };
    const lasting = LASTING.has(fault.kind);
    if (lasting) this.entries.set(fault.id, entry);
    this.say(
      fault,
      'fault-started',
      `${fault.kind} started${fault.nsp ? ` on ${fault.nsp}` : ''}: ${EFFECT[fault.kind]}`,
    );
    const wire = link?.wire;
    const ws = link?.transport === 'websocket' ? (link as WebSocketLink).wire : undefined;
    const polling = link?.transport === 'polling' ? (link as PollingLink).wire : undefined;
    switch (fault.kind) {
      case 'close-transport':
        ws?.destroy();
        // Over polling there is no connection to cut: each side gets the close packet a cut
        // transport gives it ("transport close" on both sides, as over WebSocket).
        for (const d of ['s2c', 'c2s'] as const) void polling?.inject(d, CLOSE);
        break;
      case 'stall':
        wire?.pause();
        entry.undo = () => wire?.resume();
        break;
      case 'transport-error':
        // A frame with a reserved opcode (0x3): ws raises an error, engine.io-client "transport error".
        ws?.injectRaw('s2c', Buffer.from([0x83, 0x00]));
        // Over polling: the client's poll fails ("xhr poll error").
        polling?.failTransport();
        break;
      case 'disconnect': {
        const session = link!.owner!;
        const nsp = fault.nsp ?? '/';
        for (const d of ['s2c', 'c2s'] as const)
          for (const m of encodePacket(session.eio, { type: 'DISCONNECT', nsp }))
            wire!.inject(d, m.data, m.isBinary);
        break;
      }
    }
    if (!lasting) return this.say(fault, 'fault-ended', `${fault.kind} done`);
    if (fault.ms !== undefined && fault.kind !== 'latency') {
      entry.timer = setTimeout(() => this.end(entry, `after ${fault.ms} ms`), fault.ms);
      entry.timer.unref();
    }
  }

  private end(entry: Entry, why: string): void {
    if (!this.entries.delete(entry.fault.id)) return;
    clearTimeout(entry.timer);
    entry.undo?.();
    this.say(entry.fault, 'fault-ended', `${entry.fault.kind} ended (${why})`);
  }

  private say(fault: Fault, action: 'fault-started' | 'fault-ended', detail: string): void {
    this.opts.bus.emit({
      type: 'intervention',
      action,
      id: fault.id,
      detail,
      ...(fault.sessionId ? { sessionId: fault.sessionId } : {}),
    });
  }
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !allowed.includes(value as T))
    throw new InterventionError(400, `kind: expected one of ${allowed.join(', ')}`);
  return value as T;
}
