/**
 * HAR 1.2 export and import of Socket.IO traffic, for the proxy (GET /api/har) and the panel alike:
 * pure functions, no Node modules (Buffer included), so the same code runs in a browser.
 *
 * Export (`eventsToHar`): one entry per `http` event of the client leg, i.e. per polling exchange
 * (request and response bodies are the payloads as they crossed the proxy), and per WebSocket
 * handshake request; a WebSocket entry carries Chrome's `_resourceType: "websocket"` and
 * `_webSocketMessages`, rebuilt frame by frame from the session's `packet` events (one Engine.IO packet
 * per frame: text frames are `<type digit><data>`, binary frames the message's bytes, prefixed with the
 * type byte 4 in EIO3). What the proxy does not know is not invented: header sizes are -1, the whole
 * time is `wait`, `httpVersion` is HTTP/1.1 (Node's http server and every WebSocket handshake speak
 * 1.x), and entries say in `comment` when a request or payload was not captured whole.
 *
 * Import (`harToEvents`): entries whose URL carries `EIO=` (ours, or Chrome DevTools' "Save all as HAR
 * with content") become `session`, `http`, `packet` (decoded with engine.io-parser and socket.io-parser,
 * as the proxy does live) and `upgrade` events, in time order with fresh `seq`s, each marked
 * `importedFrom: 'har'`.
 *
 * Our own extension, `_sioProxy` on an entry (ignored by other HAR readers), keeps what plain HAR has
 * no room for, so that export then import gives back the same sessions and the same packet order: the
 * `session` event of the session the entry opened, and the exact times at which the packets of each
 * polling body were observed (`startedDateTime` has millisecond resolution only).
 */
import * as eio4 from 'engine.io-parser';
import * as eio3 from 'engine.io-parser-v3';
import { ENGINE_PACKET_TYPES, parseOpen, type EioVersion, type EnginePacketType } from './engineio.js';
import type {
  Direction,
  HttpEvent,
  PacketEvent,
  ProxyEvent,
  SessionEvent,
  SioInfo,
  TransportName,
} from './events.js';
import { SioDecoder, sioProtocolFor } from './socketio.js';

// ---------------------------------------------------------------------------------------------------
// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) plus Chrome's WebSocket extension.

export interface HarNameValue {
  name: string;
  value: string;
  comment?: string;
}

export interface HarCookie {
  name: string;
  value: string;
  path?: string;
  domain?: string;
  expires?: string;
  httpOnly?: boolean;
  secure?: boolean;
  comment?: string;
}

export interface HarPostData {
  mimeType: string;
  text?: string;
  params?: { name: string; value?: string; fileName?: string; contentType?: string; comment?: string }[];
  comment?: string;
}

export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  queryString: HarNameValue[];
  postData?: HarPostData;
  /** -1: not known. */
  headersSize: number;
  bodySize: number;
  comment?: string;
}

export interface HarContent {
  size: number;
  compression?: number;
  mimeType: string;
  text?: string;
  /** `base64` when `text` is base64 (binary bodies). */
  encoding?: string;
  comment?: string;
}

export interface HarResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  content: HarContent;
  redirectURL: string;
  headersSize: number;
  bodySize: number;
  comment?: string;
}

export interface HarTimings {
  blocked?: number;
  dns?: number;
  connect?: number;
  send: number;
  wait: number;
  receive: number;
  ssl?: number;
  comment?: string;
}

/** Chrome's record of one WebSocket frame. */
export interface HarWebSocketMessage {
  type: 'send' | 'receive';
  /** Seconds since the epoch, with a fractional part. */
  time: number;
  /** 1 text, 2 binary (Chrome may also write control frames: they are ignored on import). */
  opcode: number;
  /** The text, or base64 for a binary frame. */
  data: string;
}

/** sio-proxy's own additions to an entry. */
export interface HarSioProxyExtension {
  /** `seq` of the `http` event the entry was written from. */
  seq?: number;
  sessionId?: string;
  /** The session this entry opened (its handshake), as the proxy reported it. */
  session?: Omit<SessionEvent, 'type' | 'seq'>;
  /** When the packets of the request body / response body were observed (epoch ms, sub-ms). */
  requestPacketsAt?: number;
  responsePacketsAt?: number;
}

export interface HarEntry {
  pageref?: string;
  startedDateTime: string;
  /** Milliseconds. */
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: Record<string, unknown>;
  timings: HarTimings;
  serverIPAddress?: string;
  connection?: string;
  comment?: string;
  _resourceType?: string;
  _webSocketMessages?: HarWebSocketMessage[];
  _sioProxy?: HarSioProxyExtension;
}

export interface HarCreator {
  name: string;
  version: string;
  comment?: string;
}

export interface HarPage {
  startedDateTime: string;
  id: string;
  title: string;
  pageTimings: { onContentLoad?: number; onLoad?: number; comment?: string };
  comment?: string;
}

export interface HarLog {
  version: string;
  creator: HarCreator;
  browser?: HarCreator;
  pages?: HarPage[];
  entries: HarEntry[];
  comment?: string;
}

