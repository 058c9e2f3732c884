/**
 * Turns the page script's raw captures (../capture/protocol.ts) into the panel's event model
 * (shared/events.ts), with the same browser-safe codecs the HAR import uses (shared/har/codec.ts:
 * engine.io-parser and socket.io-parser): `session`, `packet` (with its Socket.IO meaning), `http`,
 * `upgrade`, `close`, `connect`, `connect_error`, `disconnect`, `ack` and `attempt`.
 *
 * In-page capture sees one leg only, the browser's: every event is the `client` leg, and what only
 * the server knows (its disconnect reason, rooms, the client's address, the headers the browser adds)
 * is absent or says so. Captures are taken in arrival order; those already seen (a replay after a
 * reconnect) are skipped by their document id and counter.
 */
import { CLIENT_REASONS } from '../../../shared/disconnect-reasons.js';
import { parseOpen, type EioVersion } from '../../../shared/engineio.js';
import type {
  Direction,
  ProxyEvent,
  SioInfo,
  TransportName,
  UnstampedEvent,
} from '../../../shared/events.js';
import { decodeBody, decodeWsMessage, type RawPacket } from '../../../shared/har/codec.js';
import { bytesToBase64 } from '../../../shared/har.js';
import { MessageDecoder } from '../../../shared/message-decoder.js';
import { sioProtocolFor } from '../../../shared/socketio.js';
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
  eio: EioVersion;
  sid: string | undefined;
}

interface Pending {
  seq: number;
  ts: number;
  event?: string;
}

interface SessionState {
  sid: string;
  doc: string;
  /** The frame of `doc` (see Capture.frame): 0 for the top one. */
  frame: number;
  eio: EioVersion;
  clientKey: string;
  messages: MessageDecoder;
  transport: TransportName;
  /** The WebSocket connection probing or carrying this session. */
  wsConn?: string;
  upgrading: boolean;
  closed: boolean;
  /** Namespaces connected, with their socket id. */
  nsps: Map<string, string>;
  auth: Map<string, unknown>;
  pending: Map<string, Pending>;
  /** A Socket.IO DISCONNECT seen, for the close reason of the engine that follows. */
  lastDisconnect?: Direction;
}

interface ClientState {
  next: number;
  lastTs: number;
  cause?: string;
}

export class CaptureDecoder {
  private seq = 0;
  private out: ProxyEvent[] = [];
  private readonly seen = new Map<string, Set<number>>();
  private readonly conns = new Map<string, WsConn>();
  private readonly sessions = new Map<string, SessionState>();
  private readonly clients = new Map<string, ClientState>();
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

  /**
   * A new document in the tab, or in one of its iframes: the sessions of the one before it ended
   * with it (a new top document ends those of every frame; an iframe's, those of that frame only).
   */
  private unloaded(ts: number, doc: string, frame: number): void {
    for (const s of this.sessions.values()) {
      if (s.closed || s.doc === doc || (frame !== 0 && s.frame !== frame)) continue;
      const what = frame === 0 ? 'the page' : 'the iframe';
      this.close(ts, s, 'transport close', `${what} was reloaded or navigated away`);
    }
  }

  /* ------------------------------------------------------------------ WebSocket */

  private wsOpen(c: WsOpenCapture): void {
    const url = new URL(c.url);
    this.conns.set(`${c.doc}:${c.conn}`, {
      url,
      origin: c.origin,
      eio: url.searchParams.get('EIO') === '3' ? 3 : 4,
      sid: url.searchParams.get('sid') ?? undefined,
    });
  }

