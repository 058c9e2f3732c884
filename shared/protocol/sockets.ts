/**
 * The Socket.IO level of one Engine.IO session, the one model the proxy, the extension and HAR import
 * share: which namespaces are connected under which socket id, CONNECT errors, DISCONNECTs in both
 * vocabularies (socket.io-client's and the server's), and ACKs matched to their EVENTs with latency.
 * It is fed the decoded Socket.IO packets in wire order and tells its sink the events they mean.
 */
import { CLIENT_REASONS } from '../disconnect-reasons.js';
import type { Confidence, Direction, Leg, SioInfo, UnstampedEvent } from '../events.js';

/** EVENTs waiting for their ACK, per session: an app that never acks must not grow this forever. */
export const MAX_PENDING_ACKS = 1000;

export type SocketEvent = Extract<
  UnstampedEvent,
  { type: 'connect' | 'connect_error' | 'disconnect' | 'ack' }
>;

/** Receives the events the model derives, with the time of the packet (or end) that caused them. */
export type SocketEventSink = (event: SocketEvent, at: number) => void;

/** Why the session ended, in both vocabularies (the proxy knows both; one leg's view says "unknown"). */
export interface EndReasons {
  clientReason: string;
  serverReason: string;
  description: string;
  /** How sure the reading is, and why (see `Inference` in shared/events.ts). */
  confidence?: Confidence;
  evidence?: string[];
  clientReasonAlternatives?: string[];
  serverReasonAlternatives?: string[];
  /** Whether the client reconnects, where the close says more than the reason (a page leaving). */
  reconnects?: boolean;
}

/**
 * The one key of a pending ack: the EVENT's direction, its namespace and its ack id (ids are counted
 * per socket and per side, so the same id may be pending both ways and in two namespaces).
 */
export function ackKey(eventDirection: Direction, nsp: string, id: number): string {
  return `${eventDirection}${nsp}#${id}`;
}

interface NamespaceState {
  socketId?: string;
  auth?: unknown;
  connected: boolean;
}

interface PendingAck {
  event?: string;
  at: number;
  seq: number;
}

/** An ACK read before its EVENT (see `acked`). */
interface SeenAck {
  at: number;
  seq: number;
}

/** Drops the oldest entry of a table that is full: insertion order is age. */
function makeRoom(table: Map<string, unknown>): void {
  if (table.size < MAX_PENDING_ACKS) return;
  const oldest = table.keys().next().value;
  if (oldest !== undefined) table.delete(oldest);
}

export class SocketModel {
  private readonly namespaces = new Map<string, NamespaceState>();
  /**
   * Made on the first ack: an idle session has none, and every session's empty maps were about 0.4 KB
   * of its memory (a heap snapshot of 1,000 idle sessions).
   */
  private pendingAcks: Map<string, PendingAck> | undefined;
  private earlyAcks: Map<string, SeenAck> | undefined;
  /** The direction of the last DISCONNECT seen: who ended the last namespace on purpose. */
  lastDisconnect: Direction | undefined;

  constructor(
    private readonly sessionId: string,
    private readonly emit: SocketEventSink,
    /** Told of every recovery pid the client offers or the server grants. */
    private readonly onPid: (pid: string) => void = () => {},
  ) {}

  /** Some namespace is still connected: the client wants this connection (and reconnects it). */
  hasConnected(): boolean {
    for (const s of this.namespaces.values()) if (s.connected) return true;
    return false;
  }

