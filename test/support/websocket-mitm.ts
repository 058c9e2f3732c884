/**
 * A WebSocket-only man in the middle over a WebSocketWire, for the wire's own tests: the client's
 * upgrade goes to the target as it came, its 101 comes back as it was, and `onWire` arms the wire
 * (terminate, watch) before a byte flows.
 */
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketWire, type LinkObserver } from '../../proxy/engine/websocket-wire.js';

export interface Mitm {
  url: string;
  extensions: Promise<string | undefined>;
  link: Promise<WebSocketWire>;
  close(): Promise<void>;
}

export const quietObserver: LinkObserver = { message() {}, close() {}, error() {} };

export async function startMitm(
  targetPort: number,
  onWire: (wire: WebSocketWire) => void = () => {},
  observer: LinkObserver = quietObserver,
  /** The wire's observation limit (websocket-wire.ts OBSERVE_LIMIT) when not the default. */
  observeLimit?: number,
): Promise<Mitm> {
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  const sockets = new Set<Duplex>();
  let resolveLink!: (l: WebSocketWire) => void;
  let resolveExt!: (e: string | undefined) => void;
  const link = new Promise<WebSocketWire>((r) => (resolveLink = r));
  const extensions = new Promise<string | undefined>((r) => (resolveExt = r));
  server.on('upgrade', (req: IncomingMessage, client: Duplex, clientHead: Buffer) => {
    sockets.add(client);
    const upstream = http.request({
      host: '127.0.0.1',
      port: targetPort,
      path: req.url,
      method: 'GET',
      headers: req.headers,
    });
    upstream.on('upgrade', (res: IncomingMessage, targetSocket: Duplex, targetHead: Buffer) => {
      sockets.add(targetSocket);
      const lines = [`HTTP/1.1 ${res.statusCode} ${res.statusMessage}`];
      for (let i = 0; i < res.rawHeaders.length; i += 2)
        lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
      client.write(lines.join('\r\n') + '\r\n\r\n');
      const ext = res.headers['sec-websocket-extensions'];
      resolveExt(ext);
      const wire = new WebSocketWire(
        client,
        targetSocket,
        ext,
        observer,
        { client: clientHead, target: targetHead },
        observeLimit,
      );
      onWire(wire);
      resolveLink(wire);
    });
    upstream.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    extensions,
    link,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
