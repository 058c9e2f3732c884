/**
 * WebSocket transport, for sessions that start on it and for polling sessions that upgrade. The
 * client's upgrade request goes to the target as it came (http-proxy, with X-Forwarded-*), the
 * target's answer comes back as it was (101 with its headers, or its refusal), and from then on the
 * two TCP streams are piped: same frames, same bytes, compression and close codes negotiated by the
 * peers themselves, backpressure by the pipe. Copies of the bytes go through a FrameTap per
 * direction, for observation only.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { decodeFrame, EngineDecodeError, parseOpen } from '../../shared/engineio.js';
import type { Direction, Leg } from '../../shared/events.js';
import { ClientRegistry } from '../clients/client-registry.js';
import { writeRawResponse } from './errors.js';
import { Exchange } from './exchange.js';
import { FrameTap } from './frame-tap.js';
import type { RelayContext } from './relay-context.js';
import type { EngineRequest } from './request-info.js';
import { Session } from './session.js';
import { describeTargetError } from './target-errors.js';

type UpgradeHandler = (proxyReq: import('node:http').ClientRequest) => void;
const pendingUpgrades = new WeakMap<IncomingMessage, UpgradeHandler>();
const pendingLinks = new WeakMap<Socket, () => void>();

export class WebSocketRelay {
  /** Open sockets of both legs, so that shutting down can end them (server.close() does not). */
  private readonly sockets = new Set<Duplex>();

  constructor(private readonly ctx: RelayContext) {}

  handle(req: IncomingMessage, socket: Duplex, head: Buffer, info: EngineRequest): void {
    const existing = this.ctx.sessions.get(info.sid);
    if (info.sid !== undefined && !existing) {
      // As over polling: the target answers a sid we do not know (and refuses it, normally).
      this.ctx.bus.emit({
        type: 'error',
        message: `WebSocket for sid "${info.sid}", unknown to the proxy: relayed to the target unobserved`,
      });
    }
    const exchange = new Exchange(this.ctx.bus, req);
    exchange.sessionId = existing?.sid;
    existing?.upgradeStage('server', 'probe');
    this.track(socket);

    let upgraded = false;
    pendingUpgrades.set(req, (proxyReq) => {
      proxyReq.once('response', (res) => this.refused(req, res, existing, exchange));
      proxyReq.once('upgrade', (res: IncomingMessage, upstream: Socket) => {
        upgraded = true;
        this.track(upstream);
        // Taps go on once http-proxy has set up its pipe ('open'): a 'data' listener added before
        // would put the socket in flowing mode and take the target's first frame from the pipe.
        const link = new SessionLink(this.ctx, req, info, existing, exchange, res);
        pendingLinks.set(upstream, () => link.attach(socket, upstream));
      });
    });
    this.ctx.httpProxy.ws(req, socket, head, { target: this.ctx.upstream, xfwd: true }, (err) => {
      // After the upgrade an error is the pipe's: SessionLink reports how the connection ended.
      if (!upgraded) this.targetFailed(req, socket, err, existing, exchange);
    });
  }

  /** Called by the proxy server when http-proxy has piped an upgraded connection. */
  static opened(upstream: Socket): void {
    const attach = pendingLinks.get(upstream);
    pendingLinks.delete(upstream);
    attach?.();
  }

  /** Called by the proxy server for every upgrade request http-proxy sends to the target. */
  static dispatch(proxyReq: import('node:http').ClientRequest, req: IncomingMessage): void {
    const handler = pendingUpgrades.get(req);
    pendingUpgrades.delete(req);
    handler?.(proxyReq);
  }

  close(): void {
    for (const s of this.sockets) s.destroy();
  }

  private track(socket: Duplex): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  /** The target answered the upgrade with a plain HTTP response: http-proxy relays it as is. */
  private refused(
    req: IncomingMessage,
    res: IncomingMessage,
    existing: Session | undefined,
    exchange: Exchange,
  ) {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => {
      const body = Buffer.concat(chunks);
      const why = `the target answered ${res.statusCode}: ${body.toString('utf8', 0, 200)}`;
      if (existing) existing.upgradeStage('server', 'failure', why);
      else this.ctx.clients.failed(ClientRegistry.fingerprint(req), why);
      exchange.response(body);
      exchange.finish(res.statusCode ?? 0, { ...res.headers });
    });
  }

  private targetFailed(
    req: IncomingMessage,
    socket: Duplex,
    err: Error,
    existing: Session | undefined,
    exchange: Exchange,
  ): void {
    const why = describeTargetError(err);
    this.ctx.log.warn(`WebSocket ${req.url}: target ${this.ctx.target.origin} ${why}`);
    if (existing) existing.upgradeStage('server', 'failure', why);
    else this.ctx.clients.failed(ClientRegistry.fingerprint(req), why);
    exchange.finish(502, { 'content-type': 'text/plain' });
    // Before the upgrade a 502 makes socket.io-client report "websocket error", as a refused
    // connection would; http-proxy ends the socket right after.
    writeRawResponse(
      socket,
      '502 Bad Gateway',
      `sio-proxy: target ${this.ctx.target.origin} ${why}`,
      'text/plain',
    );
  }
}

/**
 * One piped WebSocket connection and the session it belongs to: taps both directions, follows the
 * probe and the `5` that completes an upgrade, and reports how the connection ended.
 */
class SessionLink {
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

  /**
   * engine.io ends the session when it sends its close frame, and so does the client: the session is
   * over now, though the connection may linger (ws waits 30 s for the answer of a peer whose network
   * stalled). Its legs are reported as their connections close.
   */
  private closeFrameSeen(leg: Leg, code: number): void {
    if (this.closeFrame) return;
    this.closeFrame = { leg, code };
    const session = this.session;
    if (session?.transport === 'websocket' && session.state === 'open')
      session.end({ leg, kind: 'clean', code }, []);
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
    if (direction === 'c2s' && packet.type === 'ping' && packet.data === 'probe') {
      session.upgradeStage('client', 'probe');
    }
    if (direction === 'c2s' && packet.type === 'upgrade' && session.upgrading) {
      session.upgradeStage('client', 'success');
      session.upgradeStage('server', 'success');
      session.wsOpen = true;
    }
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
    this.session = new Session(open.sid, this.info.eio, 'websocket', open, this.ctx.bus, client);
    this.session.wsOpen = true;
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
    const session = this.session;
    if (!session) return;
    if (session.upgrading && session.transport === 'polling') {
      // A probe that ended before the `5` packet: the session lives on over polling.
      // Unless the client is leaving anyway (its close packet already went by over polling).
      if (this.closedLegs.size === 1 && session.state === 'open')
        session.upgradeStage(leg, 'failure', 'the WebSocket closed during the probe');
      return;
    }
    if (session.transport !== 'websocket') return;
    session.wsOpen = false;
    // The leg that sent the first close frame started the end; without one, the leg that vanished.
    const frame = this.closeFrame;
    const cause = frame
      ? { leg: frame.leg, kind: 'clean' as const, code: frame.code }
      : { leg, kind: 'abnormal' as const, code: 1006 };
    session.end(cause, [leg]);
    this.ctx.sessions.delete(session);
  }
}
