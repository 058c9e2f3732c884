/**
 * Helpers for the Socket.IO v4 integration suites (test/integration/v4-*.test.ts): one target and one
 * proxy in front of it, real socket.io-client sockets that are all closed at the end, and the small
 * comparisons the suites make between a direct connection and one through the proxy.
 */
import { randomBytes } from 'node:crypto';
import type { ServerOptions, Socket as ServerSocket } from 'socket.io';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import WebSocket from 'ws';
import type { ProxyOptions } from '../../proxy/proxy-server.js';
import type { CloseEvent, PacketEvent, ProxyEvent, SessionEvent, UpgradeEvent } from '../../shared/events.js';
import { once, startProxy, startTarget, type Proxy, type Target } from './harness.js';

export type Via = 'direct' | 'proxy';
export const VIAS: readonly Via[] = ['direct', 'proxy'];
export type ClientOptions = Partial<ManagerOptions & SocketOptions>;

/** Fast, deterministic reconnection, so that tests that reconnect stay short. */
export const FAST_RECONNECT: ClientOptions = {
  reconnectionDelay: 50,
  reconnectionDelayMax: 100,
  randomizationFactor: 0,
};

export interface Env {
  target: Target;
  proxy: Proxy;
  /** The URL a client uses to reach the target directly or through the proxy. */
  url(via: Via): string;
  /** A socket.io client (never shared with another test: forceNew), closed by `close()`. */
  client(via: Via, opts?: ClientOptions, nsp?: string): Socket;
  /** A client that has connected (rejects on connect_error or timeout). */
  connect(via: Via, opts?: ClientOptions, nsp?: string): Promise<Socket>;
  /** A client plus the server-side socket it produced (matched by socket id). */
  pair(via: Via, opts?: ClientOptions, nsp?: string): Promise<{ client: Socket; server: ServerSocket }>;
  /** Replaces the target with a new one on the same port (the proxy keeps pointing at it). */
  restartTarget(opts?: Partial<ServerOptions>): Promise<Target>;
  /** Registers something else to close at the end (raw WebSockets, extra servers). */
  defer(fn: () => unknown): void;
  close(): Promise<void>;
}

export async function startEnv(
  targetOpts: Partial<ServerOptions> = {},
  proxyOpts: Partial<ProxyOptions> = {},
): Promise<Env> {
  let target = await startTarget(targetOpts);
  const proxy = await startProxy(target.url, proxyOpts);
  const clients: Socket[] = [];
  const deferred: (() => unknown)[] = [];
  const nsUrl = (via: Via, nsp = '/') => (via === 'direct' ? target.url : proxy.url) + nsp;

  const env: Env = {
    get target() {
      return target;
    },
    proxy,
    url: (via) => (via === 'direct' ? target.url : proxy.url),
    client(via, opts = {}, nsp = '/') {
      const socket = io(nsUrl(via, nsp), { forceNew: true, reconnection: false, ...opts });
      clients.push(socket);
      return socket;
    },
    async connect(via, opts = {}, nsp = '/') {
      const socket = env.client(via, opts, nsp);
      await connected(socket);
      return socket;
    },
    async pair(via, opts = {}, nsp = '/') {
      const socket = env.client(via, opts, nsp);
      await connected(socket);
      const server = target.io.of(nsp).sockets.get(socket.id ?? '');
      if (!server) throw new Error(`no server socket for ${socket.id} on ${nsp}`);
      return { client: socket, server };
    },
    async restartTarget(opts = targetOpts) {
      const port = target.port;
      await target.close();
      target = await startTarget(opts, port);
      return target;
    },
    defer(fn) {
      deferred.push(fn);
    },
    async close() {
      for (const socket of clients) closeClient(socket);
      for (const fn of deferred.splice(0)) await fn();
      await proxy.close();
      await target.close();
    },
  };
  return env;
}

/** The Engine.IO sid of a server-side socket (engine.io types keep `id` private). */
export function engineId(socket: ServerSocket): string {
  return (socket.conn as unknown as { id: string }).id;
}

/** Whether the target's engine holds a live session with this sid. */
export function targetHasSession(target: Target, sid: string): boolean {
  return sid in (target.io.engine as unknown as { clients: Record<string, unknown> }).clients;
}

/** Ends a client for good: no reconnection, engine closed. */
export function closeClient(socket: Socket): void {
  socket.io.reconnection(false);
  socket.disconnect();
  socket.io._close();
}

/** Resolves when the socket connects; rejects with the connect_error (message and data kept). */
export function connected(socket: Socket, ms = 5000): Promise<void> {
  if (socket.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error('timed out waiting for "connect"')), ms);
    const onConnect = () => done();
    const onError = (err: Error) => done(err);
    function done(err?: Error) {
      clearTimeout(timer);
      socket.off('connect', onConnect);
      socket.off('connect_error', onError);
      if (err) reject(err);
      else resolve();
    }
    socket.on('connect', onConnect);
    socket.on('connect_error', onError);
  });
}

