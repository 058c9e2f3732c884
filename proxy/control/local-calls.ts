/**
 * What a proxy answers to a call a dashboard over Redis forwards (stream/redis-control.ts), in
 * process: the control API (control-plugin.ts's routes), full payloads and the payload search, with
 * the same checks and errors as on this proxy's own dashboard, and whether or not that dashboard is
 * on (a proxy of the library with `redis` alone answers too). The token and Origin rules were the
 * asking dashboard's to apply.
 */
import type { EventStream } from '../stream/event-stream.js';
import type { SearchPlugin } from '../stream/search-plugin.js';
import { payloadReply } from '../stream/stream-plugin.js';
import { parseJsonBody, type ControlCalls } from './control-plugin.js';

export interface LocalCall {
  method: string;
  /** The path with its query, as the dashboard was asked (`/api/search?q=...`). */
  path: string;
  body: string;
}

export interface LocalAnswer {
  status: number;
  body: string;
}

export interface LocalCallsOptions {
  control: ControlCalls;
  stream: EventStream;
  search: SearchPlugin;
}

export function localCalls(opts: LocalCallsOptions): (call: LocalCall) => Promise<LocalAnswer> {
  return async ({ method, path, body }) => {
    const url = new URL(path, 'http://local');
    const reply = await route(method, url, body);
    return {
      status: reply.status,
      body:
        reply.body === undefined
          ? ''
          : typeof reply.body === 'string'
            ? reply.body
            : JSON.stringify(reply.body),
    };
  };

  async function route(method: string, url: URL, body: string): Promise<{ status: number; body?: unknown }> {
    const path = url.pathname;
    if (opts.control.handles(path)) return opts.control.call(method, path, async () => parseJsonBody(body));
    const packet = /^\/api\/packets\/([^/]*)$/.exec(path);
    if (packet || path === '/api/search') {
      if (method !== 'GET') return { status: 405, body: { error: `${method} is not allowed here` } };
      return packet ? payloadReply(opts.stream, packet[1] ?? '') : opts.search.search(url.searchParams);
    }
    return { status: 404, body: { error: `no route ${path} for calls through Redis` } };
  }
}
