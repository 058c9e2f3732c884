/**
 * HAR export (`eventsToHar`): one entry per `http` event of the client leg (each polling exchange, each
 * WebSocket handshake), WebSocket frames rebuilt from the session's `packet` events, and the
 * `problem` events listed in `log.comment`, the `room` events in `log._sioProxyRooms`. See ../har.ts.
 */
import { ENGINE_PACKET_TYPES, type EioVersion } from '../engineio.js';
import type { HttpEvent, PacketEvent, ProblemEvent, ProxyEvent, RoomEvent, SessionEvent } from '../events.js';
import type { Har, HarContent, HarEntry, HarRequest, HarResponse, HarRoom } from './types.js';
import {
  base64ToBytes,
  bodyBytes,
  bytesToBase64,
  eioOfUrl,
  headerValue,
  isBinaryMime,
  isoTime,
  queryOf,
  queryParam,
  requestCookies,
  responseCookies,
  toNameValues,
  type Headers,
} from './util.js';

export interface EventsToHarOptions {
  /** `log.creator.version` (sio-proxy's version). */
  version?: string;
  /** Host for a request that carried no `Host` header (HTTP/1.0); else `unknown-host`. */
  fallbackHost?: string;
  /** Write the `_sioProxy` extension (default true). */
  extensions?: boolean;
}

const EXPORT_COMMENT =
  'Exported by sio-proxy: the client leg (what the client sent and received), as the proxy saw it. ' +
  'Not recorded: the HTTP version (written as HTTP/1.1), header sizes (-1) and the timing breakdown ' +
  '(the whole time is in `wait`). WebSocket frames are rebuilt from the decoded Engine.IO packets.';

/** Problems (shared/analysis) listed in `log.comment`, at most: HAR has no place of its own for them. */
const MAX_PROBLEM_LINES = 100;

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
  const builder = new HarBuilder(opts);
  for (const e of bySeq(events)) builder.add(e);
  return builder.har();
}

/** The events in seq order, as HarBuilder takes them (a copy: the caller's array is left as it is). */
export function bySeq(events: readonly ProxyEvent[]): ProxyEvent[] {
  return [...events].sort((a, b) => a.seq - b.seq);
}

/**
 * eventsToHar an event at a time, so that a caller holding many (the proxy's GET /api/har: 29 000
 * events took 66-138 ms as one call) can give the loop a turn between slices. Events must come in seq
 * order (`bySeq`); `har()` then sorts the entries by start time and writes the log.
 */
export class HarBuilder {
  private readonly ext: boolean;
  private readonly sessions = new Map<string, SessionEvent>();
  /** Sessions whose `session` event an entry carries already. */
  private readonly sessionWritten = new Set<string>();
  private readonly currentWs = new Map<string, WsConnection>();
  /** Polling packets not yet matched to the exchange that carried them, by session and direction. */
  private readonly pollPackets = new Map<string, PacketEvent[]>();
  private readonly entries: PendingEntry[] = [];
  private readonly problems: string[] = [];
  /**
   * At log level, not on entries: a room belongs to no HTTP exchange (admin-ui's joins come over the
   * proxy's own connection to the target, an inferred group spans several sessions), and an entry
   * written before the room event came would have to be found again.
   */
  private readonly rooms: HarRoom[] = [];

  constructor(private readonly opts: EventsToHarOptions = {}) {
    this.ext = opts.extensions ?? true;
  }

  add(e: ProxyEvent): void {
    switch (e.type) {
      case 'session':
        this.sessions.set(e.sessionId, e);
        break;
      case 'http':
        this.http(e);
        break;
      case 'packet':
        this.packet(e);
        break;
      case 'problem':
        if (this.problems.length < MAX_PROBLEM_LINES) this.problems.push(problemLine(e));
        break;
      case 'room':
        if (this.ext) this.rooms.push(harRoom(e));
        break;
      default:
        break;
    }
  }

  har(): Har {
    const { entries, problems, rooms, opts } = this;
    entries.sort((a, b) => a.startedAt - b.startedAt || a.order - b.order);
    return {
      log: {
        version: '1.2',
        creator: { name: 'sio-proxy', version: opts.version ?? '' },
        entries: entries.map((p) => p.entry),
        comment: problems.length
          ? `${EXPORT_COMMENT}\n\nProblems found:\n${problems.join('\n')}`
          : EXPORT_COMMENT,
        ...(rooms.length ? { _sioProxyRooms: rooms } : {}),
      },
    };
  }

