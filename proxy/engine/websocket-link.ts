/**
 * One WebSocket of a session. Its wire (websocket-wire.ts) relays the two TCP streams, piped by
 * default (same frames, same bytes, backpressure as a pipe) and parsing a copy of each direction;
 * this link reads the packets that matter to the session's state (the open packet, the probe, the
 * `5`, close frames) and reports them, and how each leg's connection ended, to the session, which
 * decides. Intervention terminates the wire (`wire.terminate`) at a message boundary.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { decodeFrame, EngineDecodeError, parseOpen } from '../../shared/engineio.js';
import type { Direction, Leg } from '../../shared/events.js';
import { ClientRegistry } from '../clients/client-registry.js';
import type { Exchange } from './exchange.js';
import type { Link } from './link.js';
import type { RelayContext } from './relay-context.js';
import type { EngineRequest } from './request-info.js';
import { Session } from './session.js';
import type { TargetNode } from './target-pool.js';
import { WebSocketWire, type PacketMark } from './websocket-wire.js';

export class WebSocketLink implements Link {
  readonly transport = 'websocket' as const;
  private session: Session | undefined;
  /** The first close frame seen, and from which leg. */
  private closeFrame: { leg: Leg; code: number } | undefined;
  private closedLegs = new Set<Leg>();
  /** The two legs' relay, once the target's 101 went back to the client. */
  wire: WebSocketWire | undefined;
  /** The seq of the last packet event this link reported (an emit's answer names it). */
  lastSeq = 0;

  constructor(
    private readonly ctx: RelayContext,
    private readonly req: IncomingMessage,
    private readonly info: EngineRequest,
    existing: Session | undefined,
    private readonly exchange: Exchange,
    private readonly response: IncomingMessage,
    /** The node the upgrade went to. */
    private readonly node: TargetNode,
  ) {
    this.session = existing;
    // A probe belongs to a known session: its exchange is complete now. A WebSocket handshake
    // completes with the open packet, which names the session.
    if (existing) this.finishExchange();
  }

  /** Both connections are up: the session counts as alive whatever the clock says. */
  get busy(): boolean {
    return this.closedLegs.size === 0;
  }

  /**
   * Takes over the two sockets http-proxy has just piped (its 'open', in the same tick: no byte has
   * flowed yet, and what either leg sent past the handshake is still in its socket's buffer).
   */
  attach(client: Duplex, upstream: Socket): void {
    upstream.unpipe(client);
    client.unpipe(upstream);
    this.wire = new WebSocketWire(
      client,
      upstream,
      headerValue(this.response.headers['sec-websocket-extensions']),
      {
        // Called for every message: straight to `observe`, no per-direction indirection.
        message: (direction, data, isBinary, mark, arrivedAt) =>
          this.observe(direction, data, isBinary, mark, arrivedAt),
        close: (direction, code) => this.closeFrameSeen(legOf(direction), code),
        error: (direction, err) => this.frameError(legOf(direction), err),
        unobserved: (direction, bytes, limit) => this.session?.unobservedMessage(direction, bytes, limit),
      },
    );
    client.on('drain', () => this.session?.drained('client'));
    upstream.on('drain', () => this.session?.drained('server'));
    this.ctx.intervention?.wireOpened(this);
    client.once('close', () => this.legClosed('client'));
    upstream.once('close', () => this.legClosed('server'));
  }

  private frameError(leg: Leg, err: Error): void {
    this.ctx.log.warn(`WebSocket ${leg} leg of ${this.session?.sid ?? this.req.url}: ${err.message}`);
    this.session?.error(`invalid WebSocket frame from the ${leg}: ${err.message} (the peer will close)`);
  }

  private closeFrameSeen(leg: Leg, code: number): void {
    if (this.closeFrame) return;
    this.closeFrame = { leg, code };
    this.session?.closeFrameSent(leg, code);
  }

  private finishExchange(): void {
    this.exchange.sessionId = this.session?.sid;
    this.exchange.finish(101, { ...this.response.headers });
  }

  private observe(
    direction: Direction,
    data: Buffer,
    isBinary: boolean,
    mark?: PacketMark,
    arrivedAt?: number,
  ): void {
    // Everything this message makes the proxy say (a new session, its packet, an ack, an error) is
    // stamped with its arrival.
    const bus = this.ctx.bus;
    bus.stampArrival(arrivedAt);
    try {
      this.observeMessage(direction, data, isBinary, mark);
    } finally {
      bus.stampArrival(undefined);
    }
  }

  private observeMessage(direction: Direction, data: Buffer, isBinary: boolean, mark?: PacketMark): void {
    if (!this.session && this.info.sid === undefined && direction === 's2c' && !isBinary)
      this.openSession(data);
    const session = this.session;
    if (!session) return;
    let packet;
    try {
      packet = decodeFrame(data, isBinary, session.eio);
    } catch (err) {
      const sample = err instanceof EngineDecodeError ? err.sample : '';
      return session.error(`undecodable WebSocket frame: ${(err as Error).message}`, sample);
    }
    if (direction === 'c2s' && packet.type === 'ping' && packet.data === 'probe') session.probeSent();
    if (direction === 's2c' && packet.type === 'pong' && packet.data === 'probe')
      session.probeAnsweredByTarget();
    if (direction === 'c2s' && packet.type === 'upgrade') session.upgradePacketSent(this);
    this.lastSeq = session.observe(direction, [packet], 'websocket', mark);
  }

  /** The session this WebSocket carries, once known (a WebSocket-only one: from its open packet). */
  get owner(): Session | undefined {
    return this.session;
  }

  /**
   * The first frame of a WebSocket-only session is the open packet: the session starts there. It is
   * relayed untouched: a client that starts on WebSocket never upgrades, so `upgrades` is moot.
   */
  private openSession(frame: Buffer): void {
    const text = frame.toString('utf8');
    const open = text.startsWith('0') ? parseOpen(text.slice(1)) : undefined;
    if (!open) return;
    const fingerprint = ClientRegistry.fingerprint(this.req);
    const client = { fingerprint, registry: this.ctx.clients, ...this.ctx.clients.connected(fingerprint) };
    const cluster = this.ctx.targets.size > 1 ? this.node : undefined;
    this.session = new Session(open.sid, this.info.eio, this, open, this.ctx.bus, client, cluster);
    this.ctx.sessions.add(this.session);
    this.session.announce(this.req, this.node.origin, []);
    this.finishExchange();
  }

  /** One leg's connection is gone (the wire ends or cuts the other leg as the pipe did). */
  private legClosed(leg: Leg): void {
    if (this.closedLegs.has(leg)) return;
    this.closedLegs.add(leg);
    this.ctx.intervention?.wireClosed(this);
    this.session?.websocketLegClosed(leg, this.closedLegs.size === 1, this.closeFrame);
  }
}

/** The leg that sends in `direction`. */
function legOf(direction: Direction): Leg {
  return direction === 'c2s' ? 'client' : 'server';
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
