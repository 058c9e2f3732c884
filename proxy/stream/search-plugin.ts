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
import { readOnly, sendJson } from './http-reply.js';
import { searchPayloads, SearchTooSlow } from './payload-search.js';
import type { PayloadStore } from './payload-store.js';

/**
 * Searches running at once. Each runs in slices on the relay's thread, one slice a turn of the loop
 * among them all (payload-search.ts), so relaying waits at most SLICE_TIMEOUT_MS per turn; each running
 * search also holds the full payloads it searches.
 */
export const MAX_SEARCHES = 2;

export function searchPlugin(payloads: PayloadStore): UiPlugin {
  let running = 0;
  return {
    name: 'search',

    http(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
      if (url.pathname !== '/api/search') return false;
      if (!readOnly(req, res)) return true;
      const params = url.searchParams;
      const query = parseTextQuery(params.get('q') ?? '');
      if (!query)
        return reply(res, 400, {
          error: 'q is missing: the text, or /regex/flags, to search the payloads for',
        });
      if ('error' in query) return reply(res, 400, { error: query.error });
      const from = seqParam(params, 'from', 1);
      const to = seqParam(params, 'to', Number.MAX_SAFE_INTEGER);
      if (typeof from === 'string') return reply(res, 400, { error: from });
      if (typeof to === 'string') return reply(res, 400, { error: to });
      // HEAD gets a GET's status and headers, as on the other routes, but no search: Node sends no
      // body to a HEAD, so the search's result would be thrown away.
      if (req.method === 'HEAD') return reply(res, 200, {});

      if (running >= MAX_SEARCHES) {
        res.setHeader('Retry-After', '1');
        return reply(res, 429, {
          error: `${MAX_SEARCHES} searches are running already: try again once one has finished`,
        });
      }
      running++;
      const abort = new AbortController();
      // A panel that typed on has cancelled this request: stop searching for nobody.
      res.once('close', () => abort.abort());
      searchPayloads(payloads, query.re, { from, to }, abort.signal)
        .finally(() => running--)
        .then(
          (result) => sendJson(res, 200, result),
          (err: unknown) => {
            if (abort.signal.aborted) return;
            if (err instanceof SearchTooSlow) return sendJson(res, 422, { error: err.message });
            sendJson(res, 500, { error: `search failed: ${(err as Error).message}` });
          },
        );
      return true;
    },
  };
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
