/**
 * `GET /api/hello`, the one route without the token: it lets the DevTools extension find a running
 * sio-proxy on its own (see extension/src/panel/proxy-discovery.ts) before it knows any token. So it
 * says what answers and in which event schema, nothing about the traffic, the target or the token.
 *
 * Only browser extensions may read it cross-origin: a web page could still make the request (CORS
 * does not stop that), but it gets no Access-Control-Allow-Origin, so it cannot tell it apart from
 * any other HTTP server on that port.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HELLO_PATH, type Hello } from '../../shared/discovery.js';
import { EVENT_SCHEMA_VERSION } from '../../shared/events.js';
import { isExtensionOrigin } from '../stream/origin.js';

export function hello(version: string): Hello {
  return { app: 'sio-proxy', version, schema: EVENT_SCHEMA_VERSION };
}

/** Answers `/api/hello`; false for any other path, which then goes through the token check. */
export function serveHello(req: IncomingMessage, res: ServerResponse, version: string): boolean {
  if (new URL(req.url ?? '/', 'http://x').pathname !== HELLO_PATH) return false;
  const origin = req.headers.origin;
  // Vary on every answer: a cache must not hand one origin's answer to another.
  const cors: Record<string, string> = isExtensionOrigin(origin)
    ? { 'Access-Control-Allow-Origin': origin as string, Vary: 'Origin' }
    : { Vary: 'Origin' };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...cors, 'Content-Type': 'text/plain', Allow: 'GET, HEAD' });
    res.end('method not allowed\n');
    return true;
  }
  const body = JSON.stringify(hello(version));
  res.writeHead(200, {
    ...cors,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
