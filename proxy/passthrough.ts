/**
 * Everything that is not Engine.IO on a terminated path (the app's pages and assets, a dev server's
 * HMR socket) is forwarded unchanged by http-proxy.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type HttpProxy from 'http-proxy';
import { writeRawResponse } from './engine/errors.js';
import { describeTargetError } from './engine/target-errors.js';
import { upstreamOf } from './engine/upstream.js';
import type { Logger } from './log.js';

export function passThroughRequest(
  proxy: HttpProxy,
  target: URL,
  log: Logger,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  proxy.web(req, res, { target: upstreamOf(target), xfwd: true }, (err) => {
    const why = describeTargetError(err);
    log.warn(`${req.method} ${req.url}: target ${target.origin} ${why}`);
    if (res.headersSent) return void res.destroy();
    res.writeHead(502, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`sio-proxy: target ${target.origin} ${why}\n`);
  });
}

export function passThroughUpgrade(
  proxy: HttpProxy,
  target: URL,
  log: Logger,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): void {
  proxy.ws(req, socket, head, { target: upstreamOf(target), xfwd: true }, (err) => {
    log.warn(`WebSocket ${req.url}: target ${target.origin} ${describeTargetError(err)}`);
    writeRawResponse(
      socket,
      '502 Bad Gateway',
      `sio-proxy: target ${target.origin} ${describeTargetError(err)}`,
    );
  });
}
