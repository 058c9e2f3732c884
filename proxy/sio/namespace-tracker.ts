/**
 * Follows the Socket.IO layer of one session: which namespaces are connected under which socket id,
 * CONNECT errors, DISCONNECTs in both vocabularies, and ACKs matched to their EVENTs with latency.
 */
import { CLIENT_REASONS } from '../../shared/disconnect-reasons.js';
import type { EioVersion } from '../../shared/engineio.js';
import type { Direction, SioInfo } from '../../shared/events.js';
import type { EventBus } from '../events/bus.js';
import type { EndReasons } from '../engine/close-cause.js';

/** EVENTs waiting for their ACK, per session: an app that never acks must not grow this forever. */
const MAX_PENDING_ACKS = 1000;

interface NamespaceState {
  socketId?: string;
  auth?: unknown;
  pid?: string;
  connected: boolean;
}

interface PendingAck {
  event?: string;
  at: number;
  seq: number;
}

export class NamespaceTracker {
  private readonly namespaces = new Map<string, NamespaceState>();
  private readonly pendingAcks = new Map<string, PendingAck>();

  constructor(
    private readonly sessionId: string,
    private readonly eio: EioVersion,
    private readonly bus: EventBus,
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

  packet(direction: Direction, p: SioInfo, seq: number, at: number): void {
    switch (p.type) {
      case 'CONNECT':
        return direction === 'c2s' ? this.connectRequested(p) : this.connected_(p);
      case 'CONNECT_ERROR':
        if (direction === 's2c') this.connectFailed(p);
        return;
      case 'DISCONNECT':
        return this.disconnected(p.nsp, direction);
      case 'EVENT':
      case 'BINARY_EVENT':
        if (p.id !== undefined) this.expectAck(direction, p, seq, at);
        return;
      case 'ACK':
      case 'BINARY_ACK':
        return this.acked(direction, p, seq, at);
    }
  }

  /** The Engine.IO session ended: every namespace still connected goes with it. */
  sessionEnded(leg: 'client' | 'server', reasons: EndReasons): void {
    for (const [nsp, s] of this.namespaces) {
      if (!s.connected) continue;
      s.connected = false;
      this.bus.emit({
        type: 'disconnect',
        sessionId: this.sessionId,
        nsp,
        ...(s.socketId ? { socketId: s.socketId } : {}),
        clientReason: reasons.clientReason,
        serverReason: reasons.serverReason,
        leg,
        active: CLIENT_REASONS[reasons.clientReason]?.reconnects ?? true,
        description: reasons.description,
      });
    }
    this.pendingAcks.clear();
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

  private connected_(p: SioInfo): void {
    const s = this.state(p.nsp);
    // Protocol v5 names the socket in the answer; v4 (EIO3) uses the engine id, `/nsp#id` elsewhere.
    const socketId =
      recordField(p.args, 'sid') ?? (p.nsp === '/' ? this.sessionId : `${p.nsp}#${this.sessionId}`);
    const pid = recordField(p.args, 'pid');
    const offeredPid = recordField(s.auth, 'pid');
    s.socketId = socketId;
    s.connected = true;
    if (pid) {
      s.pid = pid;
      this.onPid(pid);
    }
    this.bus.emit({
      type: 'connect',
      sessionId: this.sessionId,
      nsp: p.nsp,
      socketId,
      // The server grants recovery by answering with the same pid the client offered.
      recovered: !!pid && pid === offeredPid,
      ...(pid ? { pid } : {}),
      ...(s.auth !== undefined ? { auth: s.auth } : {}),
    });
  }

  private connectFailed(p: SioInfo): void {
    const args = p.args;
    const message = typeof args === 'string' ? args : (recordField(args, 'message') ?? 'connect_error');
    const data =
      typeof args === 'object' && args !== null ? (args as Record<string, unknown>).data : undefined;
    this.bus.emit({
      type: 'connect_error',
      sessionId: this.sessionId,
      nsp: p.nsp,
      message,
      ...(data !== undefined ? { data } : {}),
    });
  }

  private disconnected(nsp: string, direction: Direction): void {
    const s = this.state(nsp);
    if (!s.connected) return;
    s.connected = false;
    const byClient = direction === 'c2s';
    this.bus.emit({
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
    });
  }

  private expectAck(direction: Direction, p: SioInfo, seq: number, at: number): void {
    if (this.pendingAcks.size >= MAX_PENDING_ACKS) {
      const oldest = this.pendingAcks.keys().next().value;
      if (oldest !== undefined) this.pendingAcks.delete(oldest);
    }
    this.pendingAcks.set(`${direction}${p.nsp}#${p.id}`, { ...(p.event ? { event: p.event } : {}), at, seq });
  }

  private acked(direction: Direction, p: SioInfo, seq: number, at: number): void {
    const eventDirection: Direction = direction === 'c2s' ? 's2c' : 'c2s';
    const key = `${eventDirection}${p.nsp}#${p.id}`;
    const pending = this.pendingAcks.get(key);
    if (!pending || p.id === undefined) return;
    this.pendingAcks.delete(key);
    this.bus.emit({
      type: 'ack',
      sessionId: this.sessionId,
      nsp: p.nsp,
      id: p.id,
      direction: eventDirection,
      ...(pending.event ? { event: pending.event } : {}),
      latency: at - pending.at,
      eventSeq: pending.seq,
      ackSeq: seq,
    });
  }
}

function recordField(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = (value as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : undefined;
}
