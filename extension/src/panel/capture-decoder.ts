/**
 * Turns the page script's raw captures (../capture/protocol.ts) into the panel's event model
 * (shared/events.ts): an adapter over the protocol core (shared/protocol/), which reads each session
 * as the proxy and HAR import do. This file keeps what only a page capture has: documents and frames,
 * WebSocket connections, fetch/XHR exchanges, and the client's reconnect attempts. Events: `session`,
 * `packet`, `http`, `upgrade`, `close`, `connect`, `connect_error`, `disconnect`, `ack` and `attempt`.
 *
 * In-page capture sees one leg only, the browser's: every event is the `client` leg, and what only
 * the server knows (its disconnect reason, rooms, the client's address, the headers the browser adds)
 * is absent or says so. Captures are taken in arrival order; those already seen (a replay after a
 * reconnect) are skipped by their document id and counter.
 */
import { CLIENT_REASONS } from '../../../shared/disconnect-reasons.js';
import type {
  Confidence,
  Direction,
  ProxyEvent,
  TransportName,
  UnstampedEvent,
} from '../../../shared/events.js';
import {
  base64ToBytes,
  eioOf,
  type EioVersion,
  type EngineCodec,
  engineCodec,
  type EnginePacket,
  ObservedSession,
  observedSessionEvent,
  parseOpen,
  upgradeStep,
} from '../../../shared/protocol/index.js';
import type {
  Capture,
  HttpCapture,
  WsCloseCapture,
  WsFrameCapture,
  WsOpenCapture,
} from '../capture/protocol.js';

/** What only the server side knows, in the words the panel shows. */
export const SERVER_UNKNOWN = 'unknown (in-page capture sees the browser side only)';

interface WsConn {
  url: URL;
  origin: string;
  /** Chosen at the WebSocket's open, from its `EIO=`. */
  codec: EngineCodec;
  sid: string | undefined;
}

/** What the page knows of the session beside what the core reads from its packets. */
interface PageSession {
  /** The protocol core's reading of the session. */
  core: ObservedSession;
  doc: string;
  /** The frame of `doc` (see Capture.frame): 0 for the top one. */
  frame: number;
  clientKey: string;
  /** The WebSocket connection probing or carrying this session. */
  wsConn?: string;
}

/** In-page capture sees the client leg only. */
const PAGE_VIEW = { upgradeLegs: ['client'], serverUnknown: SERVER_UNKNOWN } as const;

/**
 * One client of a document's endpoint, as far as the capture can tell: a series of sessions, one
 * open at a time. The capture sees sockets and requests, not socket.io-client's Manager, so two
 * clients of one endpoint are told apart only while both are open (see pickClient).
 */
interface ClientState {
  key: string;
  next: number;
  lastTs: number;
  cause?: string;
  /** A session of this client is open. */
  open: boolean;
  /** Its session dropped in a way socket.io-client reconnects from, or its last attempt failed. */
  waiting: boolean;
  /** Another client waiting with it was given a reconnect by a guess: it may have been this one's. */
  ambiguous?: boolean;
}

/** Which client an attempt is filed under, and how sure that is. */
interface Pick {
  client: ClientState;
  confidence: Confidence;
  evidence: string[];
}

export class CaptureDecoder {
  private seq = 0;
  private out: ProxyEvent[] = [];
  private readonly seen = new Map<string, Set<number>>();
  private readonly conns = new Map<string, WsConn>();
  private readonly sessions = new Map<string, PageSession>();
  /** The clients of each document's endpoint (see endpointKey), in the order they appeared. */
  private readonly endpoints = new Map<string, ClientState[]>();
  /** The URL of each iframe document seen, for its sessions' client keys. */
  private readonly frameUrls = new Map<string, string>();

  /**
   * The events of a batch of captures; `documents` lists the URLs of new top documents (reloads and
   * navigations of the tab, not of its iframes), in order.
   */
  push(captures: readonly Capture[]): { events: ProxyEvent[]; documents: string[] } {
    const documents: string[] = [];
    for (const c of captures) {
      let seen = this.seen.get(c.doc);
      if (!seen) this.seen.set(c.doc, (seen = new Set()));
      if (seen.has(c.n)) continue;
      seen.add(c.n);
      try {
        this.one(c, documents);
      } catch (err) {
        this.emit(c.ts, { type: 'error', message: `capture not decoded: ${(err as Error).message}` });
      }
    }
    const events = this.out;
    this.out = [];
    return { events, documents };
  }

