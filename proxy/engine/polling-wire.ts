/**
 * The polling requests of one session. Until `terminate()` they are only counted: the relay forwards
 * each request and answer untouched (today's pass-through and its cost). Terminated, the proxy
 * answers the client for itself and talks to the target on its own, one packet at a time through
 * the same hooks as a terminated WebSocket (websocket-wire.ts):
 *
 *   client GET  ◀── answered from `toClient` ◀── hooks ◀── decoded ◀── GET of our own ◀── target
 *   client POST ──▶ decoded ──▶ hooks ──▶ `toServer` batch ──▶ POST of our own (its answer answers the client's)
 *
 * Engine.IO's polling rules hold on both legs: one GET waits per client and one POST of ours is in
 * flight to the target; a GET of ours goes out only while the client has one waiting, so the target
 * sees the client's pace. Packets a hook holds stay in order behind it (the GET answer carries what
 * is decided; the rest follows in later answers). What the proxy sends of its own (emits, a pong in
 * the client's place) goes in the next answer, at once when a GET waits, and towards the target in a
 * POST of its own when none is in flight.
 */
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { decodePayload, type EioVersion, type EnginePacket } from '../../shared/engineio.js';
import type { Direction } from '../../shared/events.js';
import { decodeContent, UnsupportedEncodingError } from './content-encoding.js';
import type { Exchange } from './exchange.js';
import { encodePayload, frameOf, packetOf } from './polling-payload.js';
import {
  HOP_BY_HOP,
  markForwarded,
  requestUpstream,
  type UpstreamAnswer,
  type UpstreamTarget,
} from './polling-upstream.js';
import type { Session } from './session.js';
import type { LinkHooks, PacketMark, Verdict } from './websocket-wire.js';

/** A packet on its way out, with what the proxy did to it and who waits for its event's seq. */
interface Outgoing {
  packet: EnginePacket;
  mark?: PacketMark;
  sent?: (seq: number) => void;
}

/** A client POST: answered once its packets are decided and the POST that carried the last is. */
interface ClientPost {
  res: ServerResponse;
  left: number;
  carrier?: Batch;
}

/** The packets of one POST of ours, and the client POSTs waiting for its answer. */
interface Batch {
  items: Outgoing[];
  waiters: ClientPost[];
  answer?: UpstreamAnswer | Error;
}

interface Arrival {
  packet: EnginePacket;
  post: ClientPost | undefined;
  verdict: Verdict | Promise<Verdict>;
}

interface WaitingGet {
  res: ServerResponse;
  exchange: Exchange;
}

const PASS: Verdict = { action: 'pass' };
const INJECTED: PacketMark = { injected: true };
const EDITED: PacketMark = { edited: true };
/** engine.io's answer to a POST. */
const OK = Buffer.from('ok');

/** Headers of the target's answers that the proxy's own answers must not copy. */
const NOT_COPIED = new Set([
  ...HOP_BY_HOP,
  'content-length',
  'content-encoding',
  'content-type',
  'set-cookie',
  'date',
]);

export interface PollingWireOptions {
  upstream: UpstreamTarget;
  /** The handshake: the model of the proxy's own requests until the client sends others. */
  handshake: IncomingMessage;
  /** The handshake answer's headers (CORS, ...): the model of the proxy's own answers. */
  answerHeaders: IncomingHttpHeaders;
}

export class PollingWire {
  private hooks: LinkHooks | undefined;
  /** Pass-through: the client GET being relayed whose answer has not started, and POSTs in flight. */
  private relayedGet: ServerResponse | undefined;
  private relayedExchange: Exchange | undefined;
  private relayedPosts = 0;
  /** A relayed GET the proxy answered itself at termination: the target's answer to it is ours. */
  private adopted: ServerResponse | undefined;

