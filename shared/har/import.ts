/**
 * HAR import (`harToEvents`): the Engine.IO entries of a HAR (ours, or Chrome DevTools' "Save all as
 * HAR with content") back into events. An adapter over the protocol core (../protocol/): this file
 * reads entries, bodies and times; the core reads the sessions as the proxy and the extension do.
 * See ../har.ts.
 */
import type {
  Direction,
  HttpEvent,
  ProxyEvent,
  RoomEvent,
  SessionEvent,
  TransportName,
  UnstampedEvent,
} from '../events.js';
import {
  base64ToBytes,
  eioOf,
  type EioVersion,
  type EngineCodec,
  engineCodec,
  type EnginePacket,
  latin1ToBytes,
  ObservedSession,
  observedSessionEvent,
  type ObserverView,
  parseOpen,
} from '../protocol/index.js';
import type { Har, HarContent, HarEntry, HarRoom, HarWebSocketMessage } from './types.js';
import { entryStart, fromNameValues, isBinaryMime } from './util.js';

/** A HAR holds the client leg; an upgrade completes on both legs (the proxy reports both). */
const HAR_VIEW: ObserverView = {
  upgradeLegs: ['client', 'server'],
  serverUnknown: 'unknown (a HAR holds the client side only)',
};

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
  packet?: EnginePacket;
  http?: Omit<HttpEvent, 'seq' | 'ts'>;
  message?: string;
  received?: string;
}

interface SessionState {
  announced: boolean;
  core: ObservedSession;
}

type Unstamped<E> = E extends ProxyEvent ? Omit<E, 'seq' | 'ts'> : never;

/**
 * The events a HAR file describes: its Engine.IO entries (URL with `EIO=`) as `session`, `http`,
 * `packet` and `upgrade` events and what the packets mean at the Socket.IO level (`connect`,
 * `connect_error`, `disconnect`, `ack`; `close` where a close packet shows the end), and the `room`
 * events of our own export (`log._sioProxyRooms`), in time order, `seq` from 1, each with
 * `importedFrom: 'har'`. Other entries (pages, scripts) are ignored. A session
 * appears when its open packet does; a capture that starts mid-session gives packets without a
 * `session` event, since the open values cannot be known.
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
  const sink = (event: UnstampedEvent, ts: number) => (push(ts, event), out.length);
  const sessions = new Map<string, SessionState>();
  const stateOf = (sid: string, eio: EioVersion, transport: TransportName): SessionState => {
    let s = sessions.get(sid);
    if (!s)
      sessions.set(
        sid,
        (s = { announced: false, core: new ObservedSession(sid, eio, transport, sink, HAR_VIEW) }),
      );
    return s;
  };

  const rooms = harRooms(har);
  let nextRoom = 0;
  // A room event after what happened at the same instant: the proxy reports a room once it saw the
  // packets that show it.
  const roomsUntil = (ts: number) => {
    for (let r = rooms.list[nextRoom]; r && r.ts < ts; r = rooms.list[++nextRoom]) push(r.ts, r);
  };

  for (const item of items) {
    roomsUntil(item.ts);
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
    const state = stateOf(sid, item.eio, transport);
    if (!state.announced && packet.type === 'open' && direction === 's2c') {
      const session = sessionOf(item, sid, packet);
      if (session) {
        state.announced = true;
        push(item.ts, session);
      }
    }
    state.core.packet(item.ts, direction, transport, packet);
  }
  roomsUntil(Infinity);
  if (rooms.unread > 0)
    push(out.at(-1)?.ts ?? 0, {
      type: 'error',
      message: `${rooms.unread} item(s) of the HAR's _sioProxyRooms could not be read as room events`,
    });
  return out;
}

/** `log._sioProxyRooms` as room events in time order, and how many of its items were not room events. */
function harRooms(har: Har): { list: Omit<RoomEvent, 'seq'>[]; unread: number } {
  const saved: unknown = har?.log?._sioProxyRooms;
  if (!Array.isArray(saved)) return { list: [], unread: 0 };
  const list: Omit<RoomEvent, 'seq'>[] = [];
  for (const item of saved as unknown[]) {
    if (!isHarRoom(item)) continue;
    const { seq: _s, importedFrom: _i, ...room } = item as HarRoom & { seq?: number };
    list.push({ type: 'room', ...room });
  }
  // Stable: rooms of one instant keep the proxy's order.
  list.sort((a, b) => a.ts - b.ts);
  return { list, unread: saved.length - list.length };
}

