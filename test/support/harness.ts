/**
 * Shared fixtures for the integration tests: a real socket.io server (v4, or v2 for Engine.IO v3)
 * and a sio-proxy in front of it, each on a free loopback port, plus small promise helpers.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type ServerOptions } from 'socket.io';
import { ProxyServer, type ProxyOptions } from '../../proxy/proxy-server.js';
import type { ProxyEvent } from '../../shared/events.js';

export interface Target {
  io: Server;
  http: HttpServer;
  url: string;
  port: number;
  close(): Promise<void>;
}

/** A socket.io@4 server on a free port (or a given one, to restart a target in place). */
export async function startTarget(opts: Partial<ServerOptions> = {}, port = 0): Promise<Target> {
  const http = createServer();
  const io = new Server(http, opts);
  return { io, http, ...(await listenLoopback(http, port)), close: () => closeIoServer(io, http) };
}

/** Listens on 127.0.0.1 (`port` 0: a free one); resolves with the port it got and the server's URL. */
export async function listenLoopback(http: HttpServer, port = 0): Promise<{ port: number; url: string }> {
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  const actual = (http.address() as AddressInfo).port;
  return { port: actual, url: `http://127.0.0.1:${actual}` };
}

/**
 * Closes a socket.io server, v4 or v2: it closes its clients, its engine and the HTTP server, whose
 * callback is awaited; open keep-alive connections are cut so that the close does not wait on them.
 */
export function closeIoServer(io: { close(fn: () => void): unknown }, http: HttpServer): Promise<void> {
  return new Promise<void>((resolve) => {
    io.close(() => resolve());
    http.closeAllConnections();
  });
}

/** Every socket of `io` answers `echo` with its argument: the round trip most tests make. */
export function serveEcho(io: Server): void {
  io.on('connection', (s) => s.on('echo', (v: unknown, ack: (v: unknown) => void) => ack(v)));
}

export interface Proxy {
  proxy: ProxyServer;
  url: string;
  events: ProxyEvent[];
  close(): Promise<void>;
}

export async function startProxy(target: string, opts: Partial<ProxyOptions> = {}): Promise<Proxy> {
  const proxy = new ProxyServer({ target, port: 0, ...opts });
  const events: ProxyEvent[] = [];
  proxy.bus.subscribe((e) => events.push(e));
  await proxy.listen();
  return { proxy, url: proxy.url, events, close: () => proxy.close() };
}

/** Resolves with the arguments of the next `event` on `emitter`, or rejects after `ms`. */
export function once<T = unknown>(
  emitter: { once(event: string, fn: (...args: never[]) => void): unknown },
  event: string,
  ms = 5000,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for "${event}"`)), ms);
    emitter.once(event, ((value: T) => {
      clearTimeout(timer);
      resolve(value);
    }) as (...args: never[]) => void);
  });
}

/** Polls `check` until it is truthy, or fails after `ms`. */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 5000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The Engine.IO sid of a server-side socket (`socket.conn.id`, which engine.io's types mark private). */
export function engineId(socket: { conn: object }): string {
  return String(Reflect.get(socket.conn, 'id'));
}

/** Resolves on the next `event` of an emitter whose typed `once` is too narrow for `once()` above. */
export function next(
  emitter: { once(event: string, fn: () => void): unknown },
  event: string,
): Promise<void> {
  return new Promise((resolve) => emitter.once(event, () => resolve()));
}