export interface Har {
  log: HarLog;
}

// ---------------------------------------------------------------------------------------------------
// Export

export interface EventsToHarOptions {
  /** `log.creator.version` (sio-proxy's version). */
  version?: string;
  /** Host for a request that carried no `Host` header (HTTP/1.0); else `unknown-host`. */
  fallbackHost?: string;
  /** Write the `_sioProxy` extension (default true). */
  extensions?: boolean;
}

type Headers = Record<string, string | string[] | undefined>;

const EXPORT_COMMENT =
  'Exported by sio-proxy: the client leg (what the client sent and received), as the proxy saw it. ' +
  'Not recorded: the HTTP version (written as HTTP/1.1), header sizes (-1) and the timing breakdown ' +
  '(the whole time is in `wait`). WebSocket frames are rebuilt from the decoded Engine.IO packets.';

const TRUNCATED_COMMENT =
  'some payloads were cut by the proxy (history limit): bodies or frames here are incomplete';

interface WsConnection {
  entry: HarEntry;
  sessionId: string | undefined;
}

interface PendingEntry {
  entry: HarEntry;
  startedAt: number;
  order: number;
}

/** The HAR of what `events` saw. Events may be live or read back from JSON (the event history). */
export function eventsToHar(events: readonly ProxyEvent[], opts: EventsToHarOptions = {}): Har {
  const ext = opts.extensions ?? true;
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  const sessions = new Map<string, SessionEvent>();
  /** Sessions whose `session` event an entry carries already. */
  const sessionWritten = new Set<string>();
  const currentWs = new Map<string, WsConnection>();
  /** Polling packets not yet matched to the exchange that carried them, by session and direction. */
  const pollPackets = new Map<string, PacketEvent[]>();
  const entries: PendingEntry[] = [];

  const attachSession = (entry: HarEntry, sid: string | undefined) => {
    if (!sid || sessionWritten.has(sid)) return;
    const session = sessions.get(sid);
    if (!session) return;
    sessionWritten.add(sid);
    if (ext) {
      const { type: _t, seq: _s, ...rest } = session;
      entry._sioProxy = { ...entry._sioProxy, session: rest };
    }
  };

  for (const e of sorted) {
    switch (e.type) {
      case 'session':
        sessions.set(e.sessionId, e);
        break;
      case 'http': {
        const session = e.sessionId ? sessions.get(e.sessionId) : undefined;
        if (isWebSocketRequest(e)) {
          const entry = webSocketEntry(e, session, opts);
          if (ext) entry._sioProxy = { seq: e.seq, ...(e.sessionId ? { sessionId: e.sessionId } : {}) };
          attachSession(entry, e.sessionId);
          if (e.status === 101 && e.sessionId) currentWs.set(e.sessionId, { entry, sessionId: e.sessionId });
          entries.push({ entry, startedAt: e.startedAt, order: e.seq });
        } else {
          const key = e.sessionId ? `${e.sessionId} ${e.method === 'POST' ? 'c2s' : 's2c'}` : undefined;
          const claimed = key ? (pollPackets.get(key) ?? []) : [];
          if (key) pollPackets.delete(key);
          const entry = pollingEntry(e, session, opts);
          if (ext) {
            entry._sioProxy = {
              seq: e.seq,
              ...(e.sessionId ? { sessionId: e.sessionId } : {}),
              ...(claimed[0]
                ? e.method === 'POST'
                  ? { requestPacketsAt: claimed[0].ts }
                  : { responsePacketsAt: claimed[0].ts }
                : {}),
            };
          }
          if (claimed.some((p) => p.truncated)) addComment(entry, TRUNCATED_COMMENT);
          attachSession(entry, e.sessionId);
          entries.push({ entry, startedAt: e.startedAt, order: e.seq });
        }
        break;
      }
      case 'packet': {
        if (e.transport === 'polling') {
          const key = `${e.sessionId} ${e.direction}`;
          const list = pollPackets.get(key);
          if (list) list.push(e);
          else pollPackets.set(key, [e]);
          break;
        }
        let conn = currentWs.get(e.sessionId);
        if (!conn) {
          // The handshake request is not among the events (cut from the history): say so.
          const entry = syntheticWebSocketEntry(e, sessions.get(e.sessionId), opts);
          if (ext) entry._sioProxy = { sessionId: e.sessionId };
          attachSession(entry, e.sessionId);
          conn = { entry, sessionId: e.sessionId };
          currentWs.set(e.sessionId, conn);
          entries.push({ entry, startedAt: e.ts, order: e.seq });
        }
        const eio = sessions.get(e.sessionId)?.eio ?? eioOfUrl(conn.entry.request.url) ?? 4;
        const frame = frameOf(e, eio);
        conn.entry._webSocketMessages?.push({
          type: e.direction === 'c2s' ? 'send' : 'receive',
          time: e.ts / 1000,
          opcode: frame.opcode,
          data: frame.data,
        });
        if (e.truncated) addComment(conn.entry, TRUNCATED_COMMENT);
        break;
      }
      default:
        break;
    }
  }

  entries.sort((a, b) => a.startedAt - b.startedAt || a.order - b.order);
  return {
    log: {
      version: '1.2',
      creator: { name: 'sio-proxy', version: opts.version ?? '' },
      entries: entries.map((p) => p.entry),
      comment: EXPORT_COMMENT,
    },
  };
}

