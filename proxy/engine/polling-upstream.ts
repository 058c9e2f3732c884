/**
 * The requests a polling session the proxy answers for (polling-wire.ts) sends to the target itself:
 * shaped as the client's own (its URL, cookies, Origin, auth headers), forwarded as http-proxy
 * forwards them (no keep-alive agent), but asking for an identity body, since the proxy reads and
 * re-encodes it. The answer is read whole.
 */
import http, { type ClientRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';

/** Hop-by-hop headers never travel past a proxy (RFC 9110 7.6.1). */
export const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'te',
  'trailer',
];

/** Nor does the body's own framing of a request the proxy re-encodes. */
const NOT_FORWARDED = [...HOP_BY_HOP, 'content-length', 'content-type', 'accept-encoding'];

export interface UpstreamAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface UpstreamTarget {
  target: URL;
  /** Accept a target's self-signed certificate (`--insecure`). */
  insecure?: boolean;
}

/**
 * `method` to the target, shaped as the client request `like` (whose headers carry X-Forwarded-*:
 * http-proxy adds them to the requests it relays, `markForwarded` to the others); `done` gets the whole answer or the
 * error. Returns the request, so that the caller can cut it as the client cut its own.
 */
export function requestUpstream(
  to: UpstreamTarget,
  like: IncomingMessage,
  /** The request's path and query (`like`'s, with the session's sid). */
  path: string,
  method: 'GET' | 'POST',
  body: { data: Buffer; contentType: string } | undefined,
  done: (err: Error | undefined, answer?: UpstreamAnswer) => void,
): ClientRequest {
  const headers: Record<string, string | string[] | undefined> = { ...like.headers };
  for (const h of NOT_FORWARDED) delete headers[h];
  headers.connection = 'close';
  if (body) {
    headers['content-type'] = body.contentType;
    headers['content-length'] = String(body.data.length);
  }
  const secure = to.target.protocol === 'https:';
  const options = {
    hostname: to.target.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: to.target.port || (secure ? 443 : 80),
    path,
    method,
    headers,
    agent: false as const,
    ...(secure ? { rejectUnauthorized: !to.insecure } : {}),
  };
  let settled = false;
  const finish = (err: Error | undefined, answer?: UpstreamAnswer) => {
    if (settled) return;
    settled = true;
    done(err, answer);
  };
  const req = (secure ? https : http).request(options, (res) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () =>
      finish(undefined, { status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
    );
    res.on('error', (err) => finish(err));
    res.on('aborted', () => finish(new Error('the target cut its answer')));
  });
  req.on('error', (err) => finish(err));
  req.end(body?.data);
  return req;
}

/**
 * X-Forwarded-For/-Port/-Proto appended to the request's own headers, as http-proxy's `xfwd` does to
 * the requests it relays: a request the proxy answers itself serves as the model of later ones.
 */
export function markForwarded(req: IncomingMessage): void {
  const encrypted = 'encrypted' in req.socket && !!req.socket.encrypted;
  const host = req.headers.host ?? '';
  const port = /:(\d+)$/.exec(host)?.[1] ?? (encrypted ? '443' : '80');
  const values = { for: req.socket.remoteAddress ?? '', port, proto: encrypted ? 'https' : 'http' };
  for (const [name, value] of Object.entries(values)) {
    const key = `x-forwarded-${name}`;
    const had = req.headers[key];
    req.headers[key] = (had ? `${String(had)},` : '') + value;
  }
}
