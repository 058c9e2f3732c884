/**
 * The app the browser tests load: a real socket.io@4 target (test/support/harness.ts) that also
 * serves the test's HTML pages, so the page and its Socket.IO server share an origin as in a real app.
 */
import type { Server } from 'socket.io';
import { startTarget, type Target } from '../../test/support/harness.js';

/**
 * `pages` maps a request path to its HTML; a key ending in `?` serves every URL with that path and
 * a query (`'/?'`: `/?name=a`, `/?fetch=1`, ...). Other requests (socket.io's own) go on to the target.
 * `port`: restart a target in place.
 */
export async function startAppTarget(pages: Record<string, string>, port = 0): Promise<Target> {
  const target = await startTarget({}, port);
  target.http.prependListener('request', (req, res) => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const page = pages[url] ?? (query >= 0 ? pages[url.slice(0, query + 1)] : undefined);
    if (page !== undefined) res.writeHead(200, { 'Content-Type': 'text/html' }).end(page);
  });
  return target;
}

/** What the test pages' `echo` and `bytes` emits expect: `echo` acks its argument, `bytes` acks `bytes`. */
export function answerEchoAndBytes(io: Server, bytes: readonly number[]): void {
  io.on('connection', (s) => {
    s.on('echo', (v: unknown, ack: (v: unknown) => void) => ack(v));
    s.on('bytes', (ack: (b: Buffer) => void) => ack(Buffer.from(bytes)));
  });
}
