/**
 * One Engine.IO session as the proxy sees it: the flow object every part shares. It owns the
 * session's state (transport, upgrade, polls in flight, heartbeats, counters) and turns the packets
 * the relays hand it into events. It never touches the wire: relays forward bytes first and report
 * them after.
 */
import type { IncomingMessage } from 'node:http';
import { CLIENT_REASONS } from '../../shared/disconnect-reasons.js';
import type { EioVersion, EnginePacket, OpenHandshake } from '../../shared/engineio.js';
import type {
  Direction,
  HandshakeInfo,
  Leg,
  PacketEvent,
  SioInfo,
  TransportName,
} from '../../shared/events.js';
import { MessageDecoder } from '../../shared/protocol/message-decoder.js';
import { openValues } from '../../shared/protocol/session-event.js';
import { sioProtocolFor } from '../../shared/protocol/socketio.js';
import { SocketModel } from '../../shared/protocol/sockets.js';
import type { AttemptInfo, ClientRegistry } from '../clients/client-registry.js';
import type { EventBus } from '../events/bus.js';
import { attachBinary } from '../events/raw-bytes.js';
import { reasonsFor, type EndReasons, type SessionEnd } from './close-cause.js';

export type SessionState = 'open' | 'closing' | 'closed';

export interface SessionCounters {
  packets: Record<Direction, number>;
  bytes: Record<Direction, number>;
}

/** Who the session's client is, across reconnects (see ClientRegistry). */
export interface SessionClient extends AttemptInfo {
  fingerprint: string;
  registry: ClientRegistry;
}

export class Session {
  transport: TransportName;
  state: SessionState = 'open';
  upgrading = false;
  /** A WebSocket of this session is open: it is alive whatever the clock says. */
  wsOpen = false;
  lastSeen = Date.now();
  readonly openedAt = Date.now();
  readonly inflight = { get: 0, post: 0 };
  readonly counters: SessionCounters = { packets: { c2s: 0, s2c: 0 }, bytes: { c2s: 0, s2c: 0 } };
  /** Namespaces and acks: the protocol core's model, as the extension and HAR import read them. */
  readonly namespaces: SocketModel;
  private readonly messages: MessageDecoder;
  private heartbeat = { lastPingAt: undefined as number | undefined, pongPending: false };
  private sentInvalid = false;
  /** The target's last error answer to a request of this session (e.g. 413), and when. */
  private refusal: { code: number; at: number; size?: number } | undefined;
  /** When the client last had two polls (or two POSTs) in flight, which engine.io ends the session for. */
  private overlapAt: number | undefined;
  private ended: { first: Leg; reasons: EndReasons; reconnects: boolean; closedLegs: Set<Leg> } | undefined;

  constructor(
    readonly sid: string,
    readonly eio: EioVersion,
    transport: TransportName,
    readonly open: OpenHandshake,
    private readonly bus: EventBus,
    readonly client: SessionClient,
  ) {
    this.transport = transport;
    const protocol = sioProtocolFor(eio);
    this.messages = new MessageDecoder(protocol);
    this.namespaces = new SocketModel(sid, (event) => bus.emit(event));
  }

  announce(req: IncomingMessage, target: string, hiddenUpgrades: string[]): void {
    this.bus.emit({
      type: 'session',
      sessionId: this.sid,
      clientKey: this.client.clientKey,
      eio: this.eio,
      transport: this.transport,
      target,
      handshake: handshakeOf(req),
      open: openValues(this.open, hiddenUpgrades),
      hiddenUpgrades,
    });
    const { clientKey, attempt, delay, cause } = this.client;
    this.bus.emit({
      type: 'attempt',
      clientKey,
      attempt,
      delay,
      ...(cause ? { cause } : {}),
      outcome: 'connected',
      sessionId: this.sid,
    });
  }

  /** Packets that crossed the proxy, in wire order. */
  observe(direction: Direction, packets: EnginePacket[], transport: TransportName = this.transport): void {
    const now = Date.now();
    this.lastSeen = now;
    for (const packet of packets) {
      this.counters.packets[direction]++;
      this.counters.bytes[direction] += packet.wireSize;
      this.heartbeatSeen(direction, packet, now);
      const sio = packet.type === 'message' ? this.decodeMessage(direction, packet) : undefined;
      if (packet.type === 'close')
        this.end({ leg: direction === 'c2s' ? 'client' : 'server', kind: 'close-packet' }, []);
      const seq = this.bus.active ? this.bus.emit(this.packetEvent(direction, transport, packet, sio)) : 0;
      if (sio && sio !== 'raw') this.namespaces.packet(direction, sio, seq, now);
    }
  }

  /** Built field by field: this runs for every packet, and spreads showed in profiles. */
  private packetEvent(
    direction: Direction,
    transport: TransportName,
    packet: EnginePacket,
    sio: SioInfo | 'raw' | undefined,
  ): Omit<PacketEvent, 'seq' | 'ts'> {
    const event: Omit<PacketEvent, 'seq' | 'ts'> = {
      type: 'packet',
      sessionId: this.sid,
      direction,
      transport,
      engine: packet.type,
      size: packet.wireSize,
    };
    if (sio === 'raw') event.raw = true;
    else if (sio) event.sio = sio;
    if (packet.modified) event.modified = true;
    const data = packet.data;
    if (typeof data === 'string') event.data = data;
    else if (data) {
      event.data = `<${data.length} bytes>`;
      attachBinary(event, data);
    }
    return event;
  }

