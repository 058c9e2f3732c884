/**
 * Finds a running sio-proxy for the panel: asks each candidate dashboard for `GET /api/hello` (the
 * one route that needs no token, see proxy/ui/hello.ts), all at once with a short timeout each, and
 * picks the first that answers in candidate order, not the fastest, so the result does not depend on
 * timing. Then it looks for a token the proxy accepts among those the extension knows.
 *
 * No chrome.* here: the panel passes in what it read from storage, and `fetch` can be swapped, so
 * the order and the choice are unit-tested under Node.
 */
import { HELLO_PATH, type Hello } from '../../../shared/discovery.js';
import type { KnownProxy } from '../discovery/known-proxies.js';

/** Where `sio-proxy` puts its dashboard unless told otherwise (`--ui-host`, `--ui-port`). */
export const DEFAULT_PROXY_URL = 'http://127.0.0.1:8081';
/** Loopback answers in a few ms; a candidate that takes longer is not worth holding the panel for. */
export const PROBE_TIMEOUT_MS = 1500;

export interface FoundProxy {
  origin: string;
  hello: Hello;
  /** A token the proxy accepted, if the extension knows one. */
  token?: string;
}

type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

export interface DiscoveryOptions {
  fetch?: Fetch;
  timeoutMs?: number;
  /** Origins not to offer (the user dismissed their notice). */
  skip?: (origin: string) => boolean;
}

/** An `http(s)` URL's origin, else undefined (the URL field may hold anything the user typed). */
export function httpOrigin(url: string): string | undefined {
  try {
    const u = new URL(url.trim());
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What to probe, in order of preference: the proxy the user chose before (the settings' URL), the
 * default dashboard address, then the dashboards the extension learned, most recently opened first.
 */
export function probeCandidates(rememberedUrl: string, known: readonly KnownProxy[]): string[] {
  const origins = [rememberedUrl, DEFAULT_PROXY_URL, ...known.map((k) => k.origin)].map(httpOrigin);
  return [...new Set(origins.filter((o): o is string => o !== undefined))];
}

/** The tokens worth trying at `origin`: the one learned from its dashboard, then the one typed. */
export function tokenCandidates(
  origin: string,
  known: readonly KnownProxy[],
  saved: { proxyUrl: string; proxyToken: string },
): string[] {
  const learned = known.find((k) => k.origin === origin)?.token;
  const typed = httpOrigin(saved.proxyUrl) === origin ? saved.proxyToken : undefined;
  return [...new Set([learned, typed].filter((t): t is string => !!t))];
}

function isHello(v: unknown): v is Hello {
  const h = v as Partial<Hello> | null;
  return h?.app === 'sio-proxy' && typeof h.version === 'string' && typeof h.schema === 'number';
}

/** The proxy's hello at `origin`, or undefined (nothing there, not a sio-proxy, too slow). */
export async function probe(origin: string, opts: DiscoveryOptions = {}): Promise<Hello | undefined> {
  const fetchFn = opts.fetch ?? fetch;
  try {
    const res = await fetchFn(`${origin}${HELLO_PATH}`, {
      signal: AbortSignal.timeout(opts.timeoutMs ?? PROBE_TIMEOUT_MS),
      cache: 'no-store',
      credentials: 'omit',
    });
    if (!res.ok) return undefined;
    const body: unknown = await res.json();
    return isHello(body) ? { app: body.app, version: body.version, schema: body.schema } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the dashboard at `origin` takes `token`: a HEAD of its page, which answers 401 for a wrong
 * one. A proxy restarted without `--ui-token` has a new token; offering the old one would only get
 * the panel a stream that never opens.
 */
export async function tokenAccepted(
  origin: string,
  token: string,
  opts: DiscoveryOptions = {},
): Promise<boolean> {
  const fetchFn = opts.fetch ?? fetch;
  try {
    const res = await fetchFn(`${origin}/?token=${encodeURIComponent(token)}`, {
      method: 'HEAD',
      signal: AbortSignal.timeout(opts.timeoutMs ?? PROBE_TIMEOUT_MS),
      cache: 'no-store',
      credentials: 'omit',
    });
    return res.ok;
  } catch {
    return false;
  }
}

/** The first candidate (in their order) that is a running sio-proxy, with a token it accepts if any. */
export async function findProxy(
  candidates: readonly string[],
  tokensFor: (origin: string) => readonly string[],
  opts: DiscoveryOptions = {},
): Promise<FoundProxy | undefined> {
  const wanted = candidates.filter((o) => !opts.skip?.(o));
  const hellos = await Promise.all(wanted.map((o) => probe(o, opts)));
  const i = hellos.findIndex((h) => h !== undefined);
  const origin = wanted[i];
  const hello = hellos[i];
  if (origin === undefined || hello === undefined) return undefined;
  for (const token of tokensFor(origin)) {
    if (await tokenAccepted(origin, token, opts)) return { origin, hello, token };
  }
  return { origin, hello };
}
