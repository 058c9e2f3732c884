/** What the relay needs to know about an incoming Engine.IO request, read once. */
import type { IncomingMessage } from 'node:http';
import type { EioVersion } from '../../shared/engineio.js';

export interface EngineRequest {
  query: Record<string, string>;
  sid: string | undefined;
  transport: string | undefined;
  /** engine.io treats anything but `EIO=4` as revision 3. */
  eio: EioVersion;
}

export function readEngineRequest(req: IncomingMessage): EngineRequest {
  const url = new URL(req.url ?? '/', 'http://x');
  const query = Object.fromEntries(url.searchParams.entries());
  return { query, sid: query.sid, transport: query.transport, eio: query.EIO === '4' ? 4 : 3 };
}

/**
 * engine.io's own rule (server.ts `attach` -> `check`): a request belongs to it when its URL starts
 * with the path. `paths` end with a slash; a server with `addTrailingSlash: false` (and its clients)
 * use the path without it, `/socket.io?EIO=4...`, so that form is ours too. We also require a
 * `transport` or `EIO` parameter so that files served under the same prefix (socket.io's
 * `/socket.io/socket.io.js`) keep flowing through the plain pass-through.
 */
export function isEngineRequest(url: string, paths: readonly string[]): boolean {
  if (!paths.some((p) => url.startsWith(p) || url.startsWith(`${p.slice(0, -1)}?`))) return false;
  const q = url.indexOf('?');
  if (q === -1) return false;
  const search = url.slice(q + 1);
  return /(^|&)(transport|EIO)=/.test(search);
}

export function remoteAddress(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? '';
}
