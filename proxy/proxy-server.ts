/**
 * The proxy: one HTTP server that routes Engine.IO requests on the terminated paths to the relays
 * and everything else to the plain pass-through. It publishes what it sees on `bus`; it knows
 * nothing of who listens.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import HttpProxy from 'http-proxy';
import { ClientRegistry } from './clients/client-registry.js';
import { PollingRelay } from './engine/polling-relay.js';
import type { RelayContext } from './engine/relay-context.js';
import { UnobservedSessions } from './engine/unobserved-sessions.js';
import { isEngineRequest, readEngineRequest } from './engine/request-info.js';
import { SessionTable } from './engine/session-table.js';
import { TargetPool } from './engine/target-pool.js';
import { WebSocketRelay } from './engine/websocket-relay.js';
import { EventBus } from './events/bus.js';
import { Intervention } from './intervene/intervention.js';
import { silentLogger, type Logger } from './log.js';
import { passThroughRequest, passThroughUpgrade } from './passthrough.js';

export interface ProxyOptions {
  target: string | URL;
  /** Several nodes of one app (the first is `target`'s): new sessions go to them in turn. */
  targets?: (string | URL)[];
  port?: number;
  host?: string;
  /** Paths whose Engine.IO traffic is terminated, engine.io-style with a trailing slash. */
  paths?: string[];
  log?: Logger;
  bus?: EventBus;
  /** Accept an https target's certificate without verifying it (a self-signed development one). */
  insecure?: boolean;
  /** How long a held packet waits for a decision before it is forwarded as it was. */
  pauseTimeoutMs?: number;
}

export const DEFAULT_PATHS = ['/socket.io/'];

/** engine.io's own normalisation (addTrailingSlash). */
export function normalisePath(path: string): string {
  return path.replace(/\/$/, '') + '/';
}

export class ProxyServer {
  readonly bus: EventBus;
  readonly sessions = new SessionTable();
  readonly target: URL;
  /** The nodes of the target (one unless several were given). */
  readonly targets: TargetPool;
  /** Rules, held packets, emits and faults (issue #11): inert until something is armed. */
  readonly intervention: Intervention;
  private readonly server = http.createServer();
  private readonly httpProxy: HttpProxy;
  private readonly polling: PollingRelay;
  private readonly websocket: WebSocketRelay;
  private readonly paths: string[];
  private readonly log: Logger;

  constructor(private readonly opts: ProxyOptions) {
    this.target = new URL(opts.target);
    // Options given here hold for every request and upgrade the relays send to the target.
    this.httpProxy = HttpProxy.createProxyServer({ secure: !opts.insecure });
    this.log = opts.log ?? silentLogger;
    this.bus = opts.bus ?? new EventBus(opts.log);
    this.targets = new TargetPool(
      opts.targets?.length ? opts.targets.map((t) => new URL(t)) : [this.target],
      {
        down: (node, why) => {
          this.log.warn(`target node ${node.origin} ${why}; new sessions go to the other nodes`);
          this.bus.emit({
            type: 'error',
            message: `target node ${node.origin} ${why}; new sessions go to the other nodes until it answers again`,
          });
        },
        up: (node) => this.log.info(`target node ${node.origin} answers again: back in turn`),
      },
    );
    this.paths = (opts.paths ?? DEFAULT_PATHS).map(normalisePath);
    this.intervention = new Intervention({
      bus: this.bus,
      sessions: this.sessions,
      ...(opts.pauseTimeoutMs !== undefined ? { pauseTimeoutMs: opts.pauseTimeoutMs } : {}),
    });
    const ctx: RelayContext = {
      targets: this.targets,
      sessions: this.sessions,
      clients: new ClientRegistry(this.bus),
      unobserved: new UnobservedSessions(),
      bus: this.bus,
      log: this.log,
      httpProxy: this.httpProxy,
      insecure: !!opts.insecure,
      intervention: this.intervention,
    };
    // Each relay listens to this proxy's own http-proxy for the answers to its requests.
    this.polling = new PollingRelay(ctx);
    this.websocket = new WebSocketRelay(ctx);
    // http-proxy cancels the upstream request only on 'aborted', which Node no longer emits once a
    // request was read whole (a long-poll GET): a client that leaves must end the target's request
    // too, so the target sees the same "transport error" as directly.
    this.httpProxy.on('proxyReq', (proxyReq, _req, res) => {
      res.once('close', () => {
        if (!res.writableFinished) proxyReq.destroy();
      });
    });
    // Without a listener http-proxy rethrows; every call passes its own error callback anyway.
    this.httpProxy.on('error', (err) => this.log.warn(`proxy error: ${err.message}`));
    this.server.on('request', (req, res) => this.onRequest(req, res));
    this.server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    this.server.on('clientError', (err, socket) => this.onClientError(err, socket));
  }

  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port ?? 8080, this.opts.host ?? '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  get url(): string {
    const a = this.server.address() as AddressInfo;
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `http://${host}:${a.port}`;
  }

  /** Stops accepting, ends every session's connections, and resolves when the server is closed. */
  close(): Promise<void> {
    this.intervention.close();
    this.targets.close();
    this.sessions.close();
    this.websocket.close();
    this.httpProxy.close();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    if (isEngineRequest(url, this.paths)) return this.polling.handle(req, res, readEngineRequest(req));
    passThroughRequest(this.httpProxy, this.targets.any().url, this.log, req, res);
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = req.url ?? '/';
    if (isEngineRequest(url, this.paths))
      return this.websocket.handle(req, socket, head, readEngineRequest(req));
    passThroughUpgrade(this.httpProxy, this.targets.any().url, this.log, req, socket, head);
  }

  /** Malformed HTTP: answered like Node's default, and noted, without disturbing anyone else. */
  private onClientError(err: Error & { code?: string }, socket: Duplex): void {
    const status = clientErrorStatus(err.code);
    if (err.code !== 'ECONNRESET') {
      this.log.warn(`malformed request from a client: ${err.message}`);
      this.bus.emit({
        type: 'error',
        message: `malformed HTTP request: ${err.message} (answered ${status})`,
      });
    }
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
    socket.destroy();
  }
}

/**
 * Node's own answers (http server's socketOnError), so that a request the proxy cannot parse fails
 * as it would at a Node target with the same default limits: 16 KB of request line and headers.
 */
function clientErrorStatus(code: string | undefined): string {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return '431 Request Header Fields Too Large';
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return '413 Payload Too Large';
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return '408 Request Timeout';
    default:
      return '400 Bad Request';
  }
}
