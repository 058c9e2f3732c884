/**
 * `GET /api/har`: the HAR 1.2 file of the events the proxy still holds (shared/har.ts), downloaded
 * from the dashboard. `?session=<sid>` limits it to one Engine.IO session. The token is checked by the
 * dashboard server before any plugin runs.
 *
 * The plugin reads events through a function, so that it does not depend on who holds them: in the
 * CLI, the event stream's history with the cut payloads put back (`fullEvents`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProxyEvent } from '../../shared/events.js';
import { eventsToHar } from '../../shared/har.js';
import type { UiPlugin } from '../ui/ui-plugin.js';

export interface HarPluginOptions {
  /** sio-proxy's version, for `log.creator`. */
  version?: string;
}

export class HarPlugin implements UiPlugin {
  readonly name = 'har';

  constructor(
    private readonly events: () => ProxyEvent[],
    private readonly opts: HarPluginOptions = {},
  ) {}

  http(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    if (url.pathname !== '/api/har') return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' });
      res.end('method not allowed\n');
      return true;
    }
    const session = url.searchParams.get('session');
    let events = this.events();
    if (session) events = events.filter((e) => 'sessionId' in e && e.sessionId === session);
    const har = eventsToHar(events, { ...(this.opts.version ? { version: this.opts.version } : {}) });
    const body = JSON.stringify(har, null, 2);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    res.writeHead(200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="sio-proxy-${session ? `${safe(session)}-` : ''}${stamp}.har"`,
      'Cache-Control': 'no-store',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  }
}

const safe = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);

/** Where cut payloads are kept (proxy/stream/payload-store.ts), by the event's seq. */
export interface FullPayloads {
  get(seq: number): { found: true; json: string } | { found: false; evicted: boolean };
}

/**
 * The events as the event stream holds them (JSON, payloads cut to a limit), with the full payloads
 * put back where the store still has them, so that HAR frames and bodies are whole. An event whose
 * payload was evicted keeps its cut values and `truncated`, which the export reports in a comment.
 */
export function fullEvents(events: ProxyEvent[], payloads: FullPayloads): ProxyEvent[] {
  return events.map((e) => {
    if (!('truncated' in e) || !e.truncated) return e;
    const found = payloads.get(e.seq);
    if (!found.found) return e;
    let full: Record<string, unknown>;
    try {
      full = JSON.parse(found.json) as Record<string, unknown>;
    } catch {
      return e;
    }
    const { seq: _seq, type: _type, sessionId: _sid, args, ...fields } = full;
    const { truncated: _cut, ...whole } = { ...e, ...fields } as ProxyEvent & { truncated?: boolean };
    const out = whole as ProxyEvent;
    if (out.type === 'packet' && out.sio && args !== undefined) out.sio = { ...out.sio, args };
    return out;
  });
}