  private attachSession(entry: HarEntry, sid: string | undefined): void {
    if (!sid || this.sessionWritten.has(sid)) return;
    const session = this.sessions.get(sid);
    if (!session) return;
    this.sessionWritten.add(sid);
    if (this.ext) {
      const { type: _t, seq: _s, ...rest } = session;
      entry._sioProxy = { ...entry._sioProxy, session: rest };
    }
  }

  private http(e: HttpEvent): void {
    const { opts, ext } = this;
    const session = e.sessionId ? this.sessions.get(e.sessionId) : undefined;
    if (isWebSocketRequest(e)) {
      const entry = webSocketEntry(e, session, opts);
      if (ext) entry._sioProxy = { seq: e.seq, ...(e.sessionId ? { sessionId: e.sessionId } : {}) };
      this.attachSession(entry, e.sessionId);
      if (e.status === 101 && e.sessionId) this.currentWs.set(e.sessionId, { entry, sessionId: e.sessionId });
      this.entries.push({ entry, startedAt: e.startedAt, order: e.seq });
      return;
    }
    const key = e.sessionId ? `${e.sessionId} ${e.method === 'POST' ? 'c2s' : 's2c'}` : undefined;
    const claimed = key ? (this.pollPackets.get(key) ?? []) : [];
    if (key) this.pollPackets.delete(key);
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
    this.attachSession(entry, e.sessionId);
    this.entries.push({ entry, startedAt: e.startedAt, order: e.seq });
  }

  private packet(e: PacketEvent): void {
    if (e.transport === 'polling') {
      const key = `${e.sessionId} ${e.direction}`;
      const list = this.pollPackets.get(key);
      if (list) list.push(e);
      else this.pollPackets.set(key, [e]);
      return;
    }
    let conn = this.currentWs.get(e.sessionId);
    if (!conn) {
      // The handshake request is not among the events (cut from the history): say so.
      const entry = syntheticWebSocketEntry(e, this.sessions.get(e.sessionId), this.opts);
      if (this.ext) entry._sioProxy = { sessionId: e.sessionId };
      this.attachSession(entry, e.sessionId);
      conn = { entry, sessionId: e.sessionId };
      this.currentWs.set(e.sessionId, conn);
      this.entries.push({ entry, startedAt: e.ts, order: e.seq });
    }
    const eio = this.sessions.get(e.sessionId)?.eio ?? eioOfUrl(conn.entry.request.url) ?? 4;
    const frame = frameOf(e, eio);
    conn.entry._webSocketMessages?.push({
      type: e.direction === 'c2s' ? 'send' : 'receive',
      time: e.ts / 1000,
      opcode: frame.opcode,
      data: frame.data,
    });
    if (e.truncated) addComment(conn.entry, TRUNCATED_COMMENT);
  }
}

function harRoom(e: RoomEvent): HarRoom {
  const { type: _t, seq: _s, importedFrom: _i, ...room } = e;
  return room;
}

/** `- reserved-event: "disconnect" is a reserved event name (session abc, events 9 8)` */
function problemLine(p: ProblemEvent): string {
  const where = [
    p.sessionId ? `session ${p.sessionId}` : '',
    p.seqs.length ? `events ${p.seqs.join(' ')}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `- ${p.kind}: ${p.title}${where ? ` (${where})` : ''}`;
}

function isWebSocketRequest(e: HttpEvent): boolean {
  if (e.status === 101) return true;
  if (String(headerValue(e.requestHeaders, 'upgrade') ?? '').toLowerCase() === 'websocket') return true;
  return queryParam(e.url, 'transport') === 'websocket';
}

function pollingEntry(e: HttpEvent, session: SessionEvent | undefined, opts: EventsToHarOptions): HarEntry {
  const url = absoluteUrl(e.url, e.requestHeaders, session?.handshake.secure ? 'https' : 'http', opts);
  const bodySize = e.requestBody === undefined ? 0 : bodyBytes(e.requestBody, e.requestHeaders);
  const request = requestOf(e, url, bodySize);
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
  return entry;
}

function webSocketEntry(e: HttpEvent, session: SessionEvent | undefined, opts: EventsToHarOptions): HarEntry {
  const url = absoluteUrl(e.url, e.requestHeaders, session?.handshake.secure ? 'wss' : 'ws', opts);
  const entry = baseEntry(e, requestOf(e, url, 0), responseOf(e));
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

/** The request of an entry, as the client sent it (`url` made absolute). */
function requestOf(e: HttpEvent, url: string, bodySize: number): HarRequest {
  return {
    method: e.method,
    url,
    httpVersion: 'HTTP/1.1',
    cookies: requestCookies(e.requestHeaders),
    headers: toNameValues(e.requestHeaders),
    queryString: queryOf(url),
    headersSize: -1,
    bodySize,
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
