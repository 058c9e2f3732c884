/**
 * Fixtures for the Engine.IO v3 integration tests: a real socket.io@2 server, socket.io-client@2
 * clients, and small helpers to read what the proxy published. Builds on harness.ts.
 */
import {
  createServer,
  request,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server as HttpServer,
} from 'node:http';
import SocketIOv2, { type V2Server, type V2ServerOptions, type V2ServerSocket } from 'socket.io-v2';
import ioV2, { type V2ClientOptions, type V2ClientSocket } from 'socket.io-client-v2';
import type { PacketEvent, ProxyEvent, SessionEvent } from '../../shared/events.js';
import { closeIoServer, listenLoopback, once, waitFor, type Proxy } from './harness.js';

export interface V2Target {
  io: V2Server;
  http: HttpServer;
  url: string;
  port: number;
  /** Every request the target's HTTP server received (method, url, content-type), in order. */
  requests: Array<{ method: string; url: string; contentType: string | undefined }>;
  close(): Promise<void>;
}

/** A socket.io@2 server on a free port (or a given one, to restart a target in place). */
export async function startV2Target(opts: V2ServerOptions = {}, port = 0): Promise<V2Target> {
  const http = createServer();
  const io = SocketIOv2(http, opts);
  const requests: V2Target['requests'] = [];
  // Observation only: engine.io answers the request; this listener just notes what arrived.
  http.on('request', (req: IncomingMessage) =>
    requests.push({ method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'] }),
  );
  return { io, http, ...(await listenLoopback(http, port)), requests, close: () => closeIoServer(io, http) };
}

/** Every client made through `clientV2` is closed by `closeClients`, whatever a test did. */
const openClients = new Set<V2ClientSocket>();

/** A socket.io-client@2 socket that never shares a Manager and does not reconnect unless told. */
export function clientV2(url: string, opts: V2ClientOptions = {}): V2ClientSocket {
  const socket = ioV2(url, { forceNew: true, reconnection: false, timeout: 5000, ...opts });
  openClients.add(socket);
  return socket;
}

export function closeClients(): void {
  for (const s of openClients) s.close();
  openClients.clear();
}

/** A suite's `after`: every client@2 first, then the proxy, then the target (v2, or v4 when mixed). */
export async function closeSuite(proxy: Proxy, target: { close(): Promise<void> }): Promise<void> {
  closeClients();
  await proxy.close();
  await target.close();
}

/**
 * Connects a client@2 and resolves with it and the server-side socket of the same connection: a
 * socket.io@2 one by default, or a socket.io@4 one (`S`) for a server with `allowEIO3`.
 */
export async function connectPair<S = V2ServerSocket>(
  nsp: { once(event: 'connection', fn: (socket: S) => void): unknown },
  url: string,
  opts: V2ClientOptions = {},
): Promise<{ client: V2ClientSocket; server: S }> {
  const serverSide = new Promise<S>((resolve) => nsp.once('connection', resolve));
  const client = clientV2(url, opts);
  const [server] = await Promise.all([
    withTimeout(serverSide, 5000, 'server-side connection'),
    once(client, 'connect'),
  ]);
  return { client, server };
}

/** Resolves once the client's engine runs on WebSocket (immediately if it already does). */
export function upgradedV2(client: V2ClientSocket): Promise<void> {
  if (client.io.engine.transport.name === 'websocket') return Promise.resolve();
  return waitFor(() => client.io.engine.transport.name === 'websocket', 5000, 'the client upgrade').then(
    () => undefined,
  );
}

/** Resolves once the upgrade is done on both ends: the client's engine and the target's socket. */
export async function upgradedPairV2(
  client: V2ClientSocket,
  server: { readonly conn: { readonly transport: { readonly name: string } } },
): Promise<void> {
  await upgradedV2(client);
  await waitFor(() => server.conn.transport.name === 'websocket', 3000, 'the target to upgrade');
}

/** Emits with an ack callback and resolves with the ack's arguments. */
export function emitWithAckV2(
  socket: { emit(event: string, ...args: unknown[]): unknown },
  event: string,
  ...args: unknown[]
): Promise<unknown[]> {
  return withTimeout(
    new Promise<unknown[]>((resolve) => socket.emit(event, ...args, (...res: unknown[]) => resolve(res))),
    5000,
    `ack of "${event}"`,
  );
}

/** Resolves with all arguments of the next `event` (harness `once` keeps only the first). */
export function nextEvent(
  emitter: { once(event: string, fn: (...args: never[]) => void): unknown },
  event: string,
  ms = 5000,
): Promise<unknown[]> {
  return withTimeout(
    new Promise<unknown[]>((resolve) =>
      emitter.once(event, ((...args: unknown[]) => resolve(args)) as (...args: never[]) => void),
    ),
    ms,
    `"${event}"`,
  );
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Binary as socket.io-client@2 hands it over in Node: a Buffer over WebSocket, an ArrayBuffer from
 * XHR2 polling. Anything else is not binary and fails the comparison.
 */
export function bytesOf(value: unknown): Buffer | undefined {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return undefined;
}

/** Bytes 0..255 and a few more, so that every byte value crosses (and a 0xFF, the XHR2 separator). */
export function allBytes(extra = 0): Buffer {
  const b = Buffer.alloc(256 + extra);
  for (let i = 0; i < b.length; i++) b[i] = i % 256;
  return b;
}

export const sessionEvents = (events: ProxyEvent[]): SessionEvent[] =>
  events.filter((e): e is SessionEvent => e.type === 'session');

export const packetEvents = (events: ProxyEvent[], sessionId?: string): PacketEvent[] =>
  events.filter(
    (e): e is PacketEvent => e.type === 'packet' && (sessionId === undefined || e.sessionId === sessionId),
  );

/** A compact, readable line per event, for assertion messages. */
export function describeEvents(events: ProxyEvent[]): string {
  return events
    .map((e) => {
      if (e.type === 'packet')
        return `packet ${e.direction} ${e.transport} ${e.engine}${e.sio ? ` ${e.sio.type} ${e.sio.nsp} ${e.sio.event ?? ''}` : ''}`;
      if (e.type === 'error') return `error ${e.message}`;
      if (e.type === 'session') return `session eio${e.eio} ${e.transport} ${e.sessionId}`;
      if (e.type === 'upgrade') return `upgrade ${e.leg} ${e.stage}`;
      if (e.type === 'close') return `close ${e.leg} ${e.reason}`;
      return e.type;
    })
    .join('\n');
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * One HTTP request on its own connection (no keep-alive, so nothing lingers after a test), for
 * driving Engine.IO v3 polling by hand where socket.io-client@2 cannot in Node (XHR2, JSONP).
 */
export function rawRequest(
  url: string,
  opts: {
    method?: 'GET' | 'POST';
    body?: Buffer | string;
    headers?: Record<string, string>;
    ms?: number;
  } = {},
): Promise<RawResponse> {
  return new Promise<RawResponse>((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`timed out: ${opts.method ?? 'GET'} ${url}`));
    }, opts.ms ?? 5000);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(opts.body);
  });
}
