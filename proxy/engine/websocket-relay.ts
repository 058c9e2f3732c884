/**
 * WebSocket transport, for sessions that start on it and for polling sessions that upgrade. The
 * target's WebSocket is opened first, with the client's own request; only when the target accepts
 * does the client's upgrade complete, so a target that refuses or cannot upgrade fails the client
 * exactly as it would fail it directly. Then every frame is relayed as it came (same opcode, same
 * bytes) and a copy is decoded for observation.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { decodeFrame, EngineDecodeError, parseOpen } from '../../shared/engineio.js';
import type { Direction, Leg } from '../../shared/events.js';
import { writeRawResponse } from './errors.js';
import { rewriteOpenData } from './handshake.js';
import type { RelayContext } from './relay-context.js';
import { remoteAddress, type EngineRequest } from './request-info.js';
import { ClientRegistry } from '../clients/client-registry.js';
import { Session } from './session.js';
import { describeTargetError } from './target-errors.js';
import { Exchange } from './exchange.js';

/** ws's own default; the target enforces its real limit (maxHttpBufferSize) itself. */
const MAX_FRAME = 100 * 1024 * 1024;
/** Above this many bytes queued towards a slow peer, stop reading from the other one (backpressure). */
const HIGH_WATER_MARK = 1024 * 1024;

/** Headers that belong to one WebSocket handshake and must not be replayed on the other. */
const HANDSHAKE_HEADERS = new Set([
  'connection',
  'upgrade',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'sec-websocket-accept',
  'host',
]);

export class WebSocketRelay {
  /** Two servers, so the client's leg negotiates compression exactly as the target's leg did. */
  private readonly plain = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: MAX_FRAME,
    clientTracking: false,
  });
  private readonly deflate = new WebSocketServer({
    noServer: true,
    perMessageDeflate: true,
    maxPayload: MAX_FRAME,
    clientTracking: false,
  });

  /** Open pairs, so that shutting down can end them (upgraded sockets outlive server.close()). */
  private readonly pairs = new Set<WebSocket>();

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
    const upstream = new WebSocket(upstreamUrl(this.ctx.target, req), {
      headers: forwardedHeaders(req),
      perMessageDeflate: /permessage-deflate/.test(req.headers['sec-websocket-extensions'] ?? ''),
      maxPayload: MAX_FRAME,
      followRedirects: false,
      handshakeTimeout: 10_000,
    });
    existing?.upgradeStage('server', 'probe');

    // Set once the client has its answer, so later errors of an abandoned attempt stay quiet.
    let answered = false;
    const abandon = () => {
      answered = true;
      upstream.terminate();
    };
    socket.once('close', abandon);
    socket.on('error', abandon);
    const refuse = (status: string, body: string, contentType: string | undefined, why: string) => {
      if (existing) existing.upgradeStage('server', 'failure', why);
      else this.ctx.clients.failed(ClientRegistry.fingerprint(req), why);
      exchange.response(Buffer.from(body));
      exchange.finish(Number.parseInt(status, 10), contentType ? { 'content-type': contentType } : {});
      writeRawResponse(socket, status, body, contentType);
    };

    upstream.once('unexpected-response', (_r, res) => {
      // The target refused the WebSocket (unknown sid, forbidden, no WebSocket here): same answer back.
      answered = true;
      upstream.terminate();
      readAll(res, (body) =>
        refuse(
          `${res.statusCode} ${res.statusMessage}`,
          body,
          res.headers['content-type'],
          `the target answered ${res.statusCode}: ${body}`,
        ),
      );
    });
    upstream.once('error', (err) => {
      if (answered || upstream.readyState === WebSocket.OPEN) return;
      answered = true;
      const why = describeTargetError(err);
      this.ctx.log.warn(`WebSocket ${req.url}: target ${this.ctx.target.origin} ${why}`);
      refuse('502 Bad Gateway', `sio-proxy: target ${this.ctx.target.origin} ${why}`, 'text/plain', why);
    });
    let upgradeHeaders: string[] = [];
    upstream.once('upgrade', (res) => (upgradeHeaders = replayableHeaders(res)));
    upstream.once('open', () => {
      answered = true;
      socket.off('close', abandon);
      socket.off('error', abandon);
      this.accept(req, socket, head, upstream, upgradeHeaders, (client) => {
        new FramePipe(this.ctx, req, info, client, upstream, existing, exchange, upgradeHeaders).start();
      });
    });
  }

  /** Completes the client's upgrade with the compression and headers the target's leg got. */
  private accept(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    upstream: WebSocket,
    upgradeHeaders: string[],
    then: (client: WebSocket) => void,
  ): void {
    const server = upstream.extensions.includes('permessage-deflate') ? this.deflate : this.plain;
    const addHeaders = (headers: string[]) => headers.push(...upgradeHeaders);
    server.once('headers', addHeaders);
    server.handleUpgrade(req, socket, head, (client) => {
      server.off('headers', addHeaders);
      this.pairs.add(client).add(upstream);
      client.once('close', () => this.pairs.delete(client) && this.pairs.delete(upstream));
      then(client);
    });
  }

  close(): void {
    for (const ws of this.pairs) ws.terminate();
    this.plain.close();
    this.deflate.close();
  }
}