function isWebSocketRequest(e: HttpEvent): boolean {
  if (e.status === 101) return true;
  if (String(headerValue(e.requestHeaders, 'upgrade') ?? '').toLowerCase() === 'websocket') return true;
  return queryParam(e.url, 'transport') === 'websocket';
}

function pollingEntry(e: HttpEvent, session: SessionEvent | undefined, opts: EventsToHarOptions): HarEntry {
  const url = absoluteUrl(e.url, e.requestHeaders, session?.handshake.secure ? 'https' : 'http', opts);
  const request: HarRequest = {
    method: e.method,
    url,
    httpVersion: 'HTTP/1.1',
    cookies: requestCookies(e.requestHeaders),
    headers: toNameValues(e.requestHeaders),
    queryString: queryOf(url),
    headersSize: -1,
    bodySize: e.requestBody === undefined ? 0 : bodyBytes(e.requestBody, e.requestHeaders),
  };
  if (e.requestBody !== undefined) {
    // HAR's postData has no encoding: a binary body (EIO3 XHR2) stays as latin1 text, one char a byte.
    request.postData = {
      mimeType: String(headerValue(e.requestHeaders, 'content-type') ?? ''),
      text: e.requestBody,
    };
  }
  const entry = baseEntry(e, request, responseOf(e));
  entry._resourceType = 'xhr';
  if (e.truncated) addComment(entry, TRUNCATED_COMMENT);
  if (headerValue(e.responseHeaders, 'content-encoding'))
    addComment(entry, 'the response was content-encoded: its text is the encoded bytes');
  return entry;
}

function webSocketEntry(e: HttpEvent, session: SessionEvent | undefined, opts: EventsToHarOptions): HarEntry {
  const url = absoluteUrl(e.url, e.requestHeaders, session?.handshake.secure ? 'wss' : 'ws', opts);
  const request: HarRequest = {
    method: e.method,
    url,
    httpVersion: 'HTTP/1.1',
    cookies: requestCookies(e.requestHeaders),
    headers: toNameValues(e.requestHeaders),
    queryString: queryOf(url),
    headersSize: -1,
    bodySize: 0,
  };
  const entry = baseEntry(e, request, responseOf(e));
  entry._resourceType = 'websocket';
  entry._webSocketMessages = [];
  if (e.truncated) addComment(entry, TRUNCATED_COMMENT);
  return entry;
}

/** A WebSocket whose handshake request was not captured: the URL is the session's, headers unknown. */
function syntheticWebSocketEntry(
  first: PacketEvent,
  session: SessionEvent | undefined,
  opts: EventsToHarOptions,
): HarEntry {
  let path = '/socket.io/?transport=websocket';
  let host: string | undefined;
  if (session) {
    const u = new URL(session.handshake.url, 'http://x');
    u.searchParams.set('transport', 'websocket');
    if (session.transport === 'polling') u.searchParams.set('sid', session.sessionId);
    u.searchParams.delete('t');
    path = u.pathname + u.search;
    host = headerValue(session.handshake.headers, 'host');
  }
  const scheme = session?.handshake.secure ? 'wss' : 'ws';
  const url = `${scheme}://${host ?? opts.fallbackHost ?? 'unknown-host'}${path}`;
  return {
    startedDateTime: isoTime(first.ts),
    time: 0,
    request: {
      method: 'GET',
      url,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: [],
      queryString: queryOf(url),
      headersSize: -1,
      bodySize: 0,
      comment: 'the handshake request was not among the captured events: headers unknown',
    },
    response: {
      status: 101,
      statusText: 'Switching Protocols',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: [],
      content: { size: 0, mimeType: '' },
      redirectURL: '',
      headersSize: -1,
      bodySize: 0,
      comment: 'not captured: the status is implied by the frames that followed',
    },
    cache: {},
    timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait: 0, receive: 0 },
    _resourceType: 'websocket',
    _webSocketMessages: [],
    comment: 'handshake not captured (cut from the history); URL rebuilt from the session',
  };
}

function baseEntry(e: HttpEvent, request: HarRequest, response: HarResponse): HarEntry {
  const time = Math.max(0, e.duration);
  return {
    startedDateTime: isoTime(e.startedAt),
    time,
    request,
    response,
    cache: {},
    timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait: time, receive: 0 },
  };
}