  private waitingGet: WaitingGet | undefined;
  private ourGet: ClientRequest | 'adopted' | undefined;
  private ourPost: ClientRequest | undefined;
  private readonly toClient: Outgoing[] = [];
  private openBatch: Batch | undefined;
  private readonly lanes: Record<Direction, Arrival[]> = { c2s: [], s2c: [] };
  private readonly draining = { c2s: false, s2c: false };
  /** An answer of the target to give the client as it came (an error, a body we cannot read). */
  private verbatim: UpstreamAnswer | undefined;
  private failNext = false;
  private stalled = false;
  private scheduled = false;
  private lastGet: IncomingMessage;
  private lastPost: IncomingMessage | undefined;
  private answerHeaders: IncomingHttpHeaders;
  /** EIO3 peers take XHR2 binary payloads unless the session asked for base64 (`b64`). */
  private readonly binary: boolean;
  private readonly eio: EioVersion;
  /**
   * Where packets for the client go once the session upgraded (set by intervention: the session's
   * WebSocket); without it they are lost, and the session's error says so.
   */
  afterUpgrade: ((data: Buffer, isBinary: boolean) => void) | undefined;

  constructor(
    private readonly session: Session,
    private readonly opts: PollingWireOptions,
    /** Told the seq of every packet event the wire reports (an emit's answer names it). */
    private readonly reported: (seq: number) => void,
  ) {
    this.eio = session.eio;
    this.lastGet = opts.handshake;
    this.answerHeaders = opts.answerHeaders;
    this.binary = !new URL(opts.handshake.url ?? '/', 'http://x').searchParams.has('b64');
  }

  get terminated(): boolean {
    return this.hooks !== undefined;
  }

  /**
   * Whether the client's requests are the proxy's to answer: terminated, and the session open on
   * polling, or ended with packets still for the client (the close packet of a close-transport).
   */
  get answering(): boolean {
    if (!this.hooks || this.session.transport !== 'polling') return false;
    return this.session.readyState === 'open' || this.toClient.length > 0;
  }

  // ---- pass-through: the relay reports what it forwards, so that terminate() can take over --------

  /** The relay forwards a client request as it came (no allocation: this runs per request). */
  relaying(kind: 'get' | 'post', res: ServerResponse, exchange: Exchange): void {
    if (kind === 'get') {
      this.relayedGet = res;
      this.relayedExchange = exchange;
    } else {
      this.relayedPosts++;
      res.once('close', this.relayedPostDone);
    }
  }

  private readonly relayedPostDone = (): void => {
    this.relayedPosts--;
    this.flush();
  };

  /**
   * The target answers a relayed GET. True: the proxy answered that GET itself when it terminated,
   * and this answer is its own to read (http-proxy leaves an answered response alone).
   */
  relayedAnswer(res: ServerResponse, answer: IncomingMessage): boolean {
    if (this.relayedGet === res) this.relayedGet = this.relayedExchange = undefined;
    if (this.adopted !== res) return false;
    this.adopted = undefined;
    const chunks: Buffer[] = [];
    answer.on('data', (c: Buffer) => chunks.push(c));
    answer.on('end', () => {
      this.ourGet = undefined;
      this.fromTarget({
        status: answer.statusCode ?? 502,
        headers: answer.headers,
        body: Buffer.concat(chunks),
      });
    });
    return true;
  }

  /**
   * From now on the proxy answers the client itself and every packet passes `hooks`. A GET waiting
   * at the target is answered with a noop (the client polls again at once, this time to us) and the
   * target's answer to it becomes the proxy's.
   */
  terminate(hooks: LinkHooks): Promise<void> {
    if (this.hooks) return Promise.resolve();
    this.hooks = hooks;
    const res = this.relayedGet;
    const exchange = this.relayedExchange;
    this.relayedGet = this.relayedExchange = undefined;
    // Still waiting at the target (not answered, not left by the client).
    if (res && exchange && !res.headersSent && !res.destroyed) {
      this.adopted = res;
      this.ourGet = 'adopted';
      this.answer({ res, exchange }, [{ packet: { type: 'noop', wireSize: 1 }, mark: INJECTED }]);
    }
    return Promise.resolve();
  }

