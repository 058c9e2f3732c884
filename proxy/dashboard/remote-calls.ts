/**
 * What a dashboard over Redis cannot answer itself: control calls (rules, held packets, emit, faults),
 * full payloads and the payload search belong to the proxy that relays the session, and are not
 * forwarded through Redis (yet). Each gets a JSON answer that says so and names the proxy to ask:
 * 501 while that proxy is up, 503 when it is gone. Routes that only read the stream (the events,
 * capture, HAR) are served here as on a proxy's own dashboard.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProxyEvent } from '../../shared/events.js';
import { sendJson } from '../stream/http-reply.js';
import type { UiPlugin } from '../ui/ui-plugin.js';

const CONTROL =
  /^\/api\/(rules|paused|faults)(\/[^/]+)?$|^\/api\/sessions\/([^/]+)\/(emit|faults)(\/[^/]+)?$/;
const PAYLOAD = /^\/api\/(packets\/[^/]*|search)$/;
/** Sessions remembered for naming their proxy. */
const MAX_SESSIONS = 100_000;

export interface RemoteCallsOptions {
  /** Whether a source is up now (liveness.ts). */
  state(source: string): 'up' | 'gone' | undefined;
}

export interface RemoteCalls extends UiPlugin {
  /** Learns which proxy owns each session; called with every event the dashboard publishes. */
  observe(event: ProxyEvent): void;
}

export function remoteCalls(opts: RemoteCallsOptions): RemoteCalls {
  const owner = new Map<string, string>();
  return {
    name: 'remote-calls',
    observe(event) {
      if (event.type !== 'session' || !event.source) return;
      owner.set(event.sessionId, event.source);
      if (owner.size > MAX_SESSIONS) owner.delete(owner.keys().next().value!);
    },
    http(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
      const control = CONTROL.exec(url.pathname);
      if (!control && !PAYLOAD.test(url.pathname)) return false;
      const sid = control?.[3] !== undefined ? safeDecode(control[3]) : undefined;
      const source = sid !== undefined ? owner.get(sid) : undefined;
      const state = source !== undefined ? opts.state(source) : undefined;
      const what = control
        ? 'control calls (rules, held packets, emit, faults)'
        : 'full payloads and payload search';
      const ask =
        source !== undefined
          ? `session ${sid} is relayed by proxy ${source}, which is ${state === 'gone' ? 'gone' : 'up'}; ` +
            (state === 'gone' ? 'nothing can act on it now' : `use that proxy's own dashboard`)
          : `use the dashboard of the proxy that relays the session`;
      sendJson(res, state === 'gone' ? 503 : 501, {
        error: `this dashboard reads the proxies' events from Redis; ${what} are not forwarded to the proxies through Redis: ${ask}`,
        ...(source !== undefined ? { source, sourceState: state ?? 'up' } : {}),
      });
      return true;
    },
  };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