function responseOf(e: HttpEvent): HarResponse {
  const mimeType = String(headerValue(e.responseHeaders, 'content-type') ?? '');
  const content: HarContent = { size: 0, mimeType };
  if (e.responseBody !== undefined) {
    content.size = bodyBytes(e.responseBody, e.responseHeaders);
    if (isBinaryMime(mimeType)) {
      content.text = btoa(e.responseBody); // latin1, one char a byte: exactly what btoa takes
      content.encoding = 'base64';
    } else content.text = e.responseBody;
  }
  return {
    status: e.status,
    statusText: STATUS_TEXT[e.status] ?? '',
    httpVersion: 'HTTP/1.1',
    cookies: responseCookies(e.responseHeaders),
    headers: toNameValues(e.responseHeaders),
    content,
    redirectURL: String(headerValue(e.responseHeaders, 'location') ?? ''),
    headersSize: -1,
    bodySize: e.responseBody === undefined ? 0 : content.size,
  };
}

/** The frame a packet event came from: text `<type><data>`, or the binary message's bytes. */
function frameOf(p: PacketEvent, eio: EioVersion): { opcode: 1 | 2; data: string } {
  const typeNumber = ENGINE_PACKET_TYPES.indexOf(p.engine);
  if (p.binary !== undefined) {
    if (eio === 4) return { opcode: 2, data: p.binary };
    let bytes: Uint8Array;
    try {
      bytes = base64ToBytes(p.binary);
    } catch {
      bytes = new Uint8Array(0); // cut base64 (history limit): flagged by the entry's comment
    }
    const framed = new Uint8Array(bytes.length + 1);
    framed[0] = typeNumber;
    framed.set(bytes, 1);
    return { opcode: 2, data: bytesToBase64(framed) };
  }
  return { opcode: 1, data: `${typeNumber}${p.data ?? ''}` };
}

const STATUS_TEXT: Record<number, string> = {
  101: 'Switching Protocols',
  200: 'OK',
  204: 'No Content',
  301: 'Moved Permanently',
  302: 'Found',
  304: 'Not Modified',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  426: 'Upgrade Required',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

function absoluteUrl(path: string, headers: Headers, scheme: string, opts: EventsToHarOptions): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return path;
  const host = headerValue(headers, 'host') ?? opts.fallbackHost ?? 'unknown-host';
  return `${scheme}://${host}${path.startsWith('/') ? '' : '/'}${path}`;
}

function addComment(target: { comment?: string }, text: string): void {
  if (target.comment?.includes(text)) return;
  target.comment = target.comment ? `${target.comment}; ${text}` : text;
}

// ---------------------------------------------------------------------------------------------------
// Import

/** One decoded Engine.IO packet of an entry, before it is put in time order. */
interface RawPacket {
  type: EnginePacketType;
  data?: string | Uint8Array;
  wireSize: number;
}

interface Item {
  ts: number;
  entry: number;
  sub: number;
  sid: string | undefined;
  eio: EioVersion;
  source: HarEntry;
  kind: 'packet' | 'http' | 'error';
  direction?: Direction;
  transport?: TransportName;
  packet?: RawPacket;
  http?: Omit<HttpEvent, 'seq' | 'ts'>;
  message?: string;
  received?: string;
}

interface SessionState {
  eio: EioVersion;
  announced: boolean;
  mode: 'unknown' | 'socket.io' | 'raw';
  decoders: Record<Direction, SioDecoder>;
  upgrading: boolean;
}

type Unstamped<E> = E extends ProxyEvent ? Omit<E, 'seq' | 'ts'> : never;

/**
 * The events a HAR file describes: its Engine.IO entries (URL with `EIO=`) as `session`, `http`,
 * `packet` and `upgrade` events, in time order, `seq` from 1, each with `importedFrom: 'har'`. Other entries
 * (pages, scripts) are ignored. A session appears when its open packet does; a capture that starts
 * mid-session gives packets without a `session` event, since the open values cannot be known.
 */