  private wsFrame(c: WsFrameCapture): void {
    const key = `${c.doc}:${c.conn}`;
    const conn = this.conns.get(key);
    if (!conn) return;
    const packet = decodeWsMessage(
      {
        type: c.dir === 'c2s' ? 'send' : 'receive',
        time: c.ts / 1000,
        opcode: c.b64 !== undefined ? 2 : 1,
        data: c.b64 ?? c.text ?? '',
      },
      conn.eio,
    );
    if (!conn.sid && packet.type === 'open' && c.dir === 's2c') {
      const open = parseOpen(typeof packet.data === 'string' ? packet.data : undefined);
      if (open) {
        conn.sid = open.sid;
        this.announce(c, open.sid, conn.eio, 'websocket', conn.url, conn.origin, packet);
      }
    }
    if (!conn.sid) return;
    const s = this.sessions.get(conn.sid);
    if (!s) return;
    s.wsConn ??= key;
    if (c.dir === 'c2s' && s.transport === 'polling') {
      if (packet.type === 'ping' && packet.data === 'probe') {
        s.upgrading = true;
        s.wsConn = key;
        this.emit(c.ts, { type: 'upgrade', sessionId: s.sid, leg: 'client', stage: 'probe' });
      } else if (packet.type === 'upgrade' && s.upgrading) {
        s.upgrading = false;
        s.transport = 'websocket';
        this.emit(c.ts, { type: 'upgrade', sessionId: s.sid, leg: 'client', stage: 'success' });
      }
    }
    this.packet(c.ts, s, c.dir, 'websocket', packet);
  }

  private wsClose(c: WsCloseCapture): void {
    const key = `${c.doc}:${c.conn}`;
    const conn = this.conns.get(key);
    this.conns.delete(key);
    const s = conn?.sid ? this.sessions.get(conn.sid) : undefined;
    if (!s || s.closed || s.wsConn !== key) return;
    if (s.transport === 'polling') {
      // The probe's WebSocket went away before the upgrade completed: the session stays on polling.
      s.upgrading = false;
      const reason = `WebSocket closed during the probe (code ${c.code})`;
      this.emit(c.ts, { type: 'upgrade', sessionId: s.sid, leg: 'client', stage: 'failure', reason });
      return;
    }
    const reason =
      s.lastDisconnect === 'c2s'
        ? 'io client disconnect'
        : s.lastDisconnect === 's2c'
          ? 'io server disconnect'
          : 'transport close';
    this.close(c.ts, s, reason, `WebSocket closed (code ${c.code}${c.reason ? `, ${c.reason}` : ''})`);
  }

  /* -------------------------------------------------------------------- polling */

