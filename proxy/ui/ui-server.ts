/**
 * The dashboard server: loopback by default, every route behind the token. Features plug in as
 * UiPlugins (the event stream, captures). `/` is the panel (panel/dist, see panel-files.ts), whose
 * static assets alone are served without the token; when the panel is not built, a page says how to
 * build it above a minimal live session list read from `/api/sessions`. The one other exception is
 * `/api/hello` (hello.ts), which names the app and nothing else, so the DevTools tab can find us.
 * An Engine.IO client that came here by mistake is told the proxy's address (misdirected-client.ts).
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Session } from '../engine/session.js';
import { hasToken, randomToken, sendUnauthorized } from './token.js';
import type { UiPlugin } from './ui-plugin.js';
import { writeRawResponse } from '../engine/errors.js';
import type { Duplex } from 'node:stream';
import { STATUS_PAGE } from './status-page.js';
import { defaultPanelDir, notBuiltPage, PanelFiles } from './panel-files.js';
import { serveHello } from './hello.js';
import { refuseEngineRequest, refuseEngineUpgrade } from './misdirected-client.js';
import { packageVersion } from '../package-version.js';
import { readOnly } from '../stream/http-reply.js';
import { createLogger, type Logger } from '../log.js';
import { acceptFrontHeader } from './local-end.js';

/**
 * What the dashboard shows: a proxy (ProxyServer fits as it is), or a dashboard over Redis, which
 * relays nothing and has no sessions of its own.
 */
export interface UiSubject {
  /** Where Socket.IO clients should go: said to one that came to the dashboard's port instead. */
  readonly url: string;
  readonly target: { readonly origin: string };
  readonly sessions: {
    values(): Iterable<Pick<Session, 'sid' | 'eio' | 'transport' | 'readyState' | 'counters'>>;
  };
}

export interface UiServerOptions {
  /** The built panel's directory; default panel/dist of this package; `false`: none (the fallback page). */
  panelDir?: string | false;
  /** What `/api/hello` reports; default this package's version. */
  version?: string;
  /** Where a route that throws is reported; default stderr. */
  log?: Logger;
  /**
   * What listens on the dashboard's address in front of this server (the event stream's reader
   * thread, proxy/stream/reader-thread.ts); this server then listens on loopback, for it only.
   */
  front?: UiFront;
}

/** A front door: listens on the dashboard's address and forwards what it does not serve to `internal`. */
export interface UiFront {
  /** `secret` goes with every forwarded request (local-end.ts), so that this server can tell it from a stranger's. */
  listen(port: number, host: string, internal: AddressInfo, secret: string): Promise<AddressInfo>;
  close(): Promise<void>;
}

export class UiServer {
  private readonly server = http.createServer((req, res) => this.route(req, res));
  private readonly plugins: UiPlugin[] = [];
  private readonly panel: PanelFiles;
  private readonly version: string;
  private readonly log: Logger;
  private readonly front: UiFront | undefined;
  private readonly frontSecret = randomToken();
  /** Where the dashboard listens: this server's address, or its front door's. */
  private address: AddressInfo | undefined;

  constructor(
    private readonly proxy: UiSubject,
    readonly token: string,
    opts: UiServerOptions = {},
  ) {
    this.panel = new PanelFiles(opts.panelDir === false ? undefined : (opts.panelDir ?? defaultPanelDir()));
    this.version = opts.version ?? packageVersion();
    this.log = opts.log ?? createLogger();
    this.front = opts.front;
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
  }

  use(plugin: UiPlugin): this {
    this.plugins.push(plugin);
    return this;
  }

  async listen(port: number, host: string): Promise<AddressInfo> {
    const front = this.front;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(front ? 0 : port, front ? '127.0.0.1' : host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const own = this.server.address() as AddressInfo;
    try {
      this.address = front ? await front.listen(port, host, own, this.frontSecret) : own;
    } catch (err) {
      this.server.close();
      throw err;
    }
    return this.address;
  }

  get listening(): boolean {
    return this.server.listening && this.address !== undefined;
  }

  url(): string {
    const a = this.address!;
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `http://${host}:${a.port}/?token=${encodeURIComponent(this.token)}`;
  }

  async close(): Promise<void> {
    for (const p of this.plugins) await p.close?.();
    await this.front?.close();
    this.address = undefined;
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    try {
      this.routeOrThrow(req, res);
    } catch (err) {
      // A route that throws must cost one answer, not the proxy (an uncaught exception ends it).
      this.log.warn(`dashboard ${req.method} ${req.url}: ${(err as Error).stack ?? String(err)}`);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end('sio-proxy: internal error\n');
    }
  }

  private routeOrThrow(req: IncomingMessage, res: ServerResponse): void {
    if (this.front) acceptFrontHeader(req, this.frontSecret);
    // Before anything parses it again: `GET //[` would throw in every `new URL` below.
    const url = requestUrl(req);
    if (!url) {
      res.writeHead(400, { 'Content-Type': 'text/plain' });
      return void res.end('sio-proxy: the request target is not a valid URL path\n');
    }
    // The panel's scripts and styles: requested by the page without the token, and free of data.
    if (this.panel.serveAsset(req, res)) return;
    if (serveHello(req, res, this.version)) return;
    if (refuseEngineRequest(url, res, this.proxy.url)) return;
    if (!hasToken(req, this.token)) return sendUnauthorized(res, url);
    for (const p of this.plugins) if (p.http?.(req, res, url)) return;
    const path = url.pathname;
    if (path === '/api/sessions') return void (readOnly(req, res) && this.sessions(req, res));
    if (path === '/')
      return void (readOnly(req, res) && this.panel.serveIndex(req, res, notBuiltPage(STATUS_PAGE)));
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found\n');
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.front) acceptFrontHeader(req, this.frontSecret);
    const url = requestUrl(req);
    if (!url)
      return writeRawResponse(socket, '400 Bad Request', 'the request target is not a valid URL path');
    if (refuseEngineUpgrade(url, socket, this.proxy.url)) return;
    if (!hasToken(req, this.token))
      return writeRawResponse(socket, '401 Unauthorized', 'missing or wrong token');
    for (const p of this.plugins) if (p.upgrade?.(req, socket, head, url)) return;
    writeRawResponse(socket, '404 Not Found', 'no WebSocket here');
  }

  private sessions(req: IncomingMessage, res: ServerResponse): void {
    const sessions = [...this.proxy.sessions.values()].map((s) => ({
      sid: s.sid,
      eio: s.eio,
      transport: s.transport,
      state: s.readyState,
      packets: s.counters.packets,
      bytes: s.counters.bytes,
    }));
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(
      req.method === 'HEAD' ? undefined : JSON.stringify({ target: this.proxy.target.origin, sessions }),
    );
  }
}

/** The request's URL, or undefined when its target does not parse (`//[`, `*`). */
function requestUrl(req: IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? '/', 'http://x');
  } catch {
    return undefined;
  }
}