  /** Socket ids of the connected namespaces, by namespace. */
  connected(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [nsp, s] of this.namespaces) if (s.connected && s.socketId) out.set(nsp, s.socketId);
    return out;
  }

  /** How many EVENTs wait for their ACK (at most MAX_PENDING_ACKS). */
  get pendingAckCount(): number {
    return this.pendingAcks?.size ?? 0;
  }

  /** One decoded Socket.IO packet; `seq` is that of its `packet` event, `at` its time. */
  packet(direction: Direction, p: SioInfo, seq: number, at: number): void {
    switch (p.type) {
      case 'CONNECT':
        return direction === 'c2s' ? this.connectRequested(p) : this.connected_(p, at);
      case 'CONNECT_ERROR':
        if (direction === 's2c') this.connectFailed(p, at);
        return;
      case 'DISCONNECT':
        return this.disconnected(p.nsp, direction, at);
      case 'EVENT':
      case 'BINARY_EVENT':
        if (p.id !== undefined) this.expectAck(direction, p, p.id, seq, at);
        return;
      case 'ACK':
      case 'BINARY_ACK':
        if (p.id !== undefined) this.acked(direction, p.nsp, p.id, seq, at);
        return;
    }
  }

  /** The Engine.IO session ended, started by `leg`: every namespace still connected goes with it. */
  ended(leg: Leg, reasons: EndReasons, at: number): void {
    const active = reasons.reconnects ?? CLIENT_REASONS[reasons.clientReason]?.reconnects ?? true;
    for (const [nsp, s] of this.namespaces) {
      if (!s.connected) continue;
      s.connected = false;
      this.emit(
        {
          type: 'disconnect',
          sessionId: this.sessionId,
          nsp,
          ...(s.socketId ? { socketId: s.socketId } : {}),
          clientReason: reasons.clientReason,
          serverReason: reasons.serverReason,
          leg,
          active,
          description: reasons.description,
          ...inferenceOf(reasons),
        },
        at,
      );
    }
    this.pendingAcks?.clear();
    this.earlyAcks?.clear();
  }

  private state(nsp: string): NamespaceState {
    let s = this.namespaces.get(nsp);
    if (!s) this.namespaces.set(nsp, (s = { connected: false }));
    return s;
  }

  private connectRequested(p: SioInfo): void {
    const s = this.state(p.nsp);
    s.auth = p.args;
    const pid = recordField(p.args, 'pid');
    if (pid) this.onPid(pid);
  }

  private connected_(p: SioInfo, at: number): void {
    const s = this.state(p.nsp);
    // Protocol v5 names the socket in the answer; v4 (EIO3) uses the engine id, `/nsp#id` elsewhere.
    const socketId =
      recordField(p.args, 'sid') ?? (p.nsp === '/' ? this.sessionId : `${p.nsp}#${this.sessionId}`);
    const pid = recordField(p.args, 'pid');
    const offeredPid = recordField(s.auth, 'pid');
    s.socketId = socketId;
    s.connected = true;
    if (pid) this.onPid(pid);
    this.emit(
      {
        type: 'connect',
        sessionId: this.sessionId,
        nsp: p.nsp,
        socketId,
        // The server grants recovery by answering with the same pid the client offered.
        recovered: !!pid && pid === offeredPid,
        ...(pid ? { pid } : {}),
        ...(s.auth !== undefined ? { auth: s.auth } : {}),
      },
      at,
    );
  }

  private connectFailed(p: SioInfo, at: number): void {
    const args = p.args;
    // v5: `{ message, data? }`; v4's ERROR packet: a string, or any JSON the server sent.
    const message = typeof args === 'string' ? args : (recordField(args, 'message') ?? 'connect_error');
    const data =
      typeof args === 'object' && args !== null ? (args as Record<string, unknown>).data : undefined;
    this.emit(
      {
        type: 'connect_error',
        sessionId: this.sessionId,
        nsp: p.nsp,
        message,
        ...(data !== undefined ? { data } : {}),
      },
      at,
    );
  }

  private disconnected(nsp: string, direction: Direction, at: number): void {
    this.lastDisconnect = direction;
    const s = this.state(nsp);
    if (!s.connected) return;
    s.connected = false;
    const byClient = direction === 'c2s';
    this.emit(
      {
        type: 'disconnect',
        sessionId: this.sessionId,
        nsp,
        ...(s.socketId ? { socketId: s.socketId } : {}),
        clientReason: byClient ? 'io client disconnect' : 'io server disconnect',
        serverReason: byClient ? 'client namespace disconnect' : 'server namespace disconnect',
        leg: byClient ? 'client' : 'server',
        active: false,
        description: byClient
          ? 'the client called socket.disconnect()'
          : 'the server called socket.disconnect(); the client will not reconnect by itself',
        confidence: 'certain',
        evidence: [`a DISCONNECT (41) for ${nsp} from the ${byClient ? 'client' : 'server'}`],
      },
      at,
    );
  }

  private expectAck(direction: Direction, p: SioInfo, id: number, seq: number, at: number): void {
    const key = ackKey(direction, p.nsp, id);
    const event: PendingAck = { ...(p.event ? { event: p.event } : {}), at, seq };
    const early = this.earlyAcks?.size ? this.earlyAcks.get(key) : undefined;
    if (early) {
      this.earlyAcks!.delete(key);
      if (early.at >= at) return this.matched(direction, p.nsp, id, event, early);
    }
    const pendingAcks = (this.pendingAcks ??= new Map());
    makeRoom(pendingAcks);
    pendingAcks.set(key, event);
  }

  /**
   * An ACK whose EVENT is not pending. A page reports a polling exchange when it completes: the GET
   * that carries the server's ACK can complete before the POST that carried the EVENT, so the ACK is
   * kept, by its time, for an EVENT read later but sent earlier.
   */
  private acked(direction: Direction, nsp: string, id: number, seq: number, at: number): void {
    const eventDirection: Direction = direction === 'c2s' ? 's2c' : 'c2s';
    const key = ackKey(eventDirection, nsp, id);
    const pending = this.pendingAcks?.get(key);
    if (pending) {
      this.pendingAcks!.delete(key);
      return this.matched(eventDirection, nsp, id, pending, { at, seq });
    }
    const earlyAcks = (this.earlyAcks ??= new Map());
    makeRoom(earlyAcks);
    earlyAcks.set(key, { at, seq });
  }

  /** `direction` is the EVENT's. */
  private matched(direction: Direction, nsp: string, id: number, event: PendingAck, ack: SeenAck): void {
    this.emit(
      {
        type: 'ack',
        sessionId: this.sessionId,
        nsp,
        id,
        direction,
        ...(event.event ? { event: event.event } : {}),
        // Captured times (a HAR, a page) are not always monotonic.
        latency: Math.max(0, ack.at - event.at),
        eventSeq: event.seq,
        ackSeq: ack.seq,
      },
      ack.at,
    );
  }
}

function recordField(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = (value as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : undefined;
}

/** The confidence, evidence and alternatives of `reasons`, for a `disconnect` event. */
function inferenceOf(
  r: EndReasons,
): Pick<EndReasons, 'confidence' | 'evidence' | 'clientReasonAlternatives' | 'serverReasonAlternatives'> {
  return {
    ...(r.confidence ? { confidence: r.confidence } : {}),
    ...(r.evidence ? { evidence: r.evidence } : {}),
    ...(r.clientReasonAlternatives ? { clientReasonAlternatives: r.clientReasonAlternatives } : {}),
    ...(r.serverReasonAlternatives ? { serverReasonAlternatives: r.serverReasonAlternatives } : {}),
  };
}