  private http(c: HttpCapture): void {
    const url = new URL(c.url);
    const eio: EioVersion = url.searchParams.get('EIO') === '3' ? 3 : 4;
    let sid = url.searchParams.get('sid') ?? undefined;
    const ts = c.ts;
    const jsonp = url.searchParams.has('j');
    const body = (text: string | undefined, b64: boolean | undefined) =>
      text === undefined ? undefined : b64 ? atob(text) : text;
    const requestBody = body(c.requestBody, c.requestB64);
    const responseBody = body(c.responseBody, c.responseB64);

    let packets: { ts: number; direction: Direction; packet: RawPacket }[] = [];
    let undecodable: string | undefined;
    if (c.status === 200) {
      try {
        if (c.method === 'POST' && requestBody !== undefined)
          packets = decodeBody(requestBody, eio, !!c.requestB64, jsonp).map((packet) => ({
            ts: c.startedAt,
            direction: 'c2s' as const,
            packet,
          }));
        else if (c.method === 'GET' && responseBody !== undefined)
          packets = decodeBody(responseBody, eio, !!c.responseB64, jsonp).map((packet) => ({
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
        this.attempt(ts, this.clientKey(c, url), undefined, c.error ?? `HTTP ${c.status}`);
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
    for (const p of packets) this.packet(p.ts, s, p.direction, 'polling', p.packet);
    if (!s.closed && s.transport === 'polling' && c.method === 'GET' && c.status !== 200) {
      // socket.io-client's name for a poll that failed (server gone, or it refused the sid).
      this.close(ts, s, 'transport error', c.error ?? `poll answered HTTP ${c.status}`);
    }
  }

  /* --------------------------------------------------------------- sessions */

  private clientKey(c: Capture, url: URL): string {
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
    open: RawPacket,
    ts = c.ts,
    pageHeaders: Record<string, string> = {},
  ): void {
    if (this.sessions.has(sid)) return;
    const values = parseOpen(typeof open.data === 'string' ? open.data : undefined);
    if (!values) return;
    const clientKey = this.clientKey(c, url);
    const protocol = sioProtocolFor(eio);
    this.sessions.set(sid, {
      sid,
      doc: c.doc,
      frame: c.frame ?? 0,
      eio,
      clientKey,
      messages: new MessageDecoder(protocol),
      transport,
      upgrading: false,
      closed: false,
      nsps: new Map(),
      auth: new Map(),
      pending: new Map(),
    });
    const secure = url.protocol === 'https:' || url.protocol === 'wss:';
    const xdomain = origin !== `${secure ? 'https' : 'http'}://${url.host}`;
    const query = Object.fromEntries(url.searchParams.entries());
    delete query.sid;
    this.emit(ts, {
      type: 'session',
      sessionId: sid,
      clientKey,
      eio,
      transport,
      target: `${secure ? 'https' : 'http'}://${url.host}`,
      handshake: {
        // What the page itself set on the handshake request (engine.io-client's `extraHeaders`), named
        // as a server sees them; the page cannot read the headers its browser adds, but it knows the Origin.
        headers: {
          ...Object.fromEntries(Object.entries(pageHeaders).map(([k, v]) => [k.toLowerCase(), v])),
          ...(xdomain || transport === 'websocket' ? { origin } : {}),
        },
        query,
        url: url.pathname + '?' + new URLSearchParams(query).toString(),
        address: '',
        xdomain,
        secure,
        issued: Math.round(ts),
        time: new Date(ts).toString(),
      },
      open: {
        pingInterval: values.pingInterval,
        pingTimeout: values.pingTimeout,
        upgrades: values.upgrades,
        ...(values.maxPayload !== undefined ? { maxPayload: values.maxPayload } : {}),
      },
      hiddenUpgrades: [],
    });
    this.attempt(ts, clientKey, sid);
  }

  private attempt(ts: number, clientKey: string, sessionId: string | undefined, error?: string): void {
    let c = this.clients.get(clientKey);
    if (!c) this.clients.set(clientKey, (c = { next: 0, lastTs: ts }));
    const attempt = c.next++;
    const delay = attempt === 0 ? 0 : Math.max(0, ts - c.lastTs);
    c.lastTs = ts;
    this.emit(ts, {
      type: 'attempt',
      clientKey,
      attempt,
      delay,
      ...(c.cause ? { cause: c.cause } : {}),
      outcome: sessionId ? 'connected' : 'failed',
      ...(sessionId ? { sessionId } : {}),
      ...(error ? { error } : {}),
    });
  }

  private close(ts: number, s: SessionState, reason: string, description: string): void {
    s.closed = true;
    const info = CLIENT_REASONS[reason];
    for (const [nsp, socketId] of s.nsps) {
      this.emit(ts, {
        type: 'disconnect',
        sessionId: s.sid,
        nsp,
        socketId,
        clientReason: reason,
        serverReason: SERVER_UNKNOWN,
        leg: 'client',
        active: info?.reconnects ?? true,
        description: info?.description ?? description,
      });
    }
    s.nsps.clear();
    this.emit(ts, {
      type: 'close',
      sessionId: s.sid,
      leg: 'client',
      first: 'client',
      reason,
      clientReason: reason,
      serverReason: SERVER_UNKNOWN,
      description,
    });
    // The next session of this client is a reconnect caused by this close, unless it was wanted.
    const client = this.clients.get(s.clientKey);
    if (client && info?.reconnects !== false) {
      client.next = 1;
      client.lastTs = ts;
      client.cause = reason;
    }
  }

  /* ---------------------------------------------------------------- packets */

  private packet(
    ts: number,
    s: SessionState,
    direction: Direction,
    transport: TransportName,
    p: RawPacket,
  ): void {
    const sio = p.type === 'message' ? this.sio(ts, s, direction, p) : undefined;
    const seq = this.emit(ts, {
      type: 'packet',
      sessionId: s.sid,
      direction,
      transport,
      engine: p.type,
      size: p.wireSize,
      ...(sio === 'raw' ? { raw: true } : sio ? { sio } : {}),
      ...(p.data === undefined
        ? {}
        : typeof p.data === 'string'
          ? { data: p.data }
          : { data: `<${p.data.length} bytes>`, binary: bytesToBase64(p.data) }),
    });
    if (sio && sio !== 'raw') this.meaning(ts, seq, s, direction, sio);
    if (p.type === 'close' && !s.closed)
      this.close(
        ts,
        s,
        direction === 'c2s' ? 'forced close' : 'transport close',
        direction === 'c2s' ? 'the client closed the Engine.IO session' : 'the server closed the session',
      );
  }

  /** As the proxy's session does (shared/message-decoder.ts). */
  private sio(ts: number, s: SessionState, direction: Direction, p: RawPacket): SioInfo | 'raw' | undefined {
    const r = s.messages.read(direction, p.data);
    if (r.kind === 'invalid') {
      this.emit(ts, {
        type: 'error',
        sessionId: s.sid,
        message: `invalid Socket.IO packet (${r.reason}): the peer will reject it`,
      });
      return 'raw';
    }
    return r.kind === 'raw' ? 'raw' : r.kind === 'sio' ? r.info : undefined;
  }

  /** The namespace-level events a Socket.IO packet means: connect, errors, disconnects, acks. */
  private meaning(ts: number, seq: number, s: SessionState, direction: Direction, sio: SioInfo): void {
    const args = sio.args as Record<string, unknown> | undefined;
    switch (sio.type) {
      case 'CONNECT':
        if (direction === 'c2s') {
          if (sio.args !== undefined) s.auth.set(sio.nsp, sio.args);
          return;
        }
        {
          const socketId = typeof args?.sid === 'string' ? args.sid : '';
          const pid = typeof args?.pid === 'string' ? args.pid : undefined;
          const sent = s.auth.get(sio.nsp) as Record<string, unknown> | undefined;
          s.nsps.set(sio.nsp, socketId);
          this.emit(ts, {
            type: 'connect',
            sessionId: s.sid,
            nsp: sio.nsp,
            socketId,
            recovered: pid !== undefined && sent?.pid === pid,
            ...(pid ? { pid } : {}),
            ...(sent !== undefined ? { auth: sent } : {}),
          });
        }
        return;
      case 'CONNECT_ERROR':
        this.emit(ts, {
          type: 'connect_error',
          sessionId: s.sid,
          nsp: sio.nsp,
          message: typeof args?.message === 'string' ? args.message : String(sio.args ?? ''),
          ...(args?.data !== undefined ? { data: args.data } : {}),
        });
        return;
      case 'DISCONNECT': {
        s.lastDisconnect = direction;
        const socketId = s.nsps.get(sio.nsp);
        s.nsps.delete(sio.nsp);
        const clientReason = direction === 'c2s' ? 'io client disconnect' : 'io server disconnect';
        this.emit(ts, {
          type: 'disconnect',
          sessionId: s.sid,
          nsp: sio.nsp,
          ...(socketId ? { socketId } : {}),
          clientReason,
          serverReason: direction === 'c2s' ? 'client namespace disconnect' : 'server namespace disconnect',
          leg: direction === 'c2s' ? 'client' : 'server',
          active: false,
          description: CLIENT_REASONS[clientReason]?.description ?? '',
        });
        return;
      }
      case 'EVENT':
      case 'BINARY_EVENT':
        if (sio.id !== undefined)
          s.pending.set(`${direction}:${sio.nsp}:${sio.id}`, {
            seq,
            ts,
            ...(sio.event !== undefined ? { event: sio.event } : {}),
          });
        return;
      case 'ACK':
      case 'BINARY_ACK': {
        if (sio.id === undefined) return;
        const eventDirection: Direction = direction === 'c2s' ? 's2c' : 'c2s';
        const key = `${eventDirection}:${sio.nsp}:${sio.id}`;
        const ev = s.pending.get(key);
        if (!ev) return;
        s.pending.delete(key);
        this.emit(ts, {
          type: 'ack',
          sessionId: s.sid,
          nsp: sio.nsp,
          id: sio.id,
          direction: eventDirection,
          ...(ev.event !== undefined ? { event: ev.event } : {}),
          latency: Math.max(0, ts - ev.ts),
          eventSeq: ev.seq,
          ackSeq: seq,
        });
        return;
      }
    }
  }
}
