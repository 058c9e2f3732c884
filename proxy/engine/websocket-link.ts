/**
 * One WebSocket of a session, piped: the default link. http-proxy pipes the two TCP streams (same
 * frames, same bytes, backpressure by the pipe); this taps a copy of each direction, reads the
 * packets that matter to the session's state (the open packet, the probe, the `5`, close frames)
 * and reports them, and how each leg's connection ended, to the session, which decides.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { decodeFrame, EngineDecodeError, parseOpen } from '../../shared/engineio.js';
import type { Direction, Leg } from '../../shared/events.js';
import { ClientRegistry } from '../clients/client-registry.js';
import type { Exchange } from './exchange.js';
import { FrameTap } from './frame-tap.js';
import type { Link } from './link.js';
import type { RelayContext } from './relay-context.js';
import type { EngineRequest } from './request-info.js';
import { Session } from './session.js';

export class WebSocketLink implements Link {
  readonly transport = 'websocket' as const;
  private session: Session | undefined;
  /** The first close frame seen, and from which leg. */
  private closeFrame: { leg: Leg; code: number } | undefined;
  private closedLegs = new Set<Leg>();

  constructor(
    private readonly ctx: RelayContext,
    private readonly req: IncomingMessage,
    private readonly info: EngineRequest,
    existing: Session | undefined,
    private readonly exchange: Exchange,
    private readonly response: IncomingMessage,
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

  attach(client: Duplex, upstream: Socket): void {
    const headers = this.response.headers;
    const fromClient = new FrameTap(true, headers, this.handlers('c2s'));
    const fromTarget = new FrameTap(false, headers, this.handlers('s2c'));
    client.on('data', (chunk: Buffer) => fromClient.write(chunk));
    upstream.on('data', (chunk: Buffer) => fromTarget.write(chunk));
    client.on('drain', () => this.session?.drained('client'));
    upstream.on('drain', () => this.session?.drained('server'));
    client.once('close', (hadError: boolean) => this.legClosed('client', upstream, hadError));
    upstream.once('close', (hadError: boolean) => this.legClosed('server', client, hadError));
  }

  private handlers(direction: Direction) {
    const leg: Leg = direction === 'c2s' ? 'client' : 'server';
    return {
      message: (data: Buffer, isBinary: boolean) => this.observe(direction, data, isBinary),
      close: (code: number) => this.closeFrameSeen(leg, code),
      error: (err: Error) => {
        this.ctx.log.warn(`WebSocket ${leg} leg of ${this.session?.sid ?? this.req.url}: ${err.message}`);
        this.session?.error(`invalid WebSocket frame from the ${leg}: ${err.message} (the peer will close)`);
      },
    };
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

  private observe(direction: Direction, data: Buffer, isBinary: boolean): void {
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
    if (direction === 'c2s' && packet.type === 'upgrade') session.upgradePacketSent(this);
    session.observe(direction, [packet], 'websocket');
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
    this.session = new Session(open.sid, this.info.eio, this, open, this.ctx.bus, client);
    this.ctx.sessions.add(this.session);
    this.session.announce(this.req, this.ctx.target.origin, []);
    this.finishExchange();
  }

  /**
   * One leg's connection is gone. After a clean end the pipe has already ended the other leg (its
   * last frames still flush); a leg that vanished with an error is cut on the other side too, which
   * the peer sees as 1006, as it would directly.
   */
  private legClosed(leg: Leg, other: Duplex, hadError: boolean): void {
    if (this.closedLegs.has(leg)) return;
    this.closedLegs.add(leg);
    if (hadError) other.destroy();
    else other.end();
    this.session?.websocketLegClosed(leg, this.closedLegs.size === 1, this.closeFrame);
  }
}