  private one(c: Capture, documents: string[]): void {
    switch (c.k) {
      case 'doc':
        if (c.frame) {
          this.frameUrls.set(c.doc, c.url);
          return this.unloaded(c.ts, c.doc, c.frame);
        }
        documents.push(c.url);
        return this.unloaded(c.ts, c.doc, 0);
      case 'ws-open':
        return this.wsOpen(c);
      case 'ws-frame':
        return this.wsFrame(c);
      case 'ws-close':
        return this.wsClose(c);
      case 'http':
        return this.http(c);
    }
  }

  private emit(ts: number, e: UnstampedEvent): number {
    const seq = ++this.seq;
    this.out.push({ ...e, seq, ts } as ProxyEvent);
    return seq;
  }

  private readonly sink = (e: UnstampedEvent, ts: number): number => this.emit(ts, e);

  /**
   * A new document in the tab, or in one of its iframes: the sessions of the one before it ended
   * with it (a new top document ends those of every frame; an iframe's, those of that frame only).
   */
  private unloaded(ts: number, doc: string, frame: number): void {
    for (const s of this.sessions.values()) {
      if (s.core.closed || s.doc === doc || (frame !== 0 && s.frame !== frame)) continue;
      const what = frame === 0 ? 'the page' : 'the iframe';
      s.core.close(ts, 'transport close', `${what} was reloaded or navigated away`);
    }
  }

  /* ------------------------------------------------------------------ WebSocket */

  private wsOpen(c: WsOpenCapture): void {
    const url = new URL(c.url);
    this.conns.set(`${c.doc}:${c.conn}`, {
      url,
      origin: c.origin,
      codec: engineCodec(eioOf(url.searchParams.get('EIO')) ?? 4),
      sid: url.searchParams.get('sid') ?? undefined,
    });
  }

  private wsFrame(c: WsFrameCapture): void {
    const key = `${c.doc}:${c.conn}`;
    const conn = this.conns.get(key);
    if (!conn) return;
    const packet =
      c.b64 !== undefined
        ? conn.codec.decodeFrame(base64ToBytes(c.b64), true)
        : conn.codec.decodeFrame(c.text ?? '', false);
    if (!conn.sid && packet.type === 'open' && c.dir === 's2c') {
      const open = parseOpen(typeof packet.data === 'string' ? packet.data : undefined);
      if (open) {
        conn.sid = open.sid;
        this.announce(c, open.sid, conn.codec.eio, 'websocket', conn.url, conn.origin, packet);
      }
    }
    if (!conn.sid) return;
    const s = this.sessions.get(conn.sid);
    if (!s) return;
    s.wsConn ??= key;
    // The WebSocket that probes is the one that carries the session from now on.
    if (upgradeStep(c.dir, packet, false) === 'probe') s.wsConn = key;
    s.core.packet(c.ts, c.dir, 'websocket', packet);
  }

  private wsClose(c: WsCloseCapture): void {
    const key = `${c.doc}:${c.conn}`;
    const conn = this.conns.get(key);
    this.conns.delete(key);
    const s = conn?.sid ? this.sessions.get(conn.sid) : undefined;
    if (!s || s.core.closed || s.wsConn !== key) return;
    if (s.core.transport === 'polling')
      return s.core.probeFailed(c.ts, `WebSocket closed during the probe (code ${c.code})`);
    const last = s.core.sockets.lastDisconnect;
    const reason =
      last === 'c2s' ? 'io client disconnect' : last === 's2c' ? 'io server disconnect' : 'transport close';
    s.core.close(c.ts, reason, `WebSocket closed (code ${c.code}${c.reason ? `, ${c.reason}` : ''})`);
  }

  /* -------------------------------------------------------------------- polling */