  // ---- terminated: the client's requests --------------------------------------------------------

  /** A client GET: answered from what waits for the client, or when something comes. */
  get(req: IncomingMessage, res: ServerResponse, exchange: Exchange): void {
    markForwarded(req);
    this.lastGet = req;
    if (this.waitingGet) {
      // engine.io closes a session whose client overlaps two GETs; the session's error says so.
      return this.reply(res, 400, JSON.stringify({ code: 3, message: 'Bad request' }), 'application/json');
    }
    const waiting = { res, exchange };
    this.waitingGet = waiting;
    res.once('close', () => {
      if (this.waitingGet !== waiting) return;
      this.waitingGet = undefined;
      // A client that leaves its poll: the target sees its request cut too, as it would directly.
      const ours = this.ourGet;
      if (!res.writableFinished && !this.stalled && typeof ours === 'object') {
        this.ourGet = undefined;
        ours.destroy();
      }
    });
    this.deliver();
    this.pollTarget();
  }

  /** A client POST: its packets pass the hooks; it is answered with the answer to the POST that carried them. */
  post(req: IncomingMessage, res: ServerResponse, exchange: Exchange): void {
    markForwarded(req);
    this.lastPost = req;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      exchange.request(body);
      let packets: EnginePacket[];
      try {
        const binary = (req.headers['content-type'] ?? '').startsWith('application/octet-stream');
        packets = decodePayload(body, { eio: this.eio, binary, jsonp: false });
      } catch (err) {
        this.session.error(
          `undecodable polling payload: ${(err as Error).message}`,
          body.toString('latin1', 0, 200),
        );
        return this.reply(res, 400, JSON.stringify({ code: 3, message: 'Bad request' }), 'application/json');
      }
      const post: ClientPost = { res, left: packets.length };
      for (const packet of packets) this.arrive('c2s', packet, post);
    });
  }

  // ---- what the proxy does of its own -------------------------------------------------------------

  /** Sends a packet (in its WebSocket-frame form) of the proxy's own; resolves with its event's seq once sent. */
  inject(direction: Direction, data: Buffer | string, isBinary = typeof data !== 'string'): Promise<number> {
    const packet = packetOf(this.eio, data, isBinary);
    return new Promise((sent) => this.out(direction, { packet, mark: INJECTED, sent }));
  }

  /** The client's transport fails: its waiting (or next) poll gets an error answer ("xhr poll error"). */
  failTransport(): void {
    this.failNext = true;
    this.deliver();
  }

  /** Nothing flows either way, nothing is answered: a dead network. */
  pause(): void {
    this.stalled = true;
  }

  resume(): void {
    this.stalled = false;
    this.deliver();
    this.flush();
    this.pollTarget();
  }

  // ---- the packets ------------------------------------------------------------------------------

  private arrive(direction: Direction, packet: EnginePacket, post?: ClientPost): void {
    let verdict: Verdict | Promise<Verdict>;
    try {
      const frame = frameOf(this.eio, packet);
      verdict = this.hooks!.message(direction, {
        data: frame.data,
        isBinary: frame.isBinary,
        compressed: false,
      });
    } catch {
      verdict = PASS; // a hook that fails must not eat the packet
    }
    const lane = this.lanes[direction];
    if (lane.length === 0 && !(verdict instanceof Promise))
      return this.apply(direction, packet, post, verdict);
    lane.push({ packet, post, verdict });
    void this.drain(direction);
  }

  /** Packets held behind a pending verdict go out in arrival order. */
  private async drain(direction: Direction): Promise<void> {
    if (this.draining[direction]) return;
    this.draining[direction] = true;
    const lane = this.lanes[direction];
    try {
      while (lane.length) {
        const head = lane[0]!;
        let verdict: Verdict;
        try {
          verdict = await head.verdict;
        } catch {
          verdict = PASS;
        }
        lane.shift();
        this.apply(direction, head.packet, head.post, verdict);
      }
    } finally {
      this.draining[direction] = false;
    }
  }

  private apply(
    direction: Direction,
    packet: EnginePacket,
    post: ClientPost | undefined,
    verdict: Verdict,
  ): void {
    if (verdict.action === 'pass') this.out(direction, { packet }, post);
    else if (verdict.action === 'replace') {
      const parts = [{ data: verdict.data, isBinary: verdict.isBinary }, ...(verdict.more ?? [])];
      parts.forEach((m, i) => {
        const mark = i === 0 ? (verdict.mark ?? EDITED) : verdict.mark;
        this.out(
          direction,
          { packet: packetOf(this.eio, m.data, m.isBinary), ...(mark ? { mark } : {}) },
          post,
        );
      });
    }
    if (post && --post.left === 0) this.decided(post);
  }

  private out(direction: Direction, item: Outgoing, post?: ClientPost): void {
    if (direction === 's2c') this.toClient.push(item);
    else {
      const batch = (this.openBatch ??= { items: [], waiters: [] });
      batch.items.push(item);
      if (post) post.carrier = batch;
    }
    this.schedule();
  }

  /** Everything decided in one turn goes in one answer or one POST. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.deliver();
      this.flush();
    });
  }

  /** Every packet of a client POST is decided: it is answered with its carrier's answer, or `ok` if none went on. */
  private decided(post: ClientPost): void {
    const carrier = post.carrier;
    if (!carrier) return this.reply(post.res, 200, OK, 'text/html');
    if (carrier.answer) this.answerPost(post, carrier.answer);
    else carrier.waiters.push(post);
  }

  // ---- towards the client -----------------------------------------------------------------------

  /** The session now lives on a WebSocket: what is (or will be) decided for the client goes there. */
  upgraded(): void {
    if (this.hooks) this.deliver();
  }

  private deliver(): void {
    if (this.session.transport !== 'polling') return this.handOver();
    const get = this.waitingGet;
    if (!get || this.stalled) return;
    if (this.failNext) {
      this.failNext = false;
      this.waitingGet = undefined;
      return this.reply(get.res, 500, 'sio-proxy: transport-error fault', 'text/plain');
    }
    if (this.verbatim) {
      const { status, headers, body } = this.verbatim;
      this.verbatim = undefined;
      this.waitingGet = undefined;
      get.exchange.response(body);
      return this.reply(get.res, status, body, String(headers['content-type'] ?? 'text/plain'));
    }
    if (this.toClient.length === 0) return;
    this.waitingGet = undefined;
    this.answer(get, this.toClient.splice(0));
  }

  private handOver(): void {
    const items = this.toClient.splice(0);
    if (items.length === 0) return;
    if (!this.afterUpgrade) {
      this.session.error(`${items.length} packet(s) held for the client over polling lost in the upgrade`);
      return;
    }
    for (const item of items) {
      const frame = frameOf(this.eio, item.packet);
      this.afterUpgrade(frame.data, frame.isBinary);
    }
  }

  private answer(get: { res: ServerResponse; exchange: Exchange }, items: Outgoing[]): void {
    const { body, contentType } = encodePayload(
      this.eio,
      items.map((i) => i.packet),
      this.binary,
    );
    get.exchange.response(body);
    this.reply(get.res, 200, body, contentType);
    this.report('s2c', items);
  }

  // ---- towards the target -----------------------------------------------------------------------

  /** A GET of ours, while the client has one waiting and none of ours is out. */
  private pollTarget(): void {
    if (this.ourGet || !this.waitingGet || this.stalled || this.over) return;
    const like = this.lastGet;
    const get = requestUpstream(
      this.opts.upstream,
      like,
      this.pathOf(like),
      'GET',
      undefined,
      (err, answer) => {
        if (this.ourGet !== get) return; // cut by us, as the client cut its own
        this.ourGet = undefined;
        if (err) {
          this.session.targetUnreachable();
          this.verbatim = { status: 502, headers: {}, body: Buffer.from(`sio-proxy: target ${err.message}`) };
          return this.deliver();
        }
        this.fromTarget(answer!);
      },
    );
    this.ourGet = get;
  }

  private fromTarget(answer: UpstreamAnswer): void {
    this.answerHeaders = answer.headers;
    let packets: EnginePacket[] | undefined;
    if (answer.status === 200) {
      try {
        const body = decodeContent(answer.body, answer.headers['content-encoding']);
        const binary = (answer.headers['content-type'] ?? '').startsWith('application/octet-stream');
        packets = decodePayload(body, { eio: this.eio, binary, jsonp: false });
      } catch (err) {
        if (err instanceof UnsupportedEncodingError) this.session.unreadableAnswers(err.coding, err.message);
        else this.session.error(`undecodable polling payload: ${(err as Error).message}; relayed as it came`);
      }
    } else this.session.targetRefused(answer.status, answer.body.toString('utf8', 0, 500));
    if (!packets) {
      // What the proxy cannot read, the client judges, as without us.
      this.verbatim = answer;
      return this.deliver();
    }
    for (const packet of packets) this.arrive('s2c', packet);
    // Everything held or dropped: the client still waits, so the target is asked again.
    if (this.toClient.length === 0) this.pollTarget();
  }

  /** The open batch as a POST of ours, when none is in flight (nor one the relay forwarded). */
  private flush(): void {
    const batch = this.openBatch;
    if (!batch || this.ourPost || this.relayedPosts > 0 || this.stalled) return;
    this.openBatch = undefined;
    const { body, contentType } = encodePayload(
      this.eio,
      batch.items.map((i) => i.packet),
      this.binary,
    );
    this.report('c2s', batch.items);
    const like = this.lastPost ?? this.lastGet;
    const data = { data: body, contentType };
    this.ourPost = requestUpstream(
      this.opts.upstream,
      like,
      this.pathOf(like),
      'POST',
      data,
      (err, answer) => {
        this.ourPost = undefined;
        const result = err ?? answer!;
        batch.answer = result;
        if (err) this.session.targetUnreachable();
        else if (answer!.status !== 200)
          this.session.targetRefused(answer!.status, answer!.body.toString('utf8', 0, 500));
        for (const post of batch.waiters) this.answerPost(post, result);
        this.flush();
      },
    );
  }

  private answerPost(post: ClientPost, answer: UpstreamAnswer | Error): void {
    if (answer instanceof Error)
      return this.reply(post.res, 502, `sio-proxy: target ${answer.message}`, 'text/plain');
    this.reply(post.res, answer.status, answer.body, String(answer.headers['content-type'] ?? 'text/html'));
  }

  // ---- common -----------------------------------------------------------------------------------

  /** The model request's path, with the session's sid (the handshake has none). */
  private pathOf(like: IncomingMessage): string {
    const url = like.url ?? '/';
    if (/[?&]sid=/.test(url)) return url;
    return `${url}${url.includes('?') ? '&' : '?'}sid=${encodeURIComponent(this.session.sid)}`;
  }

  /** The session left polling (upgraded) or ended: the proxy asks the target for nothing more. */
  private get over(): boolean {
    return this.session.readyState !== 'open' || this.session.transport !== 'polling';
  }

  private report(direction: Direction, items: Outgoing[]): void {
    for (const item of items) {
      const seq = this.session.observe(direction, [item.packet], 'polling', item.mark);
      this.reported(seq);
      item.sent?.(seq);
    }
    this.session.closedOverPolling(direction);
  }

  /** An answer of the proxy's own, with the headers the target gives its answers (CORS and the like). */
  private reply(res: ServerResponse, status: number, body: Buffer | string, contentType: string): void {
    if (res.headersSent || res.destroyed) return;
    const data = typeof body === 'string' ? Buffer.from(body) : body;
    for (const [name, value] of Object.entries(this.answerHeaders))
      if (value !== undefined && !NOT_COPIED.has(name)) res.setHeader(name, value);
    res.setHeader('content-type', contentType);
    res.setHeader('content-length', String(data.length));
    res.writeHead(status);
    res.end(data);
  }
}
