/**
 * What a dashboard over Redis cannot answer itself: the control API and full payloads belong to the
 * proxies. They are forwarded through Redis (forward.ts; the proxy's end is stream/redis-control.ts)
 * and their answers passed on:
 * - a session's calls (emit, faults) and a cut event's full payload, to the proxy that owns it;
 * - rules, held packets and target faults of every proxy, listed in one answer (fan-out.ts), each
 *   item with its `source` and an id `<source>:<id>` that routes a change back to its proxy; a new
 *   rule or target fault goes to the proxy `source` names (in the body or the query), else to each
 *   live one;
 * - the payload search, run by each proxy over its own (remote-search.ts).
 * Without a proxy to ask, the answer is JSON that says why: 503 when it is gone, 504 when it does
 * not answer in time, 404 when no proxy is known for it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProxyEvent } from '../../shared/events.js';
import { BodyTooLarge, readBody, sendJson, sendReply, type JsonReply } from '../stream/http-reply.js';
import { originAllowed } from '../stream/origin.js';
import type { UiPlugin } from '../ui/ui-plugin.js';
import {
  askAll,
  labelled,
  parseBody,
  splitId,
  UNANSWERED_HEADER,
  unansweredHeader,
  type Call,
  type Forward,
  type SourceAnswer,
} from './fan-out.js';
import { remoteSearch, type CutEvent } from './remote-search.js';

/** Lists of every proxy: rules, held packets, target faults. */
const LIST = /^\/api\/(rules|paused|faults)$/;
/** One item of a proxy, by its qualified id. */
const ITEM = /^\/api\/(rules|paused|faults)\/([^/]+)$/;
const SESSION = /^\/api\/sessions\/([^/]+)\/(emit|faults)(\/[^/]+)?$/;
const PACKET = /^\/api\/packets\/(\d+)$/;
const OTHER_PACKET = /^\/api\/packets\/[^/]*$/;
/** Sessions and cut events remembered for naming their proxy. */
const REMEMBERED = 100_000;
const MAX_BODY = 1024 * 1024;
/** How long a call for one session or item waits for its proxy. */
export const FORWARD_TIMEOUT_MS = 10_000;
/** How long a list of every proxy, or the search, waits for each (the panel asks often). */
export const LIST_TIMEOUT_MS = 3000;

export interface RemoteCallsOptions {
  /** Every proxy seen and whether it is up now (liveness.ts). */
  sources(): Record<string, 'up' | 'gone'>;
  /** Sends a call to a proxy through Redis; undefined when it did not answer in `timeoutMs`. */
  forward: Forward;
  /** Default FORWARD_TIMEOUT_MS; lists and the search wait at most LIST_TIMEOUT_MS. */
  timeoutMs?: number;
  /** The configured `--ui-host`, accepted as the dashboard's own origin host. */
  uiHost?: string;
}

export interface RemoteCalls extends UiPlugin {
  /** Learns which proxy owns each session and cut event; called with every event the dashboard publishes. */
  observe(event: ProxyEvent): void;
}

type Reply = JsonReply;