export function harToEvents(har: Har): ProxyEvent[] {
  const items: Item[] = [];
  const entries = Array.isArray(har?.log?.entries) ? har.log.entries : [];
  entries.forEach((entry, index) => {
    try {
      items.push(...entryItems(entry, index));
    } catch (err) {
      items.push({
        ts: entryStart(entry),
        entry: index,
        sub: 0,
        sid: undefined,
        eio: 4,
        source: entry,
        kind: 'error',
        message: `HAR entry ${index} could not be read: ${(err as Error).message}`,
      });
    }
  });
  items.sort((a, b) => a.ts - b.ts || a.entry - b.entry || a.sub - b.sub);

  const out: ProxyEvent[] = [];
  const push = (ts: number, event: Unstamped<ProxyEvent>) =>
    out.push({ ...event, seq: out.length + 1, ts, importedFrom: 'har' } as ProxyEvent);
  const sessions = new Map<string, SessionState>();
  const stateOf = (sid: string, eio: EioVersion): SessionState => {
    let s = sessions.get(sid);
    if (!s) {
      const protocol = sioProtocolFor(eio);
      s = {
        eio,
        announced: false,
        mode: 'unknown',
        decoders: { c2s: new SioDecoder(protocol), s2c: new SioDecoder(protocol) },
        upgrading: false,
      };
      sessions.set(sid, s);
    }
    return s;
  };

  for (const item of items) {
    if (item.kind === 'error') {
      push(item.ts, {
        type: 'error',
        ...(item.sid ? { sessionId: item.sid } : {}),
        message: item.message ?? 'HAR entry error',
        ...(item.received !== undefined ? { received: item.received } : {}),
      });
      continue;
    }
    if (item.kind === 'http') {
      if (item.http) push(item.ts, item.http);
      continue;
    }
    const packet = item.packet;
    const sid = item.sid;
    const direction = item.direction ?? 's2c';
    const transport = item.transport ?? 'polling';
    if (!packet || !sid) continue;
    const state = stateOf(sid, item.eio);
    if (!state.announced && packet.type === 'open' && direction === 's2c') {
      const session = sessionOf(item, sid, packet);
      if (session) {
        state.announced = true;
        push(item.ts, session);
      }
    }
    if (transport === 'websocket' && direction === 'c2s') {
      if (packet.type === 'ping' && packet.data === 'probe') {
        state.upgrading = true;
        push(item.ts, { type: 'upgrade', sessionId: sid, leg: 'client', stage: 'probe' });
      } else if (packet.type === 'upgrade' && state.upgrading) {
        state.upgrading = false;
        push(item.ts, { type: 'upgrade', sessionId: sid, leg: 'client', stage: 'success' });
        push(item.ts, { type: 'upgrade', sessionId: sid, leg: 'server', stage: 'success' });
      }
    }
    const sio =
      packet.type === 'message'
        ? decodeMessage(state, direction, packet, (m) =>
            push(item.ts, {
              type: 'error',
              sessionId: sid,
              message: m,
              received:
                typeof packet.data === 'string'
                  ? packet.data.slice(0, 200)
                  : `<${packet.data?.length ?? 0} bytes>`,
            }),
          )
        : undefined;
    push(item.ts, {
      type: 'packet',
      sessionId: sid,
      direction,
      transport,
      engine: packet.type,
      size: packet.wireSize,
      ...(sio === 'raw' ? { raw: true } : sio ? { sio } : {}),
      ...dataFields(packet.data),
    });
  }
  return out;
}

/** As the proxy's session does: a session's first message decides whether it speaks Socket.IO. */
function decodeMessage(
  state: SessionState,
  direction: Direction,
  packet: RawPacket,
  error: (message: string) => void,
): SioInfo | 'raw' | undefined {
  if (state.mode === 'raw' || packet.data === undefined) return 'raw';
  const result = state.decoders[direction].add(packet.data);
  if (result.kind === 'invalid') {
    if (state.mode === 'unknown') {
      state.mode = 'raw';
      return 'raw';
    }
    error(`invalid Socket.IO packet (${result.reason}): the peer will reject it`);
    return 'raw';
  }
  state.mode = 'socket.io';
  if (result.kind === 'pending') return undefined;
  const p = result.packet;
  return {
    type: p.type,
    nsp: p.nsp,
    ...(p.id !== undefined ? { id: p.id } : {}),
    ...(p.event !== undefined ? { event: p.event } : {}),
    ...(p.data !== undefined ? { args: p.data } : p.query !== undefined ? { args: p.query } : {}),
    ...(p.attachments ? { attachments: p.attachments } : {}),
  };
}

function dataFields(data: string | Uint8Array | undefined): { data?: string; binary?: string } {
  if (data === undefined) return {};
  if (typeof data === 'string') return { data };
  return { data: `<${data.length} bytes>`, binary: bytesToBase64(data) };
}

/** The session event: ours when the entry carries it, else built from the handshake entry. */
function sessionOf(item: Item, sid: string, open: RawPacket): Unstamped<SessionEvent> | undefined {
  const saved = item.source._sioProxy?.session;
  if (saved && saved.sessionId === sid) {
    const { ts: _ts, importedFrom: _imported, ...rest } = saved;
    return { type: 'session', ...rest };
  }
  const values = parseOpen(typeof open.data === 'string' ? open.data : undefined);
  if (!values) return undefined;
  const url = new URL(item.source.request.url);
  const headers = fromNameValues(item.source.request.headers ?? []);
  const issued = entryStart(item.source);
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  return {
    type: 'session',
    sessionId: sid,
    // Which sessions are one client's reconnects is not in a HAR: each session is its own client.
    clientKey: sid,
    eio: item.eio,
    transport: item.transport ?? 'polling',
    // What the client talked to (the proxy, or the app itself for a browser's HAR).
    target: `${secure ? 'https' : 'http'}://${url.host}`,
    handshake: {
      headers,
      query: Object.fromEntries(url.searchParams.entries()),
      url: url.pathname + url.search,
      // The client's own address is not in a HAR.
      address: '',
      xdomain: headers.origin !== undefined,
      secure,
      issued,
      time: new Date(issued).toString(),
    },
    open: {
      pingInterval: values.pingInterval,
      pingTimeout: values.pingTimeout,
      upgrades: values.upgrades,
      ...(values.maxPayload !== undefined ? { maxPayload: values.maxPayload } : {}),
    },
    hiddenUpgrades: [],
  };
}

