/**
 * CORS: a browser's cross-origin polling request whose answer does not allow the page's Origin
 * (no Access-Control-Allow-Origin, or another origin), or that carried cookies (the client's
 * withCredentials) and is answered without Access-Control-Allow-Credentials: true. The browser then
 * hides the answer from the page: the console says "blocked by CORS policy", the app only sees
 * connect_error "xhr poll error". WebSocket requests are not subject to CORS and are not judged.
 */
import type { HttpEvent, ProxyEvent } from '../../events.js';
import type { Detector, DetectorContext, ProblemKind } from '../detector.js';
import { problem } from '../detector.js';

/** Origins and sessions already reported, remembered up to this many. */
const MAX_REPORTED = 4096;

const FIX =
  "The page runs on another origin than the Socket.IO server, and the server's answer does not allow it: the browser blocks the response (\"blocked by CORS policy\" in its console) and socket.io-client reports only connect_error \"xhr poll error\". Allow the page's origin on the server: new Server(httpServer, { cors: { origin: 'https://app.example.com' } }) (a list, or a function, for several). When the client sends cookies (io(url, { withCredentials: true })), the server must also say so: cors: { origin: 'https://app.example.com', credentials: true }, and origin cannot then be '*'. A proxy in front must pass these headers through. Pointing the page's client at sio-proxy on another port makes it cross-origin even where the app alone is not: allow that origin too while debugging.";

function header(h: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = h[name] ?? h[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}

const CORS: ProblemKind = { kind: 'cors', severity: 'error', confidence: 'likely', fix: FIX };

export class Cors implements Detector {
  readonly types = ['http'] as const;
  private readonly reported = new Set<string>();

  observe(e: ProxyEvent, ctx: DetectorContext): void {
    if (e.type !== 'http' || e.status === 101 || e.method === 'OPTIONS') return;
    const origin = header(e.requestHeaders, 'origin');
    if (!origin || origin === 'null' || sameOrigin(origin, e)) return;
    const allowed = header(e.responseHeaders, 'access-control-allow-origin');
    const cookies = header(e.requestHeaders, 'cookie') !== undefined;
    const credentials = header(e.responseHeaders, 'access-control-allow-credentials') === 'true';
    let title: string;
    const evidence = [`${e.method} ${e.url} came from Origin ${origin}`];
    if (allowed !== origin && allowed !== '*') {
      title =
        allowed === undefined
          ? `CORS: the answer to ${origin} has no Access-Control-Allow-Origin`
          : `CORS: the answer allows ${allowed}, not ${origin}`;
      evidence.push(`the answer's Access-Control-Allow-Origin is ${allowed ?? 'absent'}`);
    } else if (cookies && (!credentials || allowed === '*')) {
      title = `CORS: a request with credentials from ${origin} answered without Access-Control-Allow-Credentials: true`;
      evidence.push(
        'it carried cookies: the browser sends them cross-origin only with withCredentials',
        `the answer has Access-Control-Allow-Origin ${allowed} and Access-Control-Allow-Credentials ${credentials ? 'true' : 'absent'}`,
      );
    } else return;
    const key = e.sessionId ?? origin;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    if (this.reported.size > MAX_REPORTED) {
      const oldest = this.reported.values().next();
      if (!oldest.done) this.reported.delete(oldest.value);
    }
    ctx.report(
      problem(CORS, {
        title,
        detail: 'a browser blocks this answer; non-browser clients (Node) are not affected',
        sessionId: e.sessionId,
        seqs: [e.seq],
        evidence,
      }),
    );
  }

  forget(sid: string): void {
    this.reported.delete(sid);
  }
}

/** Whether the page's origin is the host it asked (then CORS does not apply). */
function sameOrigin(origin: string, e: HttpEvent): boolean {
  const host = header(e.requestHeaders, 'x-forwarded-host') ?? header(e.requestHeaders, 'host');
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