/** The next connect_error of a socket, as { message, data }. */
export async function connectError(socket: Socket, ms = 5000): Promise<{ message: string; data: unknown }> {
  const err = await once<Error & { data?: unknown }>(socket, 'connect_error', ms);
  return { message: err.message, data: err.data };
}

/** Waits until the client's engine runs over WebSocket (after the polling -> websocket upgrade). */
export async function upgraded(socket: Socket, ms = 5000): Promise<void> {
  const engine = socket.io.engine;
  if (engine.transport.name === 'websocket') return;
  await once(engine, 'upgrade', ms);
}

/** Any binary shape a socket.io client may hand back, as a Buffer. */
export function toBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  throw new Error(`not binary: ${Object.prototype.toString.call(value)}`);
}

export const random = (n: number): Buffer => randomBytes(n);

/** A text of `size` UTF-16 units mixing ASCII, accented, CJK, astral characters and JSON specials. */
export function bigText(size: number): string {
  const alphabet = ['a', 'Z', '9', ' ', 'é', 'ß', '€', '中', '文', '😀', '"', '\\', '\n', '\u001e', '<', '/'];
  const bytes = randomBytes(size);
  let out = '';
  for (let i = 0; out.length < size; i++) out += alphabet[(bytes[i % size] ?? 0) % alphabet.length];
  return out;
}

export const sessionEvents = (events: ProxyEvent[]) =>
  events.filter((e): e is SessionEvent => e.type === 'session');
export const packetEvents = (events: ProxyEvent[], sid?: string) =>
  events.filter((e): e is PacketEvent => e.type === 'packet' && (sid === undefined || e.sessionId === sid));
export const upgradeEvents = (events: ProxyEvent[], sid?: string) =>
  events.filter((e): e is UpgradeEvent => e.type === 'upgrade' && (sid === undefined || e.sessionId === sid));
export const closeEvents = (events: ProxyEvent[], sid?: string) =>
  events.filter((e): e is CloseEvent => e.type === 'close' && (sid === undefined || e.sessionId === sid));

/** The JSON of an Engine.IO v4 open packet from a polling handshake, and the response itself. */
export async function pollingHandshake(
  baseUrl: string,
  query = '',
): Promise<{ status: number; open: Record<string, unknown>; headers: Headers; body: string }> {
  const res = await fetch(`${baseUrl}/socket.io/?EIO=4&transport=polling${query}`);
  const body = await res.text();
  const open = body.startsWith('0')
    ? (JSON.parse(body.split('\x1e')[0]!.slice(1)) as Record<string, unknown>)
    : {};
  return { status: res.status, open, headers: res.headers, body };
}

/** A raw Engine.IO v4 WebSocket (no socket.io client), with its frames collected as text. */
export interface RawSocket {
  ws: WebSocket;
  frames: string[];
  /** Headers of the 101 answer. */
  headers: Record<string, string | string[] | undefined>;
  /** Resolves with the next frame that satisfies `match`. */
  next(match: (frame: string) => boolean, ms?: number): Promise<string>;
  closed: Promise<{ code: number; reason: string }>;
}

export function rawWebSocket(baseUrl: string, query = ''): Promise<RawSocket> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket${query}`);
  const frames: string[] = [];
  const waiters: { match: (f: string) => boolean; resolve: (f: string) => void }[] = [];
  let headers: RawSocket['headers'] = {};
  ws.on('upgrade', (res) => (headers = res.headers));
  ws.on('message', (data: Buffer) => {
    const frame = data.toString('utf8');
    frames.push(frame);
    for (const w of waiters.splice(0)) {
      if (w.match(frame)) w.resolve(frame);
      else waiters.push(w);
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        ws,
        frames,
        headers,
        closed,
        next(match, ms = 5000) {
          const seen = frames.find(match);
          if (seen !== undefined) return Promise.resolve(seen);
          return new Promise((res, rej) => {
            const timer = setTimeout(() => rej(new Error('timed out waiting for a frame')), ms);
            waiters.push({
              match,
              resolve: (f) => {
                clearTimeout(timer);
                res(f);
              },
            });
          });
        },
      }),
    );
  });
}

/**
 * Stops a client from answering pings (its engine still hears them): the target then ends the
 * session with "ping timeout".
 */
export function suppressPongs(socket: Socket): void {
  const engine = socket.io.engine as unknown as { _sendPacket: (type: string, ...rest: unknown[]) => void };
  const original = engine._sendPacket.bind(engine);
  engine._sendPacket = (type, ...rest) => {
    if (type !== 'pong') original(type, ...rest);
  };
}

/**
 * Stops the target from pinging every session it opens from now on, so that a client hears nothing
 * and ends the session itself with "ping timeout".
 */
export function stopServerPings(target: Target): void {
  target.io.engine.on('connection', (conn: { pingIntervalTimer?: NodeJS.Timeout | null }) => {
    if (conn.pingIntervalTimer) clearTimeout(conn.pingIntervalTimer);
  });
}
