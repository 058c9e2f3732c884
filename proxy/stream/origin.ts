/**
 * Which pages may open the event stream. The token already keeps strangers out, but a page on
 * another site that learned it (a leaked link, a Referer) must still not read the traffic from a
 * victim's browser: browsers send `Origin` with every WebSocket handshake and do not apply CORS to
 * WebSockets, so the server has to check it. Allowed: no Origin (scripts, curl, Node clients), the
 * dashboard's own origin, and browser extensions (the DevTools tab).
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { localEnd } from '../ui/local-end.js';

const EXTENSION_SCHEMES = new Set(['chrome-extension:', 'moz-extension:']);
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];

/**
 * `uiHost` is the configured `--ui-host` (it may be a name, e.g. `localhost`); the address and port
 * the request actually arrived on are read from its socket, which also covers `--ui-port 0` and a
 * wildcard bind (0.0.0.0), where the page was loaded from that interface's address.
 */
export function originAllowed(req: IncomingMessage, uiHost?: string): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // `null` (sandboxed frames, file://) and garbage
  }
  if (EXTENSION_SCHEMES.has(url.protocol)) return true;
  if (url.protocol !== 'http:') return false;
  const port = Number(url.port || 80);
  if (port !== localEnd(req).port) return false;
  return ownHosts(req, uiHost).has(normalize(url.hostname));
}

/**
 * A browser extension's page (the DevTools tab): the dashboard's `/api/hello` echoes it in
 * Access-Control-Allow-Origin, hence exactly `scheme://id` and nothing looser.
 */
export function isExtensionOrigin(origin: string | undefined): boolean {
  if (origin === undefined) return false;
  try {
    const url = new URL(origin);
    return (
      EXTENSION_SCHEMES.has(url.protocol) && url.host !== '' && origin === `${url.protocol}//${url.host}`
    );
  } catch {
    return false;
  }
}

function ownHosts(req: IncomingMessage, uiHost: string | undefined): Set<string> {
  const hosts = new Set<string>();
  if (uiHost) hosts.add(normalize(uiHost));
  const local = localEnd(req).address;
  if (local) hosts.add(normalize(local));
  if ([...hosts].some(isLoopback)) for (const name of LOOPBACK_NAMES) hosts.add(name);
  return hosts;
}

/** Lower case, no IPv6 brackets, no IPv4-mapped prefix (`::ffff:127.0.0.1`). */
function normalize(host: string): string {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h.startsWith('::ffff:') && isIP(h.slice(7)) === 4 ? h.slice(7) : h;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
