/**
 * The control API (issue #11, docs/control-api.md) on the dashboard server, behind the same token
 * and Origin rules as every `/api/*` route. JSON in and out; errors are `{ "error": "..." }` with
 * 400 (naming the bad field), 404 (unknown session, rule, held packet or fault), 408 (no ack in
 * time), 409 (session closed), 501 (not carried out for a JSONP polling session), 403 (a foreign
 * Origin).
 *
 *   GET/POST /api/rules                     PATCH/DELETE /api/rules/<id>
 *   GET /api/paused                         POST /api/paused/<id>
 *   POST /api/sessions/<sid>/emit
 *   GET/POST /api/sessions/<sid>/faults     DELETE /api/sessions/<sid>/faults/<id>
 *   GET/POST /api/faults                    DELETE /api/faults/<id>
 */
import type { IncomingMessage } from 'node:http';
import type { Intervention } from '../intervene/intervention.js';
import { InterventionError } from '../intervene/errors.js';
import { BodyTooLarge, readBody, sendJson, sendReply, type JsonReply } from '../stream/http-reply.js';
import { originAllowed } from '../stream/origin.js';
import type { UiPlugin } from '../ui/ui-plugin.js';

/** Request bodies are small JSON documents: anything larger is refused before it is read whole. */
const MAX_BODY = 1024 * 1024;

type Handler = (params: string[], body: unknown) => Promise<[number, unknown]> | [number, unknown];
interface Route {
  method: string;
  path: RegExp;
  handle: Handler;
}

export interface ControlPluginOptions {
  /** The configured `--ui-host`, accepted as the dashboard's own origin host. */
  uiHost?: string;
}

/** An answer of the control API: a status and a JSON body (none for 204). */
export type ControlReply = JsonReply;

/**
 * The control API's routes without HTTP: the dashboard server's plugin below and the calls a
 * dashboard over Redis forwards (stream/redis-control.ts) both go through it, so the routes, checks
 * and errors stay in one place. `body` is read only by the routes that take one (it may throw a
 * BodyError).
 */
export interface ControlCalls {
  /** Whether `path` is a control API route (of any method). */
  handles(path: string): boolean;
  call(method: string, path: string, body: () => Promise<unknown>): Promise<ControlReply>;
}

export function controlCalls(intervention: Intervention): ControlCalls {
  const routes = controlRoutes(intervention);
  return {
    handles: (path) => routes.some((r) => r.path.test(path)),
    call(method, path, body) {
      const matching = routes.filter((r) => r.path.test(path));
      const route = matching.find((r) => r.method === method);
      if (!route)
        return Promise.resolve(
          matching.length === 0
            ? { status: 404, body: { error: `no control API route ${path}` } }
            : {
                status: 405,
                body: { error: `${method} is not allowed here` },
                headers: { Allow: matching.map((r) => r.method).join(', ') },
              },
        );
      const params = route.path.exec(path)!.slice(1).map(decodeURIComponent);
      return answer(route, params, method === 'GET' || method === 'DELETE' ? async () => undefined : body);
    },
  };
}

function controlRoutes(intervention: Intervention): Route[] {
  const obj = (body: unknown): Record<string, unknown> => {
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw new InterventionError(400, 'body: expected a JSON object');
    return body as Record<string, unknown>;
  };
  return [
    { method: 'GET', path: /^\/api\/rules$/, handle: () => [200, intervention.rules.list()] },
    { method: 'POST', path: /^\/api\/rules$/, handle: (_, b) => [201, intervention.addRule(obj(b))] },
    {
      method: 'PATCH',
      path: /^\/api\/rules\/([^/]+)$/,
      handle: ([id], b) => [200, intervention.updateRule(id!, obj(b))],
    },
    {
      method: 'DELETE',
      path: /^\/api\/rules\/([^/]+)$/,
      handle: ([id]) => (intervention.removeRule(id!), [204, undefined]),
    },
    { method: 'GET', path: /^\/api\/paused$/, handle: () => [200, intervention.paused()] },
    {
      method: 'POST',
      path: /^\/api\/paused\/([^/]+)$/,
      handle: ([id], b) => (intervention.decide(id!, obj(b)), [200, { ok: true }]),
    },
    {
      method: 'POST',
      path: /^\/api\/sessions\/([^/]+)\/emit$/,
      handle: async ([sid], b) => [200, await intervention.emit(sid!, obj(b))],
    },
    {
      method: 'GET',
      path: /^\/api\/sessions\/([^/]+)\/faults$/,
      handle: ([sid]) => [200, intervention.faultBook.list(sid!)],
    },
    {
      method: 'POST',
      path: /^\/api\/sessions\/([^/]+)\/faults$/,
      handle: async ([sid], b) => [201, await intervention.addSessionFault(sid!, obj(b))],
    },
    {
      method: 'DELETE',
      path: /^\/api\/sessions\/([^/]+)\/faults\/([^/]+)$/,
      handle: ([sid, id]) => (intervention.faultBook.remove(id!, sid!), [204, undefined]),
    },
    { method: 'GET', path: /^\/api\/faults$/, handle: () => [200, intervention.faultBook.list()] },
    { method: 'POST', path: /^\/api\/faults$/, handle: (_, b) => [201, intervention.addTargetFault(obj(b))] },
    {
      method: 'DELETE',
      path: /^\/api\/faults\/([^/]+)$/,
      handle: ([id]) => (intervention.faultBook.remove(id!), [204, undefined]),
    },
  ];
}

export function controlPlugin(intervention: Intervention, opts: ControlPluginOptions = {}): UiPlugin {
  const calls = controlCalls(intervention);
  return {
    name: 'control',
    http(req, res, url) {
      const path = url.pathname;
      if (!calls.handles(path)) return false;
      // The stream's Origin rule (stream/origin.ts): the dashboard's own page, the DevTools tab
      // (chrome-/moz-extension://) and clients without an Origin. A page elsewhere that learned the
      // token could otherwise change traffic with a form post, which needs no CORS preflight.
      if (!originAllowed(req, opts.uiHost)) {
        sendJson(res, 403, { error: `origin ${req.headers.origin} may not use the control API` });
        return true;
      }
      void calls.call(req.method ?? 'GET', path, () => readJson(req)).then((r) => sendReply(res, r));
      return true;
    },
  };
}

async function answer(route: Route, params: string[], body: () => Promise<unknown>): Promise<ControlReply> {
  try {
    const [status, answer] = await route.handle(params, await body());
    return { status, body: answer };
  } catch (err) {
    if (err instanceof InterventionError) return { status: err.status, body: { error: err.message } };
    if (err instanceof BodyError) return { status: err.status, body: { error: err.message } };
    return { status: 500, body: { error: `internal error: ${(err as Error).message}` } };
  }
}

export class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text: string;
  try {
    text = await readBody(req, MAX_BODY);
  } catch (err) {
    if (err instanceof BodyTooLarge) throw new BodyError(413, err.message);
    throw err;
  }
  return parseJsonBody(text);
}

/** A request body's JSON; `{}` when empty. */
export function parseJsonBody(text: string): unknown {
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BodyError(400, `body: not JSON (${(err as Error).message})`);
  }
}