  private http(c: HttpCapture): void {
    const url = new URL(c.url);
    const eio: EioVersion = eioOf(url.searchParams.get('EIO')) ?? 4;
    const codec = engineCodec(eio);
    let sid = url.searchParams.get('sid') ?? undefined;
    const ts = c.ts;
    const jsonp = url.searchParams.has('j');
    const body = (text: string | undefined, b64: boolean | undefined) =>
      text === undefined ? undefined : b64 ? atob(text) : text;
    const requestBody = body(c.requestBody, c.requestB64);
    const responseBody = body(c.responseBody, c.responseB64);

    let packets: { ts: number; direction: Direction; packet: EnginePacket }[] = [];
    let undecodable: string | undefined;
    if (c.status === 200) {
      try {
        if (c.method === 'POST' && requestBody !== undefined)
          packets = codec.decodePayload(requestBody, { binary: !!c.requestB64, jsonp }).map((packet) => ({
            ts: c.startedAt,
            direction: 'c2s' as const,
            packet,
          }));
        else if (c.method === 'GET' && responseBody !== undefined)
          packets = codec.decodePayload(responseBody, { binary: !!c.responseB64, jsonp }).map((packet) => ({
            ts,
            direction: 's2c' as const,
            packet,
          }));
      } catch (err) {
        undecodable = (err as Error).message;
      }
    }

    if (!sid) {
      const open = packets.find((p) => p.packet.type === 'open');
      const values = parseOpen(typeof open?.packet.data === 'string' ? open.packet.data : undefined);
      if (values && open) {
        sid = values.sid;
        this.announce(c, sid, eio, 'polling', url, c.origin, open.packet, open.ts, c.requestHeaders);
      } else if (c.method === 'GET') {
        // A handshake that did not open a session: a failed connection attempt.
        this.attempt(ts, this.pickClient(this.endpointKey(c, url)), undefined, c.error ?? `HTTP ${c.status}`);
      }
    }

    this.emit(ts, {
      type: 'http',
      ...(sid ? { sessionId: sid } : {}),
      method: c.method,
      url: url.pathname + url.search,
      status: c.status,
      requestHeaders: c.requestHeaders ?? {},
      responseHeaders: c.responseHeaders ?? {},
      ...(requestBody ? { requestBody } : {}),
      ...(responseBody ? { responseBody } : {}),
      startedAt: c.startedAt,
      duration: Math.max(0, ts - c.startedAt),
    });
    if (undecodable)
      this.emit(ts, {
        type: 'error',
        ...(sid ? { sessionId: sid } : {}),
        message: `undecodable polling payload: ${undecodable}`,
        received: (c.method === 'POST' ? requestBody : responseBody)?.slice(0, 200) ?? '',
      });

    const s = sid ? this.sessions.get(sid) : undefined;
    if (!s) return;
    for (const p of packets) s.core.packet(p.ts, p.direction, 'polling', p.packet);
    if (!s.core.closed && s.core.transport === 'polling' && c.method === 'GET' && c.status !== 200) {
      // socket.io-client's name for a poll that failed (server gone, or it refused the sid).
      s.core.close(ts, 'transport error', c.error ?? `poll answered HTTP ${c.status}`);
    }
  }

  /* --------------------------------------------------------------- sessions */

  private endpointKey(c: Capture, url: URL): string {
    // socket.io-client reconnects to the same URL from the same page: one client per endpoint. An
    // iframe's clients say which document they run in.
    const frameUrl = c.frame ? this.frameUrls.get(c.doc) : undefined;
    return `${c.doc.slice(0, 6)}:${url.host}${url.pathname}${frameUrl ? ` (iframe ${frameUrl})` : ''}`;
  }

  /** `c` is the capture that carried the open packet, at `ts` (its own time unless given). */
  private announce(
    c: Capture,
    sid: string,
    eio: EioVersion,
    transport: TransportName,
    url: URL,
    origin: string,
    open: EnginePacket,
    ts = c.ts,
    pageHeaders: Record<string, string> = {},
  ): void {
    if (this.sessions.has(sid)) return;
    const values = parseOpen(typeof open.data === 'string' ? open.data : undefined);
    if (!values) return;
    const pick = this.pickClient(this.endpointKey(c, url));
    const clientKey = pick.client.key;
    pick.client.open = true;
    this.sessions.set(sid, {
      core: new ObservedSession(sid, eio, transport, this.sink, PAGE_VIEW, (reason, at) =>
        this.closed(pick.client, reason, at),
      ),
      doc: c.doc,
      frame: c.frame ?? 0,
      clientKey,
    });
    const secure = url.protocol === 'https:' || url.protocol === 'wss:';
    const xdomain = origin !== `${secure ? 'https' : 'http'}://${url.host}`;
    const query = Object.fromEntries(url.searchParams.entries());
    delete query.sid;
    this.emit(
      ts,
      observedSessionEvent({
        sid,
        clientKey,
        eio,
        transport,
        url,
        open: values,
        handshake: {
          // What the page itself set on the handshake request (engine.io-client's `extraHeaders`), named
          // as a server sees them; the page cannot read the headers its browser adds, but it knows the Origin.
          headers: {
            ...Object.fromEntries(Object.entries(pageHeaders).map(([k, v]) => [k.toLowerCase(), v])),
            ...(xdomain || transport === 'websocket' ? { origin } : {}),
          },
          query,
          url: url.pathname + '?' + new URLSearchParams(query).toString(),
          xdomain,
          issued: Math.round(ts),
        },
      }),
    );
    this.attempt(ts, pick, sid);
  }

