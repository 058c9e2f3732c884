/**
 * WebSocket transport, for sessions that start on it and for polling sessions that upgrade. The
 * client's upgrade request goes to the target as it came (http-proxy, with X-Forwarded-*), the
 * target's answer comes back as it was (101 with its headers, or its refusal), and from then on the
 * two TCP streams are relayed by the link's WebSocketWire: piped (same frames, same bytes,
 * compression and close codes negotiated by the peers themselves, backpressure as a pipe) with a
 * parsed copy of each direction for observation, until an intervention terminates it.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { ClientRegistry } from '../clients/client-registry.js';
import { writeRawResponse } from './errors.js';
import { Exchange } from './exchange.js';
import { Pairing } from './pairing.js';
import { nodeOf, type RelayContext } from './relay-context.js';
import type { EngineRequest } from './request-info.js';
import type { Session } from './session.js';
import { describeTargetError, TARGET_DOWN } from './target-errors.js';
import { nodeUnreachable, type TargetNode } from './target-pool.js';
import { WebSocketLink } from './websocket-link.js';

export class WebSocketRelay {
  /** Open sockets of both legs, so that shutting down can end them (server.close() does not). */
  private readonly sockets = new Set<Duplex>();
  /** The request http-proxy sends to the target for each upgrade the client asked for. */
  private readonly upgrades = new Pairing<IncomingMessage, ClientRequest>();
  /** The upgraded connections to the target, once http-proxy has piped them to the client's. */
  private readonly pipes = new Pairing<Socket, undefined>();

  constructor(private readonly ctx: RelayContext) {
    ctx.httpProxy.on('proxyReqWs', (proxyReq, req) => this.upgrades.settle(req, proxyReq));
    ctx.httpProxy.on('open', (upstream) => this.pipes.settle(upstream, undefined));
  }

  handle(req: IncomingMessage, socket: Duplex, head: Buffer, info: EngineRequest): void {
    const existing = this.ctx.sessions.get(info.sid);
    if (info.sid !== undefined && !existing && !this.ctx.unobserved.claims(info.sid, req)) {
      // As over polling: the target answers a sid we do not know (and refuses it, normally).
      this.ctx.bus.emit({
        type: 'error',
        message: `WebSocket for sid "${info.sid}", unknown to the proxy: relayed to the target unobserved`,
      });
    }
    const exchange = new Exchange(this.ctx.bus, req);
    exchange.sessionId = existing?.sid;
    existing?.upgradeRequested();
    this.track(socket);
    const intervention = this.ctx.intervention;
    if (intervention?.targetDown) return this.targetFailed(req, socket, TARGET_DOWN, existing, exchange);
    if (intervention?.upgradeBlocked(info.sid)) return this.blocked(socket, existing, exchange);

    // A session's WebSocket goes to its node; one that starts on WebSocket to the next in turn, and
    // on to the next when that node refuses the connection (each node tried once).
    const tried = new Set<TargetNode>();
    let node =
      info.sid === undefined
        ? (this.ctx.targets.next() ?? this.ctx.targets.first)
        : nodeOf(this.ctx, existing);
    // The target answered (a refusal relayed, or the 101): from then on nothing can be retried.
    let answered = false;
    let upgraded = false;
    const send = (first: boolean) => {
      tried.add(node);
      this.upgrades.expect(req, (proxyReq) => {
        proxyReq.once('response', (res) => {
          answered = true;
          this.refused(req, res, existing, exchange);
        });
        proxyReq.once('upgrade', (res: IncomingMessage, upstream: Socket) => {
          answered = upgraded = true;
          this.track(upstream);
          // Taps go on once http-proxy has set up its pipe ('open'): a 'data' listener added before
          // would put the socket in flowing mode and take the target's first frame from the pipe.
          const link = new WebSocketLink(this.ctx, req, info, existing, exchange, res, node);
          this.pipes.expect(upstream, () => link.attach(socket, upstream));
        });
      });
      // A retry neither unshifts `head` again (the first try put it back in the socket) nor appends
      // X-Forwarded-* again (the first try wrote them into req.headers).
      const options = first ? { target: node.upstream, xfwd: true } : { target: node.upstream };
      this.ctx.httpProxy.ws(req, socket, first ? head : EMPTY, options, (err) => {
        // After the upgrade an error is the pipe's: WebSocketLink reports how the connection ended.
        if (upgraded) return;
        if (nodeUnreachable(err)) {
          this.ctx.targets.failed(node, describeTargetError(err));
          // Only a handshake may move: a session's upgrade belongs to the node holding its sid.
          const other = info.sid === undefined && !answered ? this.ctx.targets.next(tried) : undefined;
          if (other) {
            const refused = node;
            node = other;
            return retryOnSameSocket(
              socket,
              () => send(false),
              () => this.targetFailed(req, socket, err, existing, exchange, refused),
            );
          }
        }
        this.targetFailed(req, socket, err, existing, exchange, node);
      });
    };
    send(true);
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
      if (existing) existing.upgradeFailed('server', why);
      else this.ctx.clients.failed(ClientRegistry.fingerprint(req), why);
      exchange.response(body);
      exchange.finish(res.statusCode ?? 0, { ...res.headers });
    });
  }

  /** A `block-upgrade` fault: refused as a proxy that does not pass WebSocket would. */
  private blocked(socket: Duplex, existing: Session | undefined, exchange: Exchange): void {
    const why = 'blocked on purpose (a block-upgrade fault of the control API)';
    existing?.upgradeFailed('server', why);
    exchange.finish(400, { 'content-type': 'text/plain' });
    writeRawResponse(socket, '400 Bad Request', `sio-proxy: WebSocket ${why}`, 'text/plain');
  }

  private targetFailed(
    req: IncomingMessage,
    socket: Duplex,
    err: Error,
    existing: Session | undefined,
    exchange: Exchange,
    node: TargetNode = this.ctx.targets.first,
  ): void {
    const why = describeTargetError(err);
    this.ctx.log.warn(`WebSocket ${req.url}: target ${node.origin} ${why}`);
    if (existing) existing.upgradeFailed('server', why);
    else this.ctx.clients.failed(ClientRegistry.fingerprint(req), why);
    exchange.finish(502, { 'content-type': 'text/plain' });
    // Before the upgrade a 502 makes socket.io-client report "websocket error", as a refused
    // connection would; http-proxy ends the socket right after.
    writeRawResponse(socket, '502 Bad Gateway', `sio-proxy: target ${node.origin} ${why}`, 'text/plain');
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * Sends a refused upgrade again on the same client socket, which http-proxy ends right after
 * calling back with the error (ws-incoming.js, onOutgoingError: `clb(err); socket.end()`).
 *
 * Why this way: a connect check before each upgrade would cost every WebSocket handshake a round
 * trip, and sending the upgrade ourselves would duplicate what http-proxy does (headers, TLS,
 * the 101 and the pipe). Here only the one end() call of the failed attempt is absorbed, and the
 * retry waits a tick, until http-proxy is done with that attempt: if a later http-proxy closes the
 * socket some other way (destroy), the socket is seen closed and the refusal is told as before;
 * if it stops ending it, the guard is simply never used. Nothing was written to the client yet (a
 * connection refused comes before any answer), so the client sees one upgrade and one answer.
 */
function retryOnSameSocket(socket: Duplex, retry: () => void, giveUp: () => void): void {
  const end = socket.end;
  socket.end = function (this: Duplex) {
    return this;
  } as Duplex['end'];
  process.nextTick(() => {
    socket.end = end;
    if (socket.destroyed || !socket.writable) return giveUp();
    retry();
  });
}