function entryItems(entry: HarEntry, index: number): Item[] {
  const rawUrl = entry?.request?.url;
  if (typeof rawUrl !== 'string') return [];
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return [];
  }
  const eioParam = url.searchParams.get('EIO');
  if (eioParam === null) return [];
  const start = entryStart(entry);
  const base = { entry: index, source: entry };
  if (eioParam !== '3' && eioParam !== '4') {
    return [
      {
        ...base,
        ts: start,
        sub: 0,
        sid: url.searchParams.get('sid') ?? undefined,
        eio: 4,
        kind: 'error',
        message: `unsupported Engine.IO version EIO=${eioParam} (${rawUrl})`,
      },
    ];
  }
  const eio: EioVersion = eioParam === '3' ? 3 : 4;
  const isWs =
    entry._resourceType === 'websocket' ||
    url.protocol === 'ws:' ||
    url.protocol === 'wss:' ||
    url.searchParams.get('transport') === 'websocket';
  const transport: TransportName = isWs ? 'websocket' : 'polling';
  const status = Number(entry.response?.status ?? 0);
  const end = start + Math.max(0, Number(entry.time) || 0);
  const ext = entry._sioProxy;

  // Packets with their time and direction; the sid comes from the URL or the open packet.
  const packets: { ts: number; direction: Direction; packet: RawPacket }[] = [];
  const errors: { ts: number; message: string; received?: string }[] = [];
  if (isWs) {
    for (const m of entry._webSocketMessages ?? []) {
      if (m.opcode !== 1 && m.opcode !== 2) continue;
      const ts = typeof m.time === 'number' && Number.isFinite(m.time) ? m.time * 1000 : start;
      const direction: Direction = m.type === 'send' ? 'c2s' : 's2c';
      try {
        packets.push({ ts, direction, packet: decodeWsMessage(m, eio) });
      } catch (err) {
        errors.push({
          ts,
          message: `undecodable WebSocket frame: ${(err as Error).message}`,
          received: String(m.data ?? '').slice(0, 200),
        });
      }
    }
  } else if (status === 200) {
    const jsonp = url.searchParams.has('j');
    const method = String(entry.request.method ?? 'GET').toUpperCase();
    if (method === 'POST' && entry.request.postData?.text !== undefined) {
      const ts = ext?.requestPacketsAt ?? start;
      const body = entry.request.postData.text;
      const binary = isBinaryMime(entry.request.postData.mimeType);
      pushPayload(packets, errors, ts, 'c2s', body, eio, binary, jsonp);
    } else if (method === 'GET') {
      const body = contentText(entry.response.content);
      if (body !== undefined) {
        const ts = ext?.responsePacketsAt ?? end;
        const binary = isBinaryMime(entry.response.content?.mimeType);
        pushPayload(packets, errors, ts, 's2c', body, eio, binary, jsonp);
      }
    }
  }

  let sid = url.searchParams.get('sid') ?? ext?.sessionId ?? undefined;
  if (!sid) {
    const open = packets.find((p) => p.direction === 's2c' && p.packet.type === 'open');
    sid = parseOpen(typeof open?.packet.data === 'string' ? open.packet.data : undefined)?.sid;
  }

  const items: Item[] = [];
  let sub = 0;
  if (!sid && packets.length > 0) {
    errors.push({
      ts: packets[0]?.ts ?? start,
      message: `HAR entry ${index}: ${packets.length} packet(s) of no known session (no sid in the URL, no open packet)`,
    });
  }
  for (const e of errors)
    items.push({
      ...base,
      ts: e.ts,
      sub: sub++,
      sid,
      eio,
      kind: 'error',
      message: e.message,
      received: e.received,
    });
  for (const p of packets) {
    items.push({
      ...base,
      ts: p.ts,
      sub: sub++,
      sid,
      eio,
      kind: 'packet',
      direction: p.direction,
      transport,
      packet: p.packet,
    });
  }
  // The proxy reports an exchange when it is complete: after its packets, for polling. A WebSocket
  // handshake completes before its frames flow.
  const lastPacket = packets.reduce((t, p) => Math.max(t, p.ts), -Infinity);
  const httpTs = isWs ? Math.min(end, packets[0]?.ts ?? end) : Math.max(end, lastPacket);
  items.push({
    ...base,
    ts: httpTs,
    sub: isWs ? -1 : sub,
    sid,
    eio,
    kind: 'http',
    http: httpEventOf(entry, url, sid, start),
  });
  return items;
}

