/**
 * Fixtures for the event stream suites (test/integration/stream-*.test.ts): a socket.io@4 target, a
 * sio-proxy in front of it, the event stream on its bus and the dashboard server with the stream's
 * plugin, plus observers that connect to ws://<ui>/api/events and collect what they get.
 */
import type { AddressInfo } from 'node:net';
import type { ServerOptions } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { EventStream, type EventStreamOptions } from '../../proxy/stream/event-stream.js';
import {
  streamPlugin,
  type StreamPlugin,
  type StreamPluginOptions,
} from '../../proxy/stream/stream-plugin.js';
import { UiServer } from '../../proxy/ui/ui-server.js';
import { createLogger } from '../../proxy/log.js';
import type { Backlog } from '../../proxy/stream/reader-messages.js';
import { ReaderThread } from '../../proxy/stream/reader-thread.js';
import type { ProxyEvent } from '../../shared/events.js';
import { startProxy, startTarget, waitFor, type Proxy, type Target } from './harness.js';

export const TOKEN = 'test-token';

export interface StreamEnv {
  target: Target;
  proxy: Proxy;
  stream: EventStream;
  ui: UiServer;
  plugin: StreamPlugin;
  /** Each observer's backlog, wherever the observers are served (this thread or the reader thread). */
  backlogs(): Promise<Backlog[]>;
  /** `http://127.0.0.1:<ui port>`, the dashboard's own origin. */
  origin: string;
  /** A dashboard URL with `?token=` (or the given token, or none when `token` is null). */
  url(path: string, token?: string | null, scheme?: 'http' | 'ws'): string;
  /** A socket.io client through the proxy, closed at the end. */
  client(opts?: Parameters<typeof io>[1]): Socket;
  observe(opts?: { headers?: Record<string, string> }): Promise<Observer>;
  close(): Promise<void>;
}

export interface Observer {
  ws: WebSocket;
  /** Every event received, in order (dropped markers included). */
  events: ProxyEvent[];
  /** How many WebSocket messages they came in. */
  messages: number;
  /** Every message was a non-empty JSON array. */
  framingOk: boolean;
  close(): void;
}

export async function startStreamEnv(
  opts: {
    target?: Partial<ServerOptions>;
    stream?: EventStreamOptions;
    plugin?: StreamPluginOptions;
    /** Serve `/api/events` from the reader thread (proxy/stream/reader-thread.ts), as the CLI does. */
    readerThread?: boolean;
  } = {},
): Promise<StreamEnv> {
  const target = await startTarget(opts.target);
  const proxy = await startProxy(target.url);
  const stream = new EventStream(proxy.proxy.bus, opts.stream);
  const plugin = streamPlugin(stream, opts.plugin);
  const front = opts.readerThread
    ? new ReaderThread(stream, { token: TOKEN, log: createLogger(), ...opts.plugin })
    : undefined;
  const ui = new UiServer(proxy.proxy, TOKEN, front ? { front } : {}).use(plugin);
  const address: AddressInfo = await ui.listen(0, '127.0.0.1');
  const origin = `http://127.0.0.1:${address.port}`;
  const clients: Socket[] = [];
  const observers: Observer[] = [];

  const env: StreamEnv = {
    target,
    proxy,
    stream,
    ui,
    plugin,
    backlogs: async () => (front ? front.backlogs() : plugin.observers()),
    origin,
    url(path, token = TOKEN, scheme = 'http') {
      const u = new URL(path, origin);
      if (token !== null) u.searchParams.set('token', token);
      if (scheme === 'ws') u.protocol = 'ws:';
      return u.href;
    },
    client(clientOpts = {}) {
      const socket = io(proxy.url, { forceNew: true, reconnection: false, ...clientOpts });
      clients.push(socket);
      return socket;
    },
    async observe(observeOpts = {}) {
      const ws = new WebSocket(env.url('/api/events', TOKEN, 'ws'), { headers: observeOpts.headers ?? {} });
      const observer: Observer = {
        ws,
        events: [],
        messages: 0,
        framingOk: true,
        close: () => ws.terminate(),
      };
      ws.on('message', (data) => {
        observer.messages++;
        const batch = JSON.parse(String(data)) as unknown;
        if (!Array.isArray(batch) || batch.length === 0) observer.framingOk = false;
        else observer.events.push(...(batch as ProxyEvent[]));
      });
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      observers.push(observer);
      return observer;
    },
    async close() {
      for (const o of observers) o.close();
      for (const c of clients) c.close();
      await ui.close();
      stream.close();
      await proxy.close();
      await target.close();
    },
  };
  return env;
}

/** The HTTP status (and body) a WebSocket upgrade to `url` was refused with, or 101. */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.once('error', () => resolve(0));
  });
}

/** Waits until `observer` holds an event matching `match`. */
export function waitForEvent<T extends ProxyEvent>(
  observer: Observer,
  match: (e: ProxyEvent) => e is T,
  ms = 5000,
): Promise<T> {
  return waitFor(() => observer.events.find(match) as T | undefined, ms, 'an event on the observer');
}

export const ofType =
  <K extends ProxyEvent['type']>(type: K) =>
  (e: ProxyEvent): e is Extract<ProxyEvent, { type: K }> =>
    e.type === type;
