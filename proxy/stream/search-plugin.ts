/**
 * `GET /api/search?q=<text or /regex/flags>[&from=<seq>][&to=<seq>]` on the dashboard server (behind
 * its token): the packets whose full payload matches, among those the stream cut and the payload
 * store still holds. The stream gives observers a 4 KB preview of a long payload, so this is how the
 * panel's text filter finds what lies past it. `q` is read exactly as the panel's filter bar reads
 * it; the search itself is payload-search.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseTextQuery } from '../../shared/match/text.js';
import type { UiPlugin } from '../ui/ui-plugin.js';
import { readOnly, sendJson, sendReply, type JsonReply } from './http-reply.js';
import { searchPayloads, SearchTooSlow } from './payload-search.js';
import type { PayloadStore } from './payload-store.js';

/**
 * Searches running at once. Each runs in slices on the relay's thread, one slice a turn of the loop
 * among them all (payload-search.ts), so relaying waits at most SLICE_TIMEOUT_MS per turn; each running
 * search also holds the full payloads it searches.
 */
export const MAX_SEARCHES = 2;

/** An answer of the search: a status and its JSON body. */
export type SearchReply = JsonReply & { body: object };

export interface SearchPlugin extends UiPlugin {
  /**
   * The search without HTTP (for a call a dashboard over Redis forwards): the same checks, the same
   * limit on searches running at once.
   */
  search(params: URLSearchParams, signal?: AbortSignal): Promise<SearchReply>;
}

export function searchPlugin(payloads: PayloadStore): SearchPlugin {
  let running = 0;
  const search = async (params: URLSearchParams, signal?: AbortSignal): Promise<SearchReply> => {
    const asked = readSearchParams(params);
    if ('error' in asked) return { status: 400, body: asked };
    if (running >= MAX_SEARCHES)
      return {
        status: 429,
        body: { error: `${MAX_SEARCHES} searches are running already: try again once one has finished` },
        headers: { 'Retry-After': '1' },
      };
    running++;
    try {
      return { status: 200, body: await searchPayloads(payloads, asked.re, asked, signal) };
    } catch (err) {
      if (err instanceof SearchTooSlow) return { status: 422, body: { error: err.message } };
      return { status: 500, body: { error: `search failed: ${(err as Error).message}` } };
    } finally {
      running--;
    }
  };
  return {
    name: 'search',
    search,

    http(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
      if (url.pathname !== '/api/search') return false;
      if (!readOnly(req, res)) return true;
      // HEAD gets a GET's status and headers, as on the other routes, but no search: Node sends no
      // body to a HEAD, so the search's result would be thrown away.
      if (req.method === 'HEAD') {
        const asked = readSearchParams(url.searchParams);
        return reply(res, 'error' in asked ? 400 : 200, 'error' in asked ? asked : {});
      }
      const abort = new AbortController();
      // A panel that typed on has cancelled this request: stop searching for nobody.
      res.once('close', () => abort.abort());
      void search(url.searchParams, abort.signal).then((r) => {
        if (!abort.signal.aborted) sendReply(res, r);
      });
      return true;
    },
  };
}

/** The search's parameters (`q`, `from`, `to`), or what is wrong with them. */
export function readSearchParams(
  params: URLSearchParams,
): { re: RegExp; from: number; to: number } | { error: string } {
  const query = parseTextQuery(params.get('q') ?? '');
  if (!query) return { error: 'q is missing: the text, or /regex/flags, to search the payloads for' };
  if ('error' in query) return { error: query.error };
  const from = seqParam(params, 'from', 1);
  const to = seqParam(params, 'to', Number.MAX_SAFE_INTEGER);
  if (typeof from === 'string') return { error: from };
  if (typeof to === 'string') return { error: to };
  return { re: query.re, from, to };
}

function reply(res: ServerResponse, status: number, body: object): true {
  sendJson(res, status, body);
  return true;
}

/** The param as a seq, `fallback` when absent, or what is wrong with it. */
function seqParam(params: URLSearchParams, name: string, fallback: number): number | string {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  return /^\d+$/.test(raw) && Number.isSafeInteger(n) ? n : `${name}: "${raw}" is not an event seq`;
}