export function remoteCalls(opts: RemoteCallsOptions): RemoteCalls {
  const timeoutMs = opts.timeoutMs ?? FORWARD_TIMEOUT_MS;
  const listTimeoutMs = Math.min(timeoutMs, LIST_TIMEOUT_MS);
  const owner = new Map<string, string>();
  const cut = new Map<number, CutEvent>();
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
      const ours =
        SESSION.test(path) ||
        OTHER_PACKET.test(path) ||
        LIST.test(path) ||
        ITEM.test(path) ||
        path === '/api/search';
      if (!ours) return false;
      // The control API's Origin rule (stream/origin.ts), before anything reaches a proxy.
      if (!originAllowed(req, opts.uiHost)) {
        sendJson(res, 403, { error: `origin ${req.headers.origin} may not use the control API` });
        return true;
      }
      void route(req, url).then(
        (r) => sendReply(res, r),
        (err: unknown) =>
          sendReply(
            res,
            err instanceof BodyTooLarge
              ? refusal(413, err.message)
              : refusal(502, `forwarding through Redis failed: ${(err as Error).message}`),
          ),
      );
      return true;
    },
  };

  async function route(req: IncomingMessage, url: URL): Promise<Reply> {
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const text =
      method === 'GET' || method === 'DELETE' || method === 'HEAD' ? '' : await readBody(req, MAX_BODY);
    const session = SESSION.exec(path);
    if (session) {
      const sid = safeDecode(session[1]!);
      const source = owner.get(sid);
      if (source === undefined)
        return refusal(404, `session ${sid} is not in this dashboard's events: no proxy to ask`);
      return one(source, { method, path, body: text }, (status, body) => ({ status, body }));
    }
    const packet = PACKET.exec(path);
    if (packet) {
      const seq = Number(packet[1]);
      const at = cut.get(seq);
      if (!at)
        return refusal(
          404,
          `no full payload for event ${seq} here: it was not cut, or is older than this dashboard remembers`,
        );
      return one(at.source, { method, path: `/api/packets/${at.seq}`, body: '' }, (status, body) => ({
        status,
        body: withSeq(body, seq),
      }));
    }
    if (OTHER_PACKET.test(path))
      return refusal(400, `"${path.slice('/api/packets/'.length)}" is not an event seq`);
    if (path === '/api/search') {
      if (method !== 'GET' && method !== 'HEAD') return refusal(405, `${method} is not allowed here`);
      return remoteSearch(url.searchParams, cut, opts.sources(), opts.forward, listTimeoutMs);
    }
    const list = LIST.exec(path);
    if (list && method === 'GET') return listAll(path);
    if (list && method === 'POST') return create(url, text);
    if (list) return { ...refusal(405, `${method} is not allowed here`), headers: { Allow: 'GET, POST' } };
    const item = ITEM.exec(path)!;
    const id = splitId(safeDecode(item[2]!));
    if (!id)
      return refusal(
        404,
        `"${safeDecode(item[2]!)}" names no proxy: on this dashboard ids are <source>:<id>, as its lists give them`,
      );
    if (!(id.source in opts.sources()))
      return refusal(404, `no proxy ${id.source} writes to this dashboard's stream`);
    const inner = `/api/${item[1]}/${encodeURIComponent(id.id)}`;
    return one(id.source, { method, path: inner, body: text }, (status, body) => ({
      status,
      body: labelled(id.source, parseBody(body)) ?? body,
    }));
  }

  /** Every proxy's list in one, each item labelled; the proxies missing from it named in a header. */
  async function listAll(path: string): Promise<Reply> {
    const { answers, unanswered } = await askAll(
      opts.sources(),
      opts.forward,
      () => ({ method: 'GET', path, body: '' }),
      listTimeoutMs,
    );
    const items: unknown[] = [];
    for (const a of answers) {
      if (a.status === 200 && Array.isArray(a.body)) items.push(...a.body.map((x) => labelled(a.source, x)));
      else unanswered.push({ source: a.source, error: `${a.status} ${errorOf(a)}` });
    }
    return {
      status: 200,
      body: items,
      ...(unanswered.length ? { headers: { [UNANSWERED_HEADER]: unansweredHeader(unanswered) } } : {}),
    };
  }

  /** A new rule or target fault: on the proxy `source` names, else on every live one. */
  async function create(url: URL, text: string): Promise<Reply> {
    const body = parseBody(text.trim() ? text : '{}');
    if (!body || typeof body !== 'object' || Array.isArray(body))
      return refusal(400, 'body: expected a JSON object');
    const { source: inBody, ...spec } = body as Record<string, unknown>;
    const source = inBody ?? url.searchParams.get('source') ?? undefined;
    if (source !== undefined && typeof source !== 'string')
      return refusal(400, 'source: expected the name of a proxy (a string)');
    const call: Call = { method: 'POST', path: url.pathname, body: JSON.stringify(spec) };
    const sources = opts.sources();
    if (source !== undefined) {
      if (!(source in sources)) return refusal(404, `no proxy ${source} writes to this dashboard's stream`);
      return one(source, call, (status, answer) => ({
        status,
        body: labelled(source, parseBody(answer)) ?? answer,
      }));
    }
    const { answers, unanswered } = await askAll(sources, opts.forward, () => call, timeoutMs);
    if (answers.length === 0 && !unanswered.some((u) => u.error !== 'gone'))
      return refusal(503, 'no proxy is up to take it');
    const results = [
      ...answers.map((a: SourceAnswer) => ({ source: a.source, status: a.status, ...bodyOf(a) })),
      ...unanswered
        .filter((u) => u.error !== 'gone')
        .map((u) => ({
          source: u.source,
          status: u.error.startsWith('no answer') ? 504 : 502,
          error: u.error,
        })),
    ];
    const created = results.filter((r) => r.status < 300).length;
    const statuses = new Set(results.map((r) => r.status));
    // All made it: 201; some: 207 (each says); none: their common status, or 502.
    const status =
      created === results.length ? 201 : created > 0 ? 207 : statuses.size === 1 ? [...statuses][0]! : 502;
    return {
      status,
      body: {
        results,
        ...(created < results.length
          ? {
              error: `sio-proxy dashboard --redis: ${results.length - created} of ${results.length} proxies refused or did not answer`,
            }
          : {}),
      },
    };
  }

  /** One call to one proxy; its answer adapted, or why there is none. */
  async function one(
    source: string,
    call: Call,
    adapt: (status: number, body: string) => { status: number; body: unknown },
  ): Promise<Reply> {
    if (opts.sources()[source] === 'gone')
      return refusal(503, `proxy ${source}, which it belongs to, is gone`, source);
    const answer = await opts.forward(source, call, timeoutMs);
    if (!answer)
      return refusal(
        504,
        `proxy ${source} did not answer through Redis within ${timeoutMs / 1000} s`,
        source,
      );
    return adapt(answer.status, answer.body);
  }
}

function bodyOf(a: SourceAnswer): { body: unknown } | { error: string } {
  return a.status < 300 ? { body: labelled(a.source, a.body) } : { error: errorOf(a) };
}

function errorOf(a: SourceAnswer): string {
  const error = (a.body as { error?: unknown } | undefined)?.error;
  return typeof error === 'string' ? error : 'an unreadable answer';
}

function refusal(status: number, why: string, source?: string): Reply {
  return { status, body: { error: `sio-proxy dashboard --redis: ${why}`, ...(source ? { source } : {}) } };
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
