/**
 * The baseline proxy: http-proxy with `ws: true` and nothing else. Requests and upgrades are piped
 * byte for byte to the target; nothing is parsed past the HTTP headers. The error handler only keeps
 * the process alive (http-proxy rethrows without one) and answers as a proxy would.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import HttpProxy from 'http-proxy';

export interface PassThrough {
  url: string;
  close(): Promise<void>;
}

export async function startPassThrough(target: string): Promise<PassThrough> {
  const proxy = HttpProxy.createProxyServer({ target, ws: true });
  proxy.on('error', (_err, _req, resOrSocket) => {
    if (resOrSocket instanceof http.ServerResponse) {
      if (!resOrSocket.headersSent) resOrSocket.writeHead(502);
      resOrSocket.end();
    } else (resOrSocket as Socket).destroy();
  });
  const server = http.createServer((req, res) => proxy.web(req, res));
  server.on('upgrade', (req, socket, head) => proxy.ws(req, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        proxy.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