  /**
   * The client a handshake (or a failed one) belongs to. socket.io-client opens one session at a
   * time per Manager, so a handshake while another session of the endpoint is open is another client;
   * one after a drop continues the series of a client waiting to reconnect, for certain only when
   * that client is the only one of its endpoint: the capture cannot see which Manager made it.
   */
  private pickClient(endpoint: string): Pick {
    let list = this.endpoints.get(endpoint);
    if (!list) this.endpoints.set(endpoint, (list = []));
    const live = list.filter((c) => c.open || c.waiting);
    const waiting = live.filter((c) => !c.open).sort((a, b) => a.lastTs - b.lastTs);
    const first = waiting[0];
    if (first) return { client: first, ...this.continued(endpoint, first, waiting, live.length) };
    // No series waits: a new client, in the slot of one that ended for good (disconnect()), if any.
    let client = list.find((c) => !c.open && !c.waiting);
    if (client) Object.assign(client, { next: 0, cause: undefined });
    else {
      client = {
        key: list.length ? `${endpoint} #${list.length + 1}` : endpoint,
        next: 0,
        lastTs: 0,
        open: false,
        waiting: false,
      };
      list.push(client);
    }
    return live.length
      ? {
          client,
          // A session whose close the page has not reported yet (a WebSocket still closing) looks the same.
          confidence: 'likely',
          evidence: [
            `a new client: ${live.length} other session${live.length > 1 ? 's' : ''} of this endpoint open in this document`,
          ],
        }
      : {
          client,
          confidence: 'certain',
          evidence: ['a new client: no client of this endpoint in this document waits to reconnect'],
        };
  }

  /** How sure it is that `client`, the first of `waiting`, made the attempt. */
  private continued(
    endpoint: string,
    client: ClientState,
    waiting: ClientState[],
    live: number,
  ): Omit<Pick, 'client'> {
    if (waiting.length > 1) {
      for (const other of waiting) if (other !== client) other.ambiguous = true;
      const names = waiting.map((c) => c.key.slice(endpoint.length).trim() || '#1').join(', ');
      return {
        confidence: 'guess',
        evidence: [
          `${waiting.length} clients of this endpoint are waiting to reconnect (${names}): the page capture cannot tell which one this is; the one waiting longest is taken`,
        ],
      };
    }
    if (client.ambiguous)
      return {
        confidence: 'guess',
        evidence: [
          'clients of this endpoint that were waiting with it came back first, each picked by a guess: which one is left is a guess too',
        ],
      };
    if (live === 1)
      return { confidence: 'certain', evidence: ['the only client of this endpoint in this document'] };
    return {
      confidence: 'likely',
      evidence: [
        `the only one of ${live} clients of this endpoint waiting to reconnect; a new client would look the same`,
      ],
    };
  }

  private attempt(ts: number, pick: Pick, sessionId: string | undefined, error?: string): void {
    const c = pick.client;
    const attempt = c.next++;
    const delay = attempt === 0 ? 0 : Math.max(0, ts - c.lastTs);
    c.lastTs = ts;
    // socket.io-client retries after a failed attempt.
    c.waiting = !sessionId;
    if (sessionId) c.ambiguous = false;
    this.emit(ts, {
      type: 'attempt',
      clientKey: c.key,
      attempt,
      delay,
      ...(c.cause ? { cause: c.cause } : {}),
      outcome: sessionId ? 'connected' : 'failed',
      ...(sessionId ? { sessionId } : {}),
      ...(error ? { error } : {}),
      confidence: pick.confidence,
      evidence: pick.evidence,
    });
  }

  /** The next session of this client is a reconnect caused by this close, unless it was wanted. */
  private closed(client: ClientState, reason: string, ts: number): void {
    client.open = false;
    client.waiting = CLIENT_REASONS[reason]?.reconnects !== false;
    if (client.waiting) {
      client.next = 1;
      client.lastTs = ts;
      client.cause = reason;
    }
  }
}
