/**
 * One Engine.IO session as the proxy sees it: the flow object every part shares. It owns the
 * session's state (transport, upgrade, in-flight polls, counters) and turns the packets the relays
 * hand it into events. It never touches the wire: relays forward bytes first and report them after.
 */
import type { IncomingMessage } from 'node:http';
import type { EioVersion, EnginePacket, OpenHandshake } from '../../shared/engineio.js';
import type { Direction, HandshakeInfo, Leg, SioInfo, TransportName } from '../../shared/events.js';
import { SioDecoder, sioProtocolFor } from '../../shared/socketio.js';
import type { EventBus } from '../events/bus.js';

/** Text previews on `packet` events are cut here; the stream issue adds full-payload fetching. */
const DATA_PREVIEW_CHARS = 2048;

export type SessionState = 'open' | 'closing' | 'closed';
type PayloadMode = 'unknown' | 'socket.io' | 'raw';

export interface SessionCounters {
  packets: Record<Direction, number>;
  bytes: Record<Direction, number>;
}

export class Session {
  transport: TransportName;
  state: SessionState = 'open';
  upgrading = false;
  /** A WebSocket of this session is open: it is alive whatever the clock says. */
  wsOpen = false;
  lastSeen = Date.now();
  readonly inflight = { get: 0, post: 0 };
  readonly counters: SessionCounters = { packets: { c2s: 0, s2c: 0 }, bytes: { c2s: 0, s2c: 0 } };
  private mode: PayloadMode = 'unknown';
  private readonly decoders: Record<Direction, SioDecoder>;
  private firstClosedLeg: Leg | undefined;

  constructor(
    readonly sid: string,
    readonly eio: EioVersion,
    transport: TransportName,
    readonly open: OpenHandshake,
    private readonly bus: EventBus,
  ) {
    this.transport = transport;
    const protocol = sioProtocolFor(eio);
    this.decoders = { c2s: new SioDecoder(protocol), s2c: new SioDecoder(protocol) };
  }

  announce(req: IncomingMessage, target: string, hiddenUpgrades: string[]): void {
    this.bus.emit({
      type: 'session',
      sessionId: this.sid,
      eio: this.eio,
      transport: this.transport,
      target,
      handshake: handshakeOf(req),
      open: {
        pingInterval: this.open.pingInterval,
        pingTimeout: this.open.pingTimeout,
        upgrades: this.open.upgrades,
        ...(this.open.maxPayload !== undefined ? { maxPayload: this.open.maxPayload } : {}),
      },
      hiddenUpgrades,
    });
  }

  /** Packets that crossed the proxy, in wire order, on the session's current transport. */
  observe(direction: Direction, packets: EnginePacket[], transport: TransportName = this.transport): void {
    this.lastSeen = Date.now();
    for (const packet of packets) {
      this.counters.packets[direction]++;
      this.counters.bytes[direction] += packet.wireSize;
      const sio = packet.type === 'message' ? this.decodeMessage(direction, packet) : undefined;
      if (packet.type === 'close') this.state = 'closing';
      if (!this.bus.active) continue;
      this.bus.emit({
        type: 'packet',
        sessionId: this.sid,
        direction,
        transport,
        engine: packet.type,
        size: packet.wireSize,
        ...(sio === 'raw' ? { raw: true } : sio ? { sio } : {}),
        ...(packet.data !== undefined ? { data: preview(packet.data) } : {}),
      });
    }
  }

  /** A message is Socket.IO or not for the whole session, decided by its first message. */
  private decodeMessage(direction: Direction, packet: EnginePacket): SioInfo | 'raw' | undefined {
    if (this.mode === 'raw' || packet.data === undefined) return 'raw';
    const result = this.decoders[direction].add(packet.data);
    if (result.kind === 'invalid') {
      if (this.mode === 'unknown') {
        this.mode = 'raw';
        return 'raw';
      }
      this.error(`invalid Socket.IO packet (${result.reason}): the target will reject it`, packet);
      return 'raw';
    }
    this.mode = 'socket.io';
    if (result.kind === 'pending') return undefined;
    const p = result.packet;
    return {
      type: p.type,
      nsp: p.nsp,
      ...(p.id !== undefined ? { id: p.id } : {}),
      ...(p.event !== undefined ? { event: p.event } : {}),
      ...(p.data !== undefined ? { args: p.data } : {}),
      ...(p.attachments ? { attachments: p.attachments } : {}),
    };
  }

  error(message: string, packet?: EnginePacket | string): void {
    const received = typeof packet === 'string' ? packet : packet ? preview(packet.data ?? '') : undefined;
    this.bus.emit({ type: 'error', sessionId: this.sid, message, ...(received ? { received } : {}) });
  }

  upgradeStage(leg: Leg, stage: 'probe' | 'success' | 'failure', reason?: string): void {
    if (stage === 'probe') this.upgrading = true;
    if (stage === 'success' && leg === 'client') this.transport = 'websocket';
    if (stage !== 'probe') this.upgrading = false;
    this.bus.emit({ type: 'upgrade', sessionId: this.sid, leg, stage, ...(reason ? { reason } : {}) });
  }

  /** A leg of the session ended; the first leg to end is remembered as the cause. */
  legClosed(leg: Leg, reason: string, description?: string): void {
    this.firstClosedLeg ??= leg;
    this.state = 'closed';
    this.bus.emit({
      type: 'close',
      sessionId: this.sid,
      leg,
      first: this.firstClosedLeg,
      reason,
      ...(description ? { description } : {}),
    });
  }
}

function preview(data: string | Buffer): string {
  if (typeof data !== 'string') return `<${data.length} bytes>`;
  return data.length > DATA_PREVIEW_CHARS ? data.slice(0, DATA_PREVIEW_CHARS) + '…' : data;
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