function httpEventOf(
  entry: HarEntry,
  url: URL,
  sid: string | undefined,
  start: number,
): Omit<HttpEvent, 'seq' | 'ts'> {
  const requestBody = entry.request.postData?.text;
  const responseBody = contentText(entry.response?.content);
  return {
    type: 'http',
    ...(sid ? { sessionId: sid } : {}),
    method: String(entry.request.method ?? 'GET'),
    url: url.pathname + url.search,
    status: Number(entry.response?.status ?? 0),
    requestHeaders: fromNameValues(entry.request.headers ?? []),
    responseHeaders: fromNameValues(entry.response?.headers ?? []),
    ...(requestBody ? { requestBody } : {}),
    ...(responseBody ? { responseBody } : {}),
    startedAt: start,
    duration: Math.max(0, Number(entry.time) || 0),
  };
}

/** The body as the proxy's `http` events hold it: text, or latin1 (one char a byte) for binary. */
function contentText(content: HarContent | undefined): string | undefined {
  if (!content || typeof content.text !== 'string') return undefined;
  if (content.encoding !== 'base64') return content.text;
  const latin1 = atob(content.text);
  if (isBinaryMime(content.mimeType)) return latin1;
  return new TextDecoder().decode(latin1ToBytes(latin1));
}

function pushPayload(
  packets: { ts: number; direction: Direction; packet: RawPacket }[],
  errors: { ts: number; message: string; received?: string }[],
  ts: number,
  direction: Direction,
  body: string,
  eio: EioVersion,
  binary: boolean,
  jsonp: boolean,
): void {
  try {
    for (const packet of decodeBody(body, eio, binary, jsonp)) packets.push({ ts, direction, packet });
  } catch (err) {
    errors.push({
      ts,
      message: `undecodable polling payload: ${(err as Error).message}`,
      received: body.slice(0, 200),
    });
  }
}

// ---------------------------------------------------------------------------------------------------
// Browser-safe Engine.IO decoding: engine.io-parser's own decodePacket/decodePayload for text (the
// same code in its Node and browser builds when asked for ArrayBuffers), a few lines for the binary
// framings, whose reference decoders want a Node Buffer in one build and an ArrayBuffer in the other.

function decodeWsMessage(m: HarWebSocketMessage, eio: EioVersion): RawPacket {
  const data = typeof m.data === 'string' ? m.data : '';
  if (m.opcode === 2) {
    const bytes = base64ToBytes(data);
    if (eio === 4) return { type: 'message', data: bytes, wireSize: bytes.length };
    if (bytes.length === 0) throw new Error('empty binary frame');
    return { type: engineType(bytes[0]), data: bytes.subarray(1), wireSize: bytes.length };
  }
  return { ...decodeTextPacket(data, eio), wireSize: utf8Length(data) };
}

function decodeTextPacket(text: string, eio: EioVersion): Omit<RawPacket, 'wireSize'> {
  const p: { type: string; data?: unknown } =
    eio === 4 ? eio4.decodePacket(text, 'arraybuffer') : eio3.decodePacket(text, 'arraybuffer');
  return normalise(p.type, p.data);
}

