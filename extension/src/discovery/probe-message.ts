/**
 * The panel's probes for a running sio-proxy (`GET /api/hello`, `HEAD /?token=`), asked of the
 * service worker. Made from the panel page, each probe of a port where nothing listens printed
 * "net::ERR_CONNECTION_REFUSED" in the panel's console: the browser logs every failed load of a
 * page, and most probes are expected to fail. Only these two requests can be asked for, by the
 * extension's own pages, of http(s) origins.
 */
export const PROBE_MESSAGE = 'sio-proxy:probe';

export interface ProbeRequest {
  kind: typeof PROBE_MESSAGE;
  url: string;
  method: 'GET' | 'HEAD';
  timeoutMs: number;
}

/** `status` 0: no answer (refused, timed out, not allowed). */
export interface ProbeAnswer {
  status: number;
  body?: string;
}

/** The request, if it is one the worker makes: `GET <origin>/api/hello` or `HEAD <origin>/?token=…`. */
export function allowedProbe(msg: unknown, helloPath: string): ProbeRequest | undefined {
  const m = msg as Partial<ProbeRequest> | null;
  if (m?.kind !== PROBE_MESSAGE || typeof m.url !== 'string' || typeof m.timeoutMs !== 'number')
    return undefined;
  let url: URL;
  try {
    url = new URL(m.url);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const hello = m.method === 'GET' && url.pathname === helloPath && url.search === '';
  const token =
    m.method === 'HEAD' && url.pathname === '/' && [...url.searchParams.keys()].join() === 'token';
  if (!hello && !token) return undefined;
  return {
    kind: PROBE_MESSAGE,
    url: url.href,
    method: m.method as 'GET' | 'HEAD',
    timeoutMs: Math.min(m.timeoutMs, 5000),
  };
}