const ROOM_ACTIONS: readonly unknown[] = ['join', 'leave', 'group'] satisfies RoomEvent['action'][];
const ROOM_SOURCES: readonly unknown[] = ['admin-ui', 'inferred'] satisfies RoomEvent['source'][];

/** What the panel reads of a room event has the types it expects (the file is anyone's JSON). */
function isHarRoom(v: unknown): v is HarRoom {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  const optional = (key: string, ok: (x: unknown) => boolean) => r[key] === undefined || ok(r[key]);
  const strings = (x: unknown) => Array.isArray(x) && x.every((s) => typeof s === 'string');
  const string = (x: unknown) => typeof x === 'string';
  return (
    typeof r.ts === 'number' &&
    Number.isFinite(r.ts) &&
    ROOM_ACTIONS.includes(r.action) &&
    ROOM_SOURCES.includes(r.source) &&
    string(r.nsp) &&
    string(r.room) &&
    optional('sessionId', string) &&
    optional('socketId', string) &&
    optional('members', strings) &&
    optional('evidence', strings) &&
    optional('own', (x) => typeof x === 'boolean') &&
    optional('confidence', (x) => x === 'certain' || x === 'likely' || x === 'guess')
  );
}

/** The session event: ours when the entry carries it, else built from the handshake entry. */
function sessionOf(item: Item, sid: string, open: EnginePacket): Unstamped<SessionEvent> | undefined {
  const saved = item.source._sioProxy?.session;
  if (saved && saved.sessionId === sid) {
    const { ts: _ts, importedFrom: _imported, ...rest } = saved;
    return { type: 'session', ...rest };
  }
  const values = parseOpen(typeof open.data === 'string' ? open.data : undefined);
  if (!values) return undefined;
  const url = new URL(item.source.request.url);
  const headers = fromNameValues(item.source.request.headers ?? []);
  return observedSessionEvent({
    sid,
    // Which sessions are one client's reconnects is not in a HAR: each session is its own client.
    clientKey: sid,
    eio: item.eio,
    transport: item.transport ?? 'polling',
    url,
    open: values,
    handshake: {
      headers,
      query: Object.fromEntries(url.searchParams.entries()),
      url: url.pathname + url.search,
      xdomain: headers.origin !== undefined,
      issued: entryStart(item.source),
    },
  });
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
  const eio = eioOf(eioParam);
  const start = entryStart(entry);
  const base = { entry: index, source: entry };
  if (eio === undefined) {
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
  const codec = engineCodec(eio);
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
  const packets: { ts: number; direction: Direction; packet: EnginePacket }[] = [];
  const errors: { ts: number; message: string; received?: string }[] = [];
  if (isWs) {
    for (const m of entry._webSocketMessages ?? []) {
      if (m.opcode !== 1 && m.opcode !== 2) continue;
      const ts = typeof m.time === 'number' && Number.isFinite(m.time) ? m.time * 1000 : start;
      const direction: Direction = m.type === 'send' ? 'c2s' : 's2c';
      try {
        packets.push({ ts, direction, packet: decodeWsMessage(m, codec) });
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
      pushPayload(packets, errors, ts, 'c2s', body, codec, binary, jsonp);
    } else if (method === 'GET') {
      const body = contentText(entry.response.content);
      if (body !== undefined) {
        const ts = ext?.responsePacketsAt ?? end;
        const binary = isBinaryMime(entry.response.content?.mimeType);
        pushPayload(packets, errors, ts, 's2c', body, codec, binary, jsonp);
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
  packets: { ts: number; direction: Direction; packet: EnginePacket }[],
  errors: { ts: number; message: string; received?: string }[],
  ts: number,
  direction: Direction,
  body: string,
  codec: EngineCodec,
  binary: boolean,
  jsonp: boolean,
): void {
  try {
    for (const packet of codec.decodePayload(body, { binary, jsonp }))
      packets.push({ ts, direction, packet });
  } catch (err) {
    errors.push({
      ts,
      message: `undecodable polling payload: ${(err as Error).message}`,
      received: body.slice(0, 200),
    });
  }
}

/** One WebSocket message of an entry: a text frame `<type><data>`, or a binary frame in base64. */
function decodeWsMessage(m: HarWebSocketMessage, codec: EngineCodec): EnginePacket {
  const data = typeof m.data === 'string' ? m.data : '';
  return m.opcode === 2 ? codec.decodeFrame(base64ToBytes(data), true) : codec.decodeFrame(data, false);
}