/**
 * Relays frames both ways between the two WebSockets of one session and reports them to it. The
 * session is created here when the WebSocket itself is the handshake (`transport=websocket`, no sid).
 */
class FramePipe {
  private session: Session | undefined;
  private closedFirst: Leg | undefined;

  constructor(
    private readonly ctx: RelayContext,
    private readonly req: IncomingMessage,
    private readonly info: EngineRequest,
    private readonly client: WebSocket,
    private readonly upstream: WebSocket,
    existing: Session | undefined,
    private readonly exchange: Exchange,
    private readonly upgradeHeaders: string[],
  ) {
    this.session = existing;
    // A probe belongs to a known session: its exchange is complete now. A WebSocket handshake
    // completes with the open packet, which names the session.
    if (existing) this.finishExchange();
  }

  private finishExchange(): void {
    this.exchange.sessionId = this.session?.sid;
    this.exchange.finish(101, headerLines(this.upgradeHeaders));
  }

  start(): void {
    this.client.on('message', (data: Buffer, isBinary) => this.relay('c2s', data, isBinary));
    this.upstream.on('message', (data: Buffer, isBinary) => this.relay('s2c', data, isBinary));
    this.client.on('close', (code, reason) => this.closed('client', code, reason));
    this.upstream.on('close', (code, reason) => this.closed('server', code, reason));
    this.client.on('error', (err) => this.failed('client', err));
    this.upstream.on('error', (err) => this.failed('server', err));
  }

  private relay(direction: Direction, data: Buffer, isBinary: boolean): void {
    const [from, to] = direction === 'c2s' ? [this.client, this.upstream] : [this.upstream, this.client];
    if (!this.session && this.info.sid === undefined && direction === 's2c' && !isBinary)
      data = this.openSession(data);
    if (to.readyState !== WebSocket.OPEN) return;
    to.send(data, { binary: isBinary });
    if (to.bufferedAmount > HIGH_WATER_MARK) {
      const leg: Leg = direction === 'c2s' ? 'server' : 'client';
      pauseUntilDrained(from, to, () => this.session?.drained(leg));
    }
    this.observe(direction, data, isBinary);
  }

  /** The first frame of a WebSocket-only session is the open packet: the session starts there. */
  private openSession(frame: Buffer): Buffer {
    const text = frame.toString('utf8');
    if (!text.startsWith('0')) return frame;
    const open = parseOpen(text.slice(1));
    if (!open) return frame;
    const rewrite = rewriteOpenData(text.slice(1));
    const fingerprint = ClientRegistry.fingerprint(this.req);
    const client = {
      fingerprint,
      registry: this.ctx.clients,
      ...this.ctx.clients.connected(fingerprint),
    };
    this.session = new Session(open.sid, this.info.eio, 'websocket', open, this.ctx.bus, client);
    this.ctx.sessions.add(this.session);
    this.session.wsOpen = true;
    this.session.announce(this.req, this.ctx.target.origin, rewrite.hidden);
    this.finishExchange();
    return rewrite.hidden.length ? Buffer.from('0' + rewrite.data) : frame;
  }

