/**
 * The event stream's routes on the dashboard server (the token is checked before any of them):
 *   ws  /api/events          history, then live events (ws-observer.ts), Origin-checked (origin.ts)
 *   GET /api/packets/<seq>   the full payload of an event the stream cut
 *   GET /api/capture         the history as an NDJSON download
 * (GET /api/search, over the full payloads, is search-plugin.ts.)
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { UiPlugin } from '../ui/ui-plugin.js';
import { sendCapture } from './capture.js';
import type { EventStream } from './event-stream.js';
import { readOnly, sendJson } from './http-reply.js';
import { closeObservers, observerSocketServer, refusedOrigin } from './observer-sockets.js';
import { REPLAY_BYTES_PER_TURN, TurnBudget } from './turn-budget.js';
import { DEFAULT_LIMITS, WsObserver, type ObserverLimits } from './ws-observer.js';

export interface StreamPluginOptions {
  /** The configured `--ui-host`, accepted as the dashboard's own origin host. */
  uiHost?: string;
  limits?: Partial<ObserverLimits>;
}

export interface StreamPlugin extends UiPlugin {
  /** Each connected observer's backlog (what waits for it, what it is missing). */
  observers(): Array<WsObserver['backlog']>;
}

export function streamPlugin(stream: EventStream, opts: StreamPluginOptions = {}): StreamPlugin {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const wss = observerSocketServer();
  const observers = new Set<WsObserver>();
  // One for the observers' replays and the capture downloads together.
  const budget = new TurnBudget(REPLAY_BYTES_PER_TURN);

  return {
    name: 'event-stream',

    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean {
      if (url.pathname !== '/api/events') return false;
      if (refusedOrigin(req, socket, opts.uiHost)) return true;
      wss.handleUpgrade(req, socket, head, (ws) => {
        const observer = new WsObserver(ws, stream, limits, budget);
        observers.add(observer);
        ws.once('close', () => observers.delete(observer));
      });
      return true;
    },

    observers: () => [...observers].map((o) => o.backlog),

    http(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
      const path = url.pathname;
      if (path === '/api/events') {
        if (!readOnly(req, res)) return true;
        // Not a WebSocket handshake: say what this route wants rather than a bare 404.
        res.writeHead(426, { 'Content-Type': 'text/plain', Connection: 'Upgrade', Upgrade: 'websocket' });
        res.end('sio-proxy: /api/events is a WebSocket: connect to ws://<dashboard>/api/events?token=…\n');
        return true;
      }
      const packet = /^\/api\/packets\/([^/]*)$/.exec(path);
      if (!packet && path !== '/api/capture') return false;
      if (!readOnly(req, res)) return true;
      if (packet) sendPayload(res, stream, packet[1] ?? '');
      else sendCapture(res, stream.snapshot(), budget);
      return true;
    },

    close: () => closeObservers(observers, wss),
  };
}

function sendPayload(res: ServerResponse, stream: EventStream, raw: string): void {
  const r = payloadReply(stream, raw);
  sendJson(res, r.status, r.body);
}

/** `GET /api/packets/<raw>`'s answer: the full payload, or why there is none. */
export function payloadReply(stream: EventStream, raw: string): { status: number; body: string | object } {
  const seq = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(seq)) {
    return { status: 400, body: { error: `"${raw}" is not an event seq` } };
  }
  const found = stream.payloads.get(seq);
  if (found.found) return { status: 200, body: found.json };
  const mb = Math.round(stream.payloads.maxBytes / (1024 * 1024));
  return {
    status: 404,
    body: {
      error: found.evicted
        ? `the full payload of event ${seq} is no longer held: evicted from the payload store (the last ${mb} MB of cut payloads), or never kept, being over the quarter of it one payload may take`
        : `no full payload for event ${seq}: it was not cut (its stream JSON is complete) or does not exist yet`,
      seq,
      evicted: found.evicted,
    },
  };
}
