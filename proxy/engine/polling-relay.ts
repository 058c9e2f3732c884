/**
 * HTTP long-polling. Each request of the client becomes one request to the target and each answer
 * one answer back, bytes untouched (but for the handshake's hidden upgrades): the timing of polls,
 * heartbeats, noops during an upgrade and the target's own error answers all stay end to end. Copies
 * of the bodies are decoded after the fact, for observation only. A session intervention terminated
 * is answered by its PollingWire instead (polling-wire.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { decodePayload, parseOpen, type PayloadFraming } from '../../shared/engineio.js';
import type { Direction } from '../../shared/events.js';
import { tapBody } from './body-tap.js';
import { decodeContent, UnsupportedEncodingError } from './content-encoding.js';
import { Exchange } from './exchange.js';
import { rewriteHandshakeBody } from './handshake.js';
import { Pairing } from './pairing.js';
import { PollingLink, type PollKind } from './polling-link.js';
import { HOP_BY_HOP } from './polling-upstream.js';
import { PollingWire } from './polling-wire.js';
import { nodeOf, type RelayContext } from './relay-context.js';
import type { EngineRequest } from './request-info.js';
import { ClientRegistry } from '../clients/client-registry.js';
import { Session } from './session.js';
import { describeTargetError, TARGET_DOWN } from './target-errors.js';
import { nodeUnreachable, type TargetNode } from './target-pool.js';

export class PollingRelay {
  /** The target's answer to each request relayed, handed to the call that waits for it. */
  private readonly answers = new Pairing<IncomingMessage, IncomingMessage>();
  /** Answers the relay itself cut short (mirroring the target), not the client. */
  private readonly cutByRelay = new WeakSet<ServerResponse>();

  constructor(private readonly ctx: RelayContext) {
    ctx.httpProxy.on('proxyRes', (proxyRes, req) => this.answers.settle(req, proxyRes));
  }

  handle(req: IncomingMessage, res: ServerResponse, info: EngineRequest): void {
    const exchange = new Exchange(this.ctx.bus, req, res);
    if (this.ctx.intervention?.targetDown) return this.downOnPurpose(req, res, info, exchange);
    if (info.sid === undefined) return this.handshake(req, res, info, exchange);
    const session = this.ctx.sessions.get(info.sid) ?? this.ctx.sessions.recentlyEnded(info.sid);
    if (!session) return this.unknown(req, res, info.sid);
    exchange.sessionId = session.sid;
    if (req.method === 'GET') this.poll(req, res, info, session, exchange);
    else if (req.method === 'POST') this.post(req, res, info, session, exchange);
    else this.forward(req, res, session); // the target answers a bad method with its own error
  }

  /**
   * A `target-down` fault: answered as a down target is, and taken as one: a refused handshake is a
   * failed attempt of its client, a refused request of a session ends it (as `forward` does).
   */
  private downOnPurpose(
    req: IncomingMessage,
    res: ServerResponse,
    info: EngineRequest,
    exchange: Exchange,
  ): void {
    if (info.sid === undefined)
      this.ctx.clients.failed(ClientRegistry.fingerprint(req), describeTargetError(TARGET_DOWN));
    else {
      const session = this.ctx.sessions.get(info.sid);
      exchange.sessionId = session?.sid;
      session?.targetUnreachable();
    }
    this.targetFailed(TARGET_DOWN, req, res);
  }

  /**
   * Handshake: the answer is read whole, so the session exists before its first packet is told. It
   * goes to the next node in turn; a node that refuses the connection is set aside and the handshake
   * tried on the next (a handshake is a GET without a body: it can be sent again).
   */
  private handshake(
    req: IncomingMessage,
    res: ServerResponse,
    info: EngineRequest,
    exchange: Exchange,
  ): void {
    const tried = new Set<TargetNode>();
    let node = this.ctx.targets.next() ?? this.ctx.targets.first;
    const send = () => {
      tried.add(node);
      this.ctx.httpProxy.web(
        req,
        res,
        {
          target: node.upstream,
          // The first try wrote the X-Forwarded-* headers into req: a retry adding them again
          // would tell the target the client came through two proxies.
          xfwd: tried.size === 1,
          selfHandleResponse: true,
          // A retry cannot pipe the request again: it was read to its end by the first try.
          ...(tried.size > 1 ? { buffer: Readable.from([]) } : {}),
        },
        (err) => {
          if (nodeUnreachable(err)) {
            this.ctx.targets.failed(node, describeTargetError(err));
            const other = req.method === 'GET' && !res.headersSent ? this.ctx.targets.next(tried) : undefined;
            if (other) {
              node = other;
              return send();
            }
          }
          this.ctx.clients.failed(ClientRegistry.fingerprint(req), describeTargetError(err));
          this.targetFailed(err, req, res, node);
        },
      );
    };
    send();
    this.onResponse(req, (proxyRes) => {
      tapBody(proxyRes, (body) => {
        if (!body) return res.destroy();
        const opened = this.openSession(req, proxyRes, body, info, node);
        const out = opened?.body ?? body;
        exchange.sessionId = opened?.session.sid;
        exchange.response(opened?.decoded ?? out);
        const headers = { ...proxyRes.headers };
        for (const h of HOP_BY_HOP) delete headers[h];
        // A rewritten answer is sent as it was decoded.
        if (opened?.body) delete headers['content-encoding'];
        headers['content-length'] = String(out.length);
        // Set one by one (not passed to writeHead) so that the `http` event's Exchange reads them
        // back with getHeaders(): the handshake's CORS headers are what shared/analysis judges.
        for (const [name, value] of Object.entries(headers))
          if (value !== undefined) res.setHeader(name, value);
        res.writeHead(proxyRes.statusCode ?? 502, proxyRes.statusMessage);
        res.end(out);
      });
    });
  }

  /** Registers the session from the target's open packet; returns a rewritten body if needed. */
  private openSession(
    req: IncomingMessage,
    proxyRes: IncomingMessage,
    body: Buffer,
    info: EngineRequest,
    node: TargetNode,
  ): { session: Session; body?: Buffer; decoded: Buffer } | undefined {
    const fingerprint = ClientRegistry.fingerprint(req);
    if (proxyRes.statusCode !== 200) {
      this.ctx.clients.failed(
        fingerprint,
        `the target answered ${proxyRes.statusCode}: ${body.toString('utf8', 0, 200)}`,
      );
      return undefined;
    }
    const framing = framingOf(info, proxyRes);
    let packets;
    let decoded: Buffer;
    try {
      decoded = decodeContent(body, proxyRes.headers['content-encoding']);
      packets = decodePayload(decoded, framing);
    } catch (err) {
      this.unobservedHandshake(req, (err as Error).message);
      return undefined;
    }
    const open = packets[0]?.type === 'open' ? parseOpen(packets[0].data) : undefined;
    if (!open) return undefined;
    const rewrite = framing.binary ? undefined : rewriteHandshakeBody(decoded.toString('utf8'), info.eio);
    const client = {
      fingerprint,
      registry: this.ctx.clients,
      ...this.ctx.clients.connected(fingerprint, req.socket),
    };
    const cluster = this.ctx.targets.size > 1 ? node : undefined;
    const link = new PollingLink();
    const session = new Session(open.sid, info.eio, link, open, this.ctx.bus, client, cluster);
    this.ctx.clients.usedConnection(req.socket, session);
    this.ctx.sessions.add(session);
    session.announce(req, node.origin, rewrite?.hidden ?? []);
    if (rewrite && packets[0]) packets[0].modified = true;
    session.observe('s2c', packets);
    if (this.ctx.intervention && !framing.jsonp) this.interceptable(link, session, req, proxyRes);
    return rewrite
      ? { session, body: Buffer.from(rewrite.data, 'utf8'), decoded: Buffer.from(rewrite.data, 'utf8') }
      : { session, decoded };
  }

  /**
   * The target's answer to a handshake could not be read (a Content-Encoding this Node cannot undo,
   * or corrupt data): it is relayed as it came, and its session goes unseen. Said once, here; the
   * session's later requests are then relayed without an error each (see UnobservedSessions).
   */
  private unobservedHandshake(req: IncomingMessage, why: string): void {
    this.ctx.unobserved.handshake(req);
    const message = `the target's answer to the handshake ${req.method} ${req.url} did not decode (${why}): its session is relayed untouched and its packets cannot be observed`;
    this.ctx.log.warn(message);
    this.ctx.bus.emit({ type: 'error', message });
  }

  /** A link intervention can terminate (JSONP sessions stay relayed as they are). */
  private interceptable(
    link: PollingLink,
    session: Session,
    req: IncomingMessage,
    proxyRes: IncomingMessage,
  ): void {
    const upstream = { target: nodeOf(this.ctx, session).url, insecure: !!this.ctx.insecure };
    link.owner = session;
    link.wire = new PollingWire(
      session,
      { upstream, handshake: req, answerHeaders: proxyRes.headers },
      (seq) => (link.lastSeq = seq),
    );
    this.ctx.intervention!.wireOpened(link);
    session.onClosed(() => this.ctx.intervention!.wireClosed(link));
  }

  /** The session's wire when it answers the client's requests itself (see PollingWire.answering). */
  private answering(session: Session): PollingWire | undefined {
    const wire = session.pollingLink?.wire;
    return wire?.answering ? wire : undefined;
  }

  private poll(
    req: IncomingMessage,
    res: ServerResponse,
    info: EngineRequest,
    session: Session,
    exchange: Exchange,
  ): void {
    this.track(session, res, 'get');
    const answering = this.answering(session);
    if (answering) return answering.get(req, res, exchange);
    const wire = session.pollingLink?.wire;
    wire?.relaying('get', res, exchange);
    this.forward(req, res, session);
    this.onResponse(req, (proxyRes) => {
      if (wire?.relayedAnswer(res, proxyRes)) return;
      if (proxyRes.statusCode !== 200) return this.refused(session, proxyRes);
      tapBody(proxyRes, (body) => {
        const decoded = this.decoded(session, body, proxyRes);
        exchange.response(decoded ?? undefined);
        this.observeBody(session, 's2c', decoded, framingOf(info, proxyRes));
      });
    });
  }

  private post(
    req: IncomingMessage,
    res: ServerResponse,
    info: EngineRequest,
    session: Session,
    exchange: Exchange,
  ): void {
    this.track(session, res, 'post');
    const answering = this.answering(session);
    if (answering) return answering.post(req, res, exchange);
    session.pollingLink?.wire?.relaying('post', res, exchange);
    this.forward(req, res, session);
    // Observed as sent: engine.io undoes no Content-Encoding on requests (only its answers are
    // compressed), so a compressed body is what the target reads, and rejects.
    tapBody(req, (body) => {
      exchange.request(body);
      this.observeBody(session, 'c2s', body, framingOf(info, req));
    });
    this.onResponse(req, (proxyRes) => {
      if (proxyRes.statusCode !== 200) this.refused(session, proxyRes);
    });
  }

  /**
   * A sid this proxy did not see handshake (garbage, or a session from before a proxy restart): the
   * target answers it, so the answer is engine.io's own, CORS headers included. Relayed unobserved.
   */
  private unknown(req: IncomingMessage, res: ServerResponse, sid: string): void {
    if (!this.ctx.unobserved.claims(sid, req))
      this.ctx.bus.emit({
        type: 'error',
        message: `${req.method} for sid "${sid}", unknown to the proxy: relayed to the target unobserved`,
      });
    const node = this.ctx.targets.any();
    this.ctx.httpProxy.web(req, res, { target: node.upstream, xfwd: true }, (err) =>
      this.targetFailed(err, req, res, node),
    );
  }

  private forward(req: IncomingMessage, res: ServerResponse, session: Session): void {
    const node = nodeOf(this.ctx, session);
    this.ctx.httpProxy.web(req, res, { target: node.upstream, xfwd: true }, (err) => {
      if (req.method === 'POST' && (err as { code?: string }).code === 'ECONNRESET')
        return this.cut(req, res, session);
      if (nodeUnreachable(err)) this.ctx.targets.failed(node, describeTargetError(err));
      session.targetUnreachable();
      this.targetFailed(err, req, res, node);
    });
  }

  /**
   * The target reset a POST it had accepted: engine.io 3 answers a body over maxHttpBufferSize so
   * (no 413), then closes the session with a close packet on the pending poll, which ends it here.
   * The client's connection is cut the same way.
   */
  private cut(req: IncomingMessage, res: ServerResponse, session: Session): void {
    session.targetCut(Number(req.headers['content-length'] ?? 0));
    this.cutByRelay.add(res);
    res.destroy();
  }

  /** The session hears when each request starts and how it ended; it decides what that means. */
  private track(session: Session, res: ServerResponse, kind: PollKind): void {
    session.pollStarted(kind);
    if (res.socket) this.ctx.clients.usedConnection(res.socket, session);
    res.once('close', () =>
      session.pollEnded(
        kind,
        res.writableFinished ? 'answered' : this.cutByRelay.has(res) ? 'cut' : 'abandoned',
      ),
    );
  }

  /**
   * The tapped body without its Content-Encoding (undefined: too large to tap; null: it did not
   * decode, and the session's error says so).
   */
  private decoded(
    session: Session,
    body: Buffer | undefined,
    msg: IncomingMessage,
  ): Buffer | undefined | null {
    const encoding = msg.headers['content-encoding'];
    if (!body || !encoding) return body;
    try {
      return decodeContent(body, encoding);
    } catch (err) {
      if (err instanceof UnsupportedEncodingError) {
        if (session.unreadableAnswers(err.coding, err.message))
          this.ctx.log.warn(
            `session ${session.sid}: Content-Encoding "${err.coding}" not observed: ${err.message}`,
          );
        return null;
      }
      session.error(
        `polling body not observed: Content-Encoding ${String(encoding)}: ${(err as Error).message}`,
      );
      return null;
    }
  }

  private observeBody(
    session: Session,
    dir: Direction,
    body: Buffer | undefined | null,
    framing: PayloadFraming,
  ): void {
    if (body === null) return;
    if (!body) return session.error('polling body too large to observe; relayed untouched');
    let packets;
    try {
      packets = decodePayload(body, framing);
    } catch (err) {
      return session.error(
        `undecodable polling payload: ${(err as Error).message}`,
        body.toString('latin1', 0, 200),
      );
    }
    session.polled(dir, packets);
  }

  /** The target refused a request of a live session: it no longer knows it, or closed it for cause. */
  private refused(session: Session, proxyRes: IncomingMessage): void {
    tapBody(proxyRes, (body) =>
      session.targetRefused(proxyRes.statusCode ?? 0, body ? body.toString('utf8', 0, 500) : ''),
    );
  }

  private onResponse(req: IncomingMessage, fn: (proxyRes: IncomingMessage) => void): void {
    this.answers.expect(req, fn);
  }

  private targetFailed(
    err: Error,
    req: IncomingMessage,
    res: ServerResponse,
    node: TargetNode = this.ctx.targets.first,
  ): void {
    const why = describeTargetError(err);
    this.ctx.log.warn(`${req.method} ${req.url}: target ${node.origin} ${why}`);
    // A 502 makes engine.io-client report "xhr poll error", exactly as a refused connection would.
    if (!res.headersSent) {
      res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end(`sio-proxy: target ${node.origin} ${why}`);
    } else res.destroy();
  }
}

function framingOf(info: EngineRequest, msg: IncomingMessage): PayloadFraming {
  return {
    eio: info.eio,
    binary: (msg.headers['content-type'] ?? '').startsWith('application/octet-stream'),
    jsonp: info.query.j !== undefined,
  };
}
