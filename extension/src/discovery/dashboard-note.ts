/**
 * What the content script tells the service worker when the top page is a sio-proxy dashboard
 * (marked by the dashboard server with DASHBOARD_META_NAME, see proxy/ui/panel-files.ts): its origin
 * and the token in its URL. Both ends check it with the same rules.
 *
 * Any site can copy the mark, so a dashboard is only believed on plain HTTP (the dashboard server
 * never speaks TLS) at a loopback or private-network address: a public site cannot make the panel
 * probe it, nor get its fake "proxy" offered to the user. A dashboard reached by a public name or
 * address (`--ui-host` on a public interface) is not learned; its token can still be typed.
 */

export const DASHBOARD_NOTE = 'sio-proxy-dashboard';
export { DASHBOARD_META_NAME } from '../../../shared/discovery.js';

export interface DashboardNote {
  kind: typeof DASHBOARD_NOTE;
  origin: string;
  token: string;
}

/** The origin of `href` if a dashboard there may teach us its token, else undefined. */
export function learnableOrigin(href: string | undefined): string | undefined {
  let url: URL;
  try {
    url = new URL(href ?? '');
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' || url.username || url.password) return undefined;
  return isLocalHost(url.hostname) ? url.origin : undefined;
}

/** Loopback, RFC 1918 and link-local IPv4; IPv6 loopback, unique-local and link-local; `localhost`. */
function isLocalHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const v4 = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(host);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return (
      a === 127 ||
      a === 10 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254)
    );
  }
  if (!host.includes(':')) return false; // any other name: DNS could point it anywhere
  return host === '::1' || /^f[cd][0-9a-f]{2}:/.test(host) || /^fe[89ab][0-9a-f]:/.test(host);
}

/** A dashboard token as the CLI makes one (base64url) or a user gives one (`--ui-token`). */
export function plausibleToken(token: unknown): token is string {
  if (typeof token !== 'string' || token.length === 0 || token.length > 512) return false;
  // No control characters: none is in a token the CLI makes, and they have no business in a URL.
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return false;
  }
  return true;
}

/**
 * The note `msg` if it is one and agrees with the page that sent it (`senderUrl`, as Chrome reports
 * it, not as the message claims), else undefined.
 */
export function parseDashboardNote(msg: unknown, senderUrl: string | undefined): DashboardNote | undefined {
  const m = msg as Partial<DashboardNote> | null;
  if (m?.kind !== DASHBOARD_NOTE || !plausibleToken(m.token)) return undefined;
  const origin = learnableOrigin(senderUrl);
  if (!origin || origin !== m.origin) return undefined;
  return { kind: DASHBOARD_NOTE, origin, token: m.token };
}
