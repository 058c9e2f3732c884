/**
 * What the protocol compliance tests need: the reference server that the Engine.IO and Socket.IO
 * protocol test suites (socketio/engine.io-protocol, socketio/socket.io-protocol) are written
 * against, and a raw WebSocket that reads one message at a time.
 *
 * Each compliance scenario is run twice, once straight at the reference server and once through
 * sio-proxy, and the two transcripts must be equal: a proxy that changes a status code, a body, a
 * close or its timing beyond what the scenario tolerates is caught even where the suites' own
 * assertions are loose.
 */
import assert from 'node:assert/strict';
import { createServer, type Server as HttpServer } from 'node:http';
import { attach, type Server as EngineServer } from 'engine.io';
import { Server, type Socket } from 'socket.io';
import { WebSocket, type RawData } from 'ws';
import { closeIoServer, listenLoopback, startProxy, type Proxy } from './harness.js';

/** The suites' heartbeat: short, so that ping timeouts happen within a test. */
export const PING_INTERVAL = 300;
export const PING_TIMEOUT = 200;
export const MAX_PAYLOAD = 1_000_000;

export interface ComplianceEnv {
  /** Base URLs by name: `direct` (the reference server) and `proxy` (sio-proxy in front of it). */
  urls: { direct: string; proxy: string };
  proxy: Proxy;
  close(): Promise<void>;
}

/**
 * The reference configuration the suites document: socket.io@4 on /socket.io/ with an `auth` echo on connect, `message` -> `message-back`,
 * `message-with-ack` acked with its own args, a `/custom` namespace; and a raw Engine.IO echo server
 * on /engine.io/ for the Engine.IO suite. sio-proxy terminates both paths. `allowEIO3` is what the
 * v3 suites need and what the v4 ones must not have (with it, a missing or bad `EIO` means v3).
 */
export async function startComplianceEnv({ allowEIO3 }: { allowEIO3: boolean }): Promise<ComplianceEnv> {
  const http: HttpServer = createServer();
  const io = new Server(http, {
    pingInterval: PING_INTERVAL,
    pingTimeout: PING_TIMEOUT,
    maxHttpBufferSize: MAX_PAYLOAD,
    connectTimeout: 1000,
    allowEIO3,
    cors: { origin: '*' },
  });
  const engine: EngineServer = attach(http, {
    path: '/engine.io/',
    pingInterval: PING_INTERVAL,
    pingTimeout: PING_TIMEOUT,
    maxHttpBufferSize: MAX_PAYLOAD,
    allowEIO3,
  });
  engine.on('connection', (socket) => socket.on('message', (data: string | Buffer) => socket.send(data)));
  io.on('connection', (socket: Socket) => {
    socket.emit('auth', socket.handshake.auth);
    socket.on('message', (...args: unknown[]) => socket.emit('message-back', ...args));
    socket.on('message-with-ack', (...args: unknown[]) => {
      const ack = args.pop() as (...a: unknown[]) => void;
      ack(...args);
    });
  });
  io.of('/custom').on('connection', (socket) => socket.emit('auth', socket.handshake.auth));
  const { url } = await listenLoopback(http);
  const proxy = await startProxy(url, { paths: ['/socket.io/', '/engine.io/'] });
  return {
    urls: { direct: url, proxy: proxy.url },
    proxy,
    async close() {
      await proxy.close();
      engine.close();
      await closeIoServer(io, http);
    },
  };
}

/** A message as a transcript shows it: text as is, binary as `<bytes 1,2,3>`. */
export function show(data: RawData | string, isBinary: boolean): string {
  if (!isBinary) return data.toString();
  const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
  return `<bytes ${[...buf].join(',')}>`;
}

/**
 * A WebSocket whose messages are read in order with `next()`, and whose end (close code, or the
 * HTTP status of a refused upgrade) is known once it happened.
 */
export class Ws {
  readonly socket: WebSocket;
  private readonly queue: string[] = [];
  private readonly waiters: Array<(m: string | undefined) => void> = [];
  /** `open`, `close <code>`, or `refused <status>`. */
  ended: Promise<string>;
  opened: Promise<boolean>;
  private done = false;

  constructor(url: string) {
    this.socket = new WebSocket(url);
    this.opened = new Promise((resolve) => {
      this.socket.once('open', () => resolve(true));
      this.socket.once('close', () => resolve(false));
    });
    this.ended = new Promise((resolve) => {
      this.socket.once('unexpected-response', (_req, res) => {
        resolve(`refused ${res.statusCode}`);
        this.finish();
        this.socket.terminate();
      });
      this.socket.once('close', (code) => {
        resolve(`close ${code}`);
        this.finish();
      });
    });
    this.socket.on('error', () => undefined); // refusals and resets are read from `ended`
    this.socket.on('message', (data, isBinary) => {
      const m = show(data, isBinary);
      const w = this.waiters.shift();
      if (w) w(m);
      else this.queue.push(m);
    });
  }

  private finish(): void {
    this.done = true;
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  /** The next message, `undefined` once closed, or throws after `ms`. */
  next(ms = 3000): Promise<string | undefined> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.done) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no message within ${ms} ms`)), ms);
      this.waiters.push((m) => {
        clearTimeout(timer);
        resolve(m);
      });
    });
  }

  /** The next message that is not an Engine.IO ping (the v3 suite's `waitForPackets`). */
  async nextNonPing(ms = 3000): Promise<string | undefined> {
    for (;;) {
      const m = await this.next(ms);
      if (m !== '2') return m;
    }
  }

  send(data: string | Uint8Array): void {
    this.socket.send(data);
  }

  close(): void {
    this.socket.close();
  }
}

/** Session ids differ between runs: transcripts compare them as placeholders. */
export function normaliseIds(s: string): string {
  return s.replace(/"(sid|pid)":"[^"]+"/g, '"$1":"<$1>"');
}

/** HTTP answers as a transcript line: status and body (ids normalised). */
export async function httpLine(res: Response): Promise<string> {
  return `${res.status} ${normaliseIds(await res.text())}`;
}

export type Transcript = string[];
export type Scenario = (base: string) => Promise<Transcript>;

/** Runs a scenario directly and through the proxy; returns the proxied transcript once both agree. */
export async function both(env: ComplianceEnv, scenario: Scenario): Promise<Transcript> {
  const direct = await scenario(env.urls.direct);
  const proxied = await scenario(env.urls.proxy);
  assert.deepEqual(proxied, direct, 'through the proxy, the transcript is the same as directly');
  return proxied;
}

/** The handshake's fields as the suites check them. */
export function describeOpen(packet: string): Transcript {
  assert.equal(packet[0], '0', `an open packet: ${packet}`);
  const open = JSON.parse(packet.slice(1)) as Record<string, unknown>;
  return [
    `keys ${Object.keys(open).sort().join(',')}`,
    `sid ${typeof open.sid}`,
    `upgrades ${JSON.stringify(open.upgrades)}`,
    `heartbeat ${String(open.pingInterval)}/${String(open.pingTimeout)}`,
    `maxPayload ${String(open.maxPayload)}`,
  ];
}

export const OPEN_FIELDS = ['keys maxPayload,pingInterval,pingTimeout,sid,upgrades', 'sid string'];
export const HEARTBEAT = `heartbeat ${PING_INTERVAL}/${PING_TIMEOUT}`;
export const post = (url: string, body: string) => fetch(url, { method: 'POST', body });