  /** The heartbeat history that tells a ping timeout from other ends (EIO4: server pings; EIO3: client). */
  private heartbeatSeen(direction: Direction, packet: EnginePacket, now: number): void {
    if (packet.data === 'probe') return;
    const pinger: Direction = this.eio === 4 ? 's2c' : 'c2s';
    if (packet.type === 'ping' && direction === pinger) {
      this.heartbeat.lastPingAt = now;
      this.heartbeat.pongPending = true;
    } else if (packet.type === 'pong' && direction !== pinger) {
      this.heartbeat.pongPending = false;
    }
  }

  /** Its Socket.IO reading (see shared/protocol/message-decoder.ts), and whether the client sent garbage. */
  private decodeMessage(direction: Direction, packet: EnginePacket): SioInfo | 'raw' | undefined {
    const r = this.messages.read(direction, packet.data);
    if (r.kind === 'raw') return 'raw';
    if (direction === 'c2s') this.sentInvalid = r.kind === 'invalid';
    if (r.kind === 'invalid') {
      this.error(`invalid Socket.IO packet (${r.reason}): the peer will reject it`, packet);
      return 'raw';
    }
    return r.kind === 'sio' ? r.info : undefined;
  }

  error(message: string, packet?: EnginePacket | string): void {
    const data = typeof packet === 'string' ? packet : packet?.data;
    const received =
      typeof data === 'string' ? data.slice(0, 500) : data ? `<${data.length} bytes>` : undefined;
    this.bus.emit({ type: 'error', sessionId: this.sid, message, ...(received ? { received } : {}) });
  }

  upgradeStage(leg: Leg, stage: 'probe' | 'success' | 'failure', reason?: string): void {
    if (stage === 'probe') this.upgrading = true;
    if (stage === 'success' && leg === 'client') this.transport = 'websocket';
    if (stage !== 'probe') this.upgrading = false;
    this.bus.emit({ type: 'upgrade', sessionId: this.sid, leg, stage, ...(reason ? { reason } : {}) });
  }

  /**
   * The target answered a request of the session with an error (or cut it: `CUT_REQUEST`, with the
   * body's size); engine.io may keep the session.
   */
  refused(code: number, size?: number): void {
    this.refusal = { code, at: Date.now(), ...(size !== undefined ? { size } : {}) };
  }

  /** The client sent a request while another of its kind was in flight ("overlap from client"). */
  overlapped(message: string): void {
    this.overlapAt = Date.now();
    this.error(message);
  }

  drained(leg: Leg): void {
    this.bus.emit({ type: 'drain', sessionId: this.sid, leg });
  }

  /**
   * The session is ending, started by `cause.leg`. The first call names the reasons for everything
   * (each namespace, the client's reconnect series); every call reports the legs whose connections
   * are gone (none yet for a close packet: the connections close after it).
   */
  end(cause: Omit<SessionEnd, 'transport'>, closedLegs: Leg[] = [cause.leg]): void {
    if (!this.ended) {
      const reasons = reasonsFor(
        { ...cause, transport: this.transport },
        {
          eio: this.eio,
          pingInterval: this.open.pingInterval,
          pingTimeout: this.open.pingTimeout,
          now: Date.now(),
          openedAt: this.openedAt,
          ...this.heartbeat,
          sentInvalid: this.sentInvalid,
          ...(this.refusal ? { refusal: this.refusal } : {}),
          ...(this.overlapAt !== undefined ? { overlapAt: this.overlapAt } : {}),
        },
      );
      // socket.io-client's Manager reconnects only for sockets still active: none left means none.
      const reconnects =
        (CLIENT_REASONS[reasons.clientReason]?.reconnects ?? true) && this.namespaces.hasConnected();
      this.ended = { first: cause.leg, reasons, reconnects, closedLegs: new Set() };
      this.namespaces.ended(cause.leg, reasons, Date.now());
      this.client.registry.ended(
        this.client.fingerprint,
        this.client.clientKey,
        reasons.clientReason,
        reconnects,
      );
    }
    this.state = closedLegs.length ? 'closed' : 'closing';
    for (const leg of closedLegs) this.legClosed(leg);
  }

  /** Both legs are over at once (polling has no connections of its own to wait for). */
  endBoth(cause: Omit<SessionEnd, 'transport'>): void {
    this.end(cause, [cause.leg, cause.leg === 'client' ? 'server' : 'client']);
  }

  private legClosed(leg: Leg): void {
    const ended = this.ended;
    if (!ended || ended.closedLegs.has(leg)) return;
    ended.closedLegs.add(leg);
    const { reasons } = ended;
    this.bus.emit({
      type: 'close',
      sessionId: this.sid,
      leg,
      first: ended.first,
      reason: leg === 'client' ? reasons.clientReason : reasons.serverReason,
      clientReason: reasons.clientReason,
      serverReason: reasons.serverReason,
      active: ended.reconnects,
      description: reasons.description,
    });
  }
}

/** The handshake as socket.io builds `socket.handshake` on the server. */
function handshakeOf(req: IncomingMessage): HandshakeInfo {
  const url = req.url ?? '/';
  const issued = Date.now();
  return {
    headers: { ...req.headers },
    query: Object.fromEntries(new URL(url, 'http://x').searchParams.entries()),
    url,
    address: req.socket.remoteAddress ?? '',
    xdomain: !!req.headers.origin,
    secure: 'encrypted' in req.socket && !!req.socket.encrypted,
    issued,
    time: new Date(issued).toString(),
  };
}
