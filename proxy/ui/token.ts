/** The dashboard token: random by default, compared in constant time. */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const randomToken = (): string => randomBytes(18).toString('base64url');

/** The token rides in `?token=` (links, WebSockets) or `Authorization: Bearer` (scripts). */
export function hasToken(req: IncomingMessage, token: string): boolean {
  const fromQuery = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
  const auth = req.headers.authorization;
  const given = fromQuery ?? (auth?.startsWith('Bearer ') ? auth.slice(7) : undefined);
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