function normalise(type: string, data: unknown): Omit<RawPacket, 'wireSize'> {
  if (!(ENGINE_PACKET_TYPES as readonly string[]).includes(type))
    throw new Error('unknown Engine.IO packet type');
  const t = type as EnginePacketType;
  if (data === undefined) return { type: t };
  if (typeof data === 'string') return { type: t, data };
  if (data instanceof ArrayBuffer) return { type: t, data: new Uint8Array(data) };
  if (ArrayBuffer.isView(data))
    return { type: t, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  throw new Error('undecodable Engine.IO packet data');
}

function decodeBody(body: string, eio: EioVersion, binary: boolean, jsonp: boolean): RawPacket[] {
  if (eio === 4) {
    if (body.length === 0) throw new Error('empty payload');
    return body
      .split('\x1e')
      .map((chunk) => ({ ...decodeTextPacket(chunk, 4), wireSize: utf8Length(chunk) }));
  }
  if (binary) return decodeV3Binary(latin1ToBytes(body));
  const text = jsonp ? unwrapJsonp(body) : body;
  const out: RawPacket[] = [];
  eio3.decodePayload(text, 'arraybuffer', (p) => {
    if (p.type === 'error') throw new Error('malformed EIO3 payload');
    const packet = normalise(p.type, p.data);
    const size =
      typeof packet.data === 'string'
        ? utf8Length(packet.data) + 1
        : packet.data
          ? 2 + Math.ceil(packet.data.length / 3) * 4
          : 1;
    out.push({ ...packet, wireSize: size });
  });
  return out;
}

/** EIO3 XHR2 payload: per packet `<0 text|1 binary><length digits><0xff><packet>`. */
function decodeV3Binary(bytes: Uint8Array): RawPacket[] {
  const out: RawPacket[] = [];
  let i = 0;
  while (i < bytes.length) {
    const isText = bytes[i] === 0;
    if (bytes[i] !== 0 && bytes[i] !== 1) throw new Error('malformed EIO3 binary payload');
    i++;
    let digits = '';
    while (i < bytes.length && bytes[i] !== 0xff) {
      const d = bytes[i] ?? 0;
      if (d > 9 || digits.length > 310) throw new Error('malformed EIO3 binary payload');
      digits += String(d);
      i++;
    }
    if (i >= bytes.length || digits === '') throw new Error('malformed EIO3 binary payload');
    i++;
    const length = Number(digits);
    const packetBytes = bytes.subarray(i, i + length);
    if (packetBytes.length !== length) throw new Error('truncated EIO3 binary payload');
    i += length;
    if (isText) {
      // engine.io-parser@2 writes text packets UTF-8 encoded, one byte a char, and decodes them back.
      let s = '';
      for (const b of packetBytes) s += String.fromCharCode(b);
      const p = eio3.decodePacket(s, 'arraybuffer', true);
      if (p.type === 'error') throw new Error('malformed EIO3 packet');
      out.push({ ...normalise(p.type, p.data), wireSize: length });
    } else {
      if (length === 0) throw new Error('empty binary packet');
      out.push({ type: engineType(packetBytes[0]), data: packetBytes.subarray(1), wireSize: length });
    }
  }
  return out;
}

function engineType(n: number | undefined): EnginePacketType {
  const t = n === undefined ? undefined : ENGINE_PACKET_TYPES[n];
  if (!t) throw new Error('unknown Engine.IO packet type');
  return t;
}

/** JSONP polling (EIO3): `___eio[N]("<payload>");` answers, `d=<payload>` form posts. */
function unwrapJsonp(text: string): string {
  const call = /^___eio\[\d+\]\((".*")\);$/s.exec(text);
  if (call?.[1]) return JSON.parse(call[1]) as string;
  const form = new URLSearchParams(text).get('d');
  if (form !== null) {
    return form
      .replace(/(\\)?\\n/g, (m, slash: string | undefined) => (slash ? m : '\n'))
      .replace(/\\\\n/g, '\\n');
  }
  throw new Error('unrecognised JSONP body');
}

// ---------------------------------------------------------------------------------------------------
// Small helpers

function entryStart(entry: HarEntry): number {
  const t = Date.parse(entry?.startedDateTime ?? '');
  return Number.isFinite(t) ? t : 0;
}

function isoTime(ms: number): string {
  const d = new Date(Number.isFinite(ms) ? ms : 0);
  return Number.isNaN(d.getTime()) ? new Date(0).toISOString() : d.toISOString();
}

function eioOfUrl(url: string): EioVersion | undefined {
  const v = queryParam(url, 'EIO');
  return v === '3' ? 3 : v === '4' ? 4 : undefined;
}

function queryParam(url: string, name: string): string | null {
  try {
    return new URL(url, 'http://x').searchParams.get(name);
  } catch {
    return null;
  }
}

function queryOf(url: string): HarNameValue[] {
  try {
    return [...new URL(url).searchParams.entries()].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

function headerValue(headers: Headers, name: string): string | undefined {
  const v = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

function toNameValues(headers: Headers): HarNameValue[] {
  const out: HarNameValue[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.push({ name, value: String(v) });
  }
  return out;
}

/** Header lists as Node gives them: lower-case names, repeated headers as arrays. */
function fromNameValues(list: readonly HarNameValue[]): Headers {
  const out: Headers = {};
  for (const h of list) {
    if (typeof h?.name !== 'string') continue;
    const name = h.name.toLowerCase();
    const value = String(h.value ?? '');
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

function requestCookies(headers: Headers): HarCookie[] {
  const cookie = headerValue(headers, 'cookie');
  if (!cookie) return [];
  return cookie
    .split(';')
    .map((c) => c.trim())
    .filter(Boolean)
    .map((c) => {
      const eq = c.indexOf('=');
      return eq === -1 ? { name: c, value: '' } : { name: c.slice(0, eq), value: c.slice(eq + 1) };
    });
}

function responseCookies(headers: Headers): HarCookie[] {
  const raw = headers['set-cookie'];
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return list.map((line) => {
    const [pair = '', ...attrs] = line.split(';');
    const eq = pair.indexOf('=');
    const cookie: HarCookie = {
      name: (eq === -1 ? pair : pair.slice(0, eq)).trim(),
      value: eq === -1 ? '' : pair.slice(eq + 1).trim(),
    };
    for (const attr of attrs) {
      const [k = '', ...v] = attr.trim().split('=');
      const key = k.toLowerCase();
      const value = v.join('=');
      if (key === 'path') cookie.path = value;
      else if (key === 'domain') cookie.domain = value;
      else if (key === 'expires') cookie.expires = value;
      else if (key === 'httponly') cookie.httpOnly = true;
      else if (key === 'secure') cookie.secure = true;
    }
    return cookie;
  });
}

function isBinaryMime(mime: string | undefined): boolean {
  return String(mime ?? '').startsWith('application/octet-stream');
}

/** Bytes of a body held as text: latin1 (one char a byte) for binary bodies, else UTF-8. */
function bodyBytes(body: string, headers: Headers): number {
  return isBinaryMime(headerValue(headers, 'content-type')) ? body.length : utf8Length(body);
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

function latin1ToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

export function base64ToBytes(b64: string): Uint8Array {
  return latin1ToBytes(atob(b64));
}

export function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}
