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
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Intervention } from '../intervene/intervention.js';
import { InterventionError } from '../intervene/errors.js';
import { BodyTooLarge, readBody, sendJson } from '../stream/http-reply.js';
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

export function controlPlugin(intervention: Intervention, opts: ControlPluginOptions = {}): UiPlugin {
  const obj = (body: unknown): Record<string, unknown> => {
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw new InterventionError(400, 'body: expected a JSON object');
    return body as Record<string, unknown>;
  };
  const routes: Route[] = [
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

  return {
    name: 'control',
    http(req, res, url) {
      const path = url.pathname;
      const matching = routes.filter((r) => r.path.test(path));
      if (matching.length === 0) return false;
      // The stream's Origin rule (stream/origin.ts): the dashboard's own page, the DevTools tab
      // (chrome-/moz-extension://) and clients without an Origin. A page elsewhere that learned the
      // token could otherwise change traffic with a form post, which needs no CORS preflight.
      if (!originAllowed(req, opts.uiHost)) {
        sendJson(res, 403, { error: `origin ${req.headers.origin} may not use the control API` });
        return true;
      }
      const route = matching.find((r) => r.method === req.method);
      if (!route) {
        res.writeHead(405, {
          'Content-Type': 'application/json',
          Allow: matching.map((r) => r.method).join(', '),
        });
        res.end(JSON.stringify({ error: `${req.method} is not allowed here` }));
        return true;
      }
      const params = route.path.exec(path)!.slice(1).map(decodeURIComponent);
      void serve(req, res, route, params);
      return true;
    },
  };
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  route: Route,
  params: string[],
): Promise<void> {
  try {
    const body = req.method === 'GET' || req.method === 'DELETE' ? undefined : await readJson(req);
    const [status, answer] = await route.handle(params, body);
    if (status === 204) {
      res.writeHead(204).end();
      return;
    }
    sendJson(res, status, answer as object);
  } catch (err) {
    if (err instanceof InterventionError) return sendJson(res, err.status, { error: err.message });
    if (err instanceof BodyError) return sendJson(res, err.status, { error: err.message });
    sendJson(res, 500, { error: `internal error: ${(err as Error).message}` });
  }
}

class BodyError extends Error {
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
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BodyError(400, `body: not JSON (${(err as Error).message})`);
  }
}