  private observe(direction: Direction, data: Buffer, isBinary: boolean): void {
    const session = this.session;
    if (!session) return;
    let packet;
    try {
      packet = decodeFrame(data, isBinary, session.eio);
    } catch (err) {
      const sample = err instanceof EngineDecodeError ? err.sample : '';
      return session.error(`undecodable WebSocket frame: ${(err as Error).message}`, sample);
    }
    if (packet.type === 'ping' && packet.data === 'probe' && direction === 'c2s') {
      session.upgradeStage('client', 'probe');
    }
    if (session.upgrading && packet.type === 'upgrade' && direction === 'c2s') {
      session.upgradeStage('client', 'success');
      session.upgradeStage('server', 'success');
      session.wsOpen = true;
    }
    session.observe(direction, [packet], 'websocket');
  }

  private closed(leg: Leg, code: number, reason: Buffer): void {
    this.closedFirst ??= leg;
    const other = leg === 'client' ? this.upstream : this.client;
    // 1005 (no code) and 1006 (no close frame) cannot be sent: mirror them as a bare close or a cut.
    if (code === 1006) other.terminate();
    else if (code === 1005) other.close();
    else other.close(code, reason);
    const session = this.session;
    if (!session) return;
    if (session.upgrading && session.transport === 'polling') {
      // A probe that ended before the `5` packet: the session lives on over polling.
      if (leg === this.closedFirst)
        session.upgradeStage(leg, 'failure', `WebSocket closed (${code}) during the probe`);
      return;
    }
    if (session.transport !== 'websocket') return;
    session.wsOpen = false;
    session.end({ leg, kind: code === 1006 ? 'abnormal' : 'clean', code });
    this.ctx.sessions.delete(session);
  }

  private failed(leg: Leg, err: Error): void {
    // ws closes the connection itself after an error (invalid frame, bad UTF-8): log and report.
    this.ctx.log.warn(`WebSocket ${leg} leg of ${this.session?.sid ?? this.req.url}: ${err.message}`);
    this.session?.error(`${leg} WebSocket error: ${err.message}`);
  }
}

/** Resume once the slow side's queue is back under half the mark. */
const LOW_WATER_MARK = HIGH_WATER_MARK / 2;
const DRAIN_CHECK_MS = 5;

/**
 * Stops reading `from` while `to` has too much queued. ws has no 'drain' event of its own, and with
 * compression its queue lives before the socket (the socket may never fill up), so the queue length
 * is what we watch, briefly, only while paused.
 */
function pauseUntilDrained(from: WebSocket, to: WebSocket, onDrain: () => void): void {
  if (from.isPaused) return;
  from.pause();
  const check = setInterval(() => {
    if (to.readyState !== WebSocket.OPEN || to.bufferedAmount <= LOW_WATER_MARK) {
      clearInterval(check);
      if (from.readyState === WebSocket.OPEN) from.resume();
      onDrain();
    }
  }, DRAIN_CHECK_MS);
}

function readAll(res: IncomingMessage, done: (body: string) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
}

function headerLines(lines: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) out[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return out;
}

function upstreamUrl(target: URL, req: IncomingMessage): string {
  const base = target.pathname.replace(/\/$/, '');
  const protocol = target.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${protocol}//${target.host}${base}${req.url ?? '/'}`;
}

/** The client's own headers, as http-proxy would forward them, plus X-Forwarded-*. */
function forwardedHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || HANDSHAKE_HEADERS.has(name)) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  if (req.headers.host) out.host = req.headers.host;
  const address = remoteAddress(req);
  const prior = req.headers['x-forwarded-for'];
  out['x-forwarded-for'] = prior ? `${String(prior)}, ${address}` : address;
  out['x-forwarded-proto'] = 'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http';
  out['x-forwarded-host'] = req.headers.host ?? '';
  out['x-forwarded-port'] = String(req.socket.localPort ?? '');
  return out;
}

/** Headers of the target's 101 answer that the client should get too (cookies, custom headers). */
function replayableHeaders(res: IncomingMessage): string[] {
  const lines: string[] = [];
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? '';
    if (HANDSHAKE_HEADERS.has(name.toLowerCase())) continue;
    lines.push(`${name}: ${raw[i + 1] ?? ''}`);
  }
  return lines;
}
