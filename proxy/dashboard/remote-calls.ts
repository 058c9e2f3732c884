/**
 * What a dashboard over Redis cannot answer itself: control calls for a session (emit, faults) and
 * full payloads belong to the proxy that relays it. They are forwarded to that proxy through Redis
 * (forward.ts; the proxy's end is stream/redis-control.ts) and its answer is passed on as it came.
 * Without an owning proxy to ask, the answer is JSON that says why: 503 when that proxy is gone (or
 * does not answer in time: 504), 501 for calls that name no session (rules, held packets and target
 * faults are per proxy: use that proxy's own dashboard) and for the payload search.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProxyEvent } from '../../shared/events.js';
import type { ControlAnswer } from '../stream/redis-control.js';
import { BodyTooLarge, readBody, sendJson } from '../stream/http-reply.js';
import { originAllowed } from '../stream/origin.js';
import type { UiPlugin } from '../ui/ui-plugin.js';

const PER_PROXY = /^\/api\/(rules|paused|faults)(\/[^/]+)?$/;
const SESSION = /^\/api\/sessions\/([^/]+)\/(emit|faults)(\/[^/]+)?$/;
const PACKET = /^\/api\/packets\/(\d+)$/;
const SEARCH = /^\/api\/(search|packets\/[^/]*)$/;
/** Sessions and cut events remembered for naming their proxy. */
const REMEMBERED = 100_000;
const MAX_BODY = 1024 * 1024;
export const FORWARD_TIMEOUT_MS = 10_000;

export interface RemoteCallsOptions {
  /** Whether a source is up now (liveness.ts). */
  state(source: string): 'up' | 'gone' | undefined;
  /** Sends a call to a proxy through Redis; undefined when it did not answer in time. */
  forward(
    source: string,
    call: { method: string; path: string; body: string },
  ): Promise<ControlAnswer | undefined>;
  /** The configured `--ui-host`, accepted as the dashboard's own origin host. */
  uiHost?: string;
}

export interface RemoteCalls extends UiPlugin {
  /** Learns which proxy owns each session and cut event; called with every event the dashboard publishes. */
  observe(event: ProxyEvent): void;
}

export function remoteCalls(opts: RemoteCallsOptions): RemoteCalls {
  const owner = new Map<string, string>();
  const cut = new Map<number, { source: string; seq: number }>();
  const remember = <K, V>(map: Map<K, V>, k: K, v: V) => {
    map.set(k, v);
    if (map.size > REMEMBERED) map.delete(map.keys().next().value!);
  };
  return {
    name: 'remote-calls',
    observe(event) {
      if (!event.source) return;
      if (event.type === 'session') remember(owner, event.sessionId, event.source);
      else if ('truncated' in event && event.truncated && event.sourceSeq !== undefined)
        remember(cut, event.seq, { source: event.source, seq: event.sourceSeq });
    },
    http(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
      const path = url.pathname;
      const session = SESSION.exec(path);
      const packet = PACKET.exec(path);
      if (!session && !packet && !PER_PROXY.test(path) && !SEARCH.test(path)) return false;
      // The control API's Origin rule (stream/origin.ts), before anything reaches a proxy.
      if (!originAllowed(req, opts.uiHost)) {
        sendJson(res, 403, { error: `origin ${req.headers.origin} may not use the control API` });
        return true;
      }
      if (session) {
        const sid = safeDecode(session[1]!);
        const source = owner.get(sid);
        if (source === undefined)
          return refuse(res, 404, `session ${sid} is not in this dashboard's events: no proxy to ask`);
        void forwardTo(req, res, source, path, (status, body) => [status, body]);
        return true;
      }
      if (packet) {
        const seq = Number(packet[1]);
        const at = cut.get(seq);
        if (!at)
          return refuse(
            res,
            404,
            `no full payload for event ${seq} here: it was not cut, or is older than this dashboard remembers`,
          );
        void forwardTo(req, res, at.source, `/api/packets/${at.seq}`, (status, body) => [
          status,
          withSeq(body, seq),
        ]);
        return true;
      }
      return refuse(
        res,
        501,
        PER_PROXY.test(path)
          ? 'rules, held packets and target faults belong to each proxy: this dashboard over Redis forwards only the calls of a session (emit, faults) and full payloads; use the dashboard of the proxy concerned'
          : 'the payload search runs on each proxy over its full payloads and is not forwarded through Redis: use the dashboard of the proxy concerned',
      );
    },
  };

  async function forwardTo(
    req: IncomingMessage,
    res: ServerResponse,
    source: string,
    path: string,
    adapt: (status: number, body: string) => [number, string],
  ): Promise<void> {
    try {
      if (opts.state(source) === 'gone')
        return void refuse(res, 503, `proxy ${source}, which relays it, is gone`, source);
      const body = req.method === 'GET' || req.method === 'DELETE' ? '' : await readBody(req, MAX_BODY);
      const answer = await opts.forward(source, { method: req.method ?? 'GET', path, body });
      if (!answer)
        return void refuse(
          res,
          504,
          `proxy ${source} did not answer through Redis within ${FORWARD_TIMEOUT_MS / 1000} s`,
          source,
        );
      const [status, text] = adapt(answer.status, answer.body);
      if (status === 204) return void res.writeHead(204).end();
      sendJson(res, status, text);
    } catch (err) {
      if (err instanceof BodyTooLarge) return void refuse(res, 413, err.message, source);
      refuse(
        res,
        502,
        `forwarding to proxy ${source} through Redis failed: ${(err as Error).message}`,
        source,
      );
    }
  }
}

function refuse(res: ServerResponse, status: number, why: string, source?: string): true {
  sendJson(res, status, { error: `sio-proxy dashboard --redis: ${why}`, ...(source ? { source } : {}) });
  return true;
}

/** A full payload names the event by the proxy's seq: the panel asked by the dashboard's. */
function withSeq(body: string, seq: number): string {
  try {
    const json = JSON.parse(body) as unknown;
    if (json && typeof json === 'object' && 'seq' in json) return JSON.stringify({ ...json, seq });
  } catch {
    /* passed on as it came */
  }
  return body;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
