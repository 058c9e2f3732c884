/**
 * Where a dashboard request arrived: its socket's local address and port, or, for a request the
 * reader thread's front door forwarded (proxy/stream/reader-thread.ts), the front door's own. The
 * Origin check compares a page's origin with that port, so a forwarded request must be judged by
 * where the browser sent it, not by the loopback hop between the two threads.
 */
import type { IncomingMessage } from 'node:http';

export interface LocalEnd {
  address: string | undefined;
  port: number | undefined;
}

const forwarded = new WeakMap<IncomingMessage, LocalEnd>();

export function localEnd(req: IncomingMessage): LocalEnd {
  return forwarded.get(req) ?? { address: req.socket.localAddress, port: req.socket.localPort };
}

/**
 * The header a front door adds to what it forwards: `<secret> <port> <address>`. The secret is made
 * per run by the dashboard server and known to its front door only, so no client can claim an end.
 */
export const FRONT_HEADER = 'x-sio-proxy-front';

/** Takes the front door's header off `req` and, when its secret is `secret`, records the end it names. */
export function acceptFrontHeader(req: IncomingMessage, secret: string): void {
  const value = req.headers[FRONT_HEADER];
  if (value === undefined) return;
  delete req.headers[FRONT_HEADER];
  const [given, port, address] = String(value).split(' ');
  if (given === secret) forwarded.set(req, { port: Number(port), address });
}
