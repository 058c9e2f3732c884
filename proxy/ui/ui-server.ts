/**
 * The dashboard server: loopback by default, every route behind the token. Until the React panel
 * lands it serves a minimal live session list and `/api/sessions`, read from the proxy's table.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProxyServer } from '../proxy-server.js';
import { hasToken } from './token.js';
import { STATUS_PAGE } from './status-page.js';

export class UiServer {
  private readonly server = http.createServer((req, res) => this.route(req, res));

  constructor(
    private readonly proxy: ProxyServer,
    private readonly token: string,
  ) {}

  async listen(port: number, host: string): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return this.server.address() as AddressInfo;
  }

  url(): string {
    const a = this.server.address() as AddressInfo;
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `http://${host}:${a.port}/?token=${encodeURIComponent(this.token)}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    if (!hasToken(req, this.token)) {
      res.writeHead(401, { 'Content-Type': 'text/plain' });
      return void res.end('sio-proxy: missing or wrong token (open the URL the proxy printed)\n');
    }
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/api/sessions') return this.sessions(res);
    if (path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      return void res.end(STATUS_PAGE);
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found\n');
  }

  private sessions(res: ServerResponse): void {
    const sessions = [...this.proxy.sessions.values()].map((s) => ({
      sid: s.sid,
      eio: s.eio,
      transport: s.transport,
      state: s.state,
      packets: s.counters.packets,
      bytes: s.counters.bytes,
    }));
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify({ target: this.proxy.target.origin, sessions }));
  }
}
