/** The dashboard token: random by default, compared in constant time. */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const randomToken = (): string => randomBytes(18).toString('base64url');

/** The token rides in `?token=` (links, WebSockets) or `Authorization: Bearer` (scripts). */
export function hasToken(req: IncomingMessage, token: string): boolean {
  const fromQuery = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
  // The auth scheme is case-insensitive (RFC 9110 §11.1); an empty `?token=` counts as none.
  const bearer = /^bearer +(\S+) *$/i.exec(req.headers.authorization ?? '')?.[1];
  const given = fromQuery || bearer;
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The answer to a request without the token: JSON on the `/api/` routes (the control API's `{ "error" }`). */
export function sendUnauthorized(res: ServerResponse, url: URL): void {
  const why = 'sio-proxy: missing or wrong token (open the URL the proxy printed)';
  const json = url.pathname.startsWith('/api/');
  res.writeHead(401, {
    'Content-Type': json ? 'application/json' : 'text/plain',
    'WWW-Authenticate': 'Bearer',
  });
  res.end(json ? JSON.stringify({ error: why }) : `${why}\n`);
}
