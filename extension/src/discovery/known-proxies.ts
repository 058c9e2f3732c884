/**
 * The sio-proxy dashboards this browser opened, each with the token from its URL, so the DevTools
 * tab can connect to a proxy without the user pasting the token. Written by the service worker
 * (background/dashboard-tokens.ts), read by the panel (panel/proxy-discovery.ts); kept in
 * chrome.storage.local, which content scripts could also read: no page script can, and the panel's
 * own settings keep a token there already.
 */
import { RecentList, type StorageArea } from './recent-list.js';

export const KNOWN_PROXIES_KEY = 'knownProxies';
/** Enough for the few proxies one runs at a time, and their restarts on other ports. */
export const MAX_KNOWN_PROXIES = 10;

export interface KnownProxy {
  /** The dashboard's origin, `http://127.0.0.1:8081`. */
  origin: string;
  token: string;
  /** When the dashboard was last opened (epoch ms). */
  seenAt: number;
}

function isKnownProxy(v: unknown): v is KnownProxy {
  const p = v as Partial<KnownProxy> | null;
  return typeof p?.origin === 'string' && typeof p.token === 'string' && typeof p.seenAt === 'number';
}

export function knownProxies(area: StorageArea): RecentList<KnownProxy> {
  return new RecentList(
    area,
    KNOWN_PROXIES_KEY,
    MAX_KNOWN_PROXIES,
    isKnownProxy,
    (a, b) => a.origin === b.origin,
  );
}
