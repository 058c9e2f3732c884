/**
 * The proxy's live event stream: a WebSocket to `/api/events?token=…` on the dashboard server (the
 * token is the one in the page's own URL), which sends the history held and then live events, each
 * message a JSON array of events. It reconnects by itself with backoff; after a reconnect the history
 * comes again, and the store skips what it already has.
 */
import type { ProxyEvent } from '../../../shared/events.js';
import type { ProblemsFrom } from './analysis.js';
import { ControlClient } from './control-client.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import type {
  EventSource,
  FullPayload,
  SearchAnswer,
  SearchQuery,
  SourceInfo,
  SourceStatus,
} from './event-source.js';

export interface ProxySourceOptions {
  /** The dashboard's origin, `http://127.0.0.1:8081`. */
  origin: string;
  token: string;
  backoff?: BackoffOptions;
}

export class ProxySource implements EventSource {
  readonly info: SourceInfo;
  readonly downloads: { capture: string; har: string };
  /** The proxy runs the problem detectors itself and streams their `problem` events. */
  readonly problems: ProblemsFrom = 'source';
  readonly control: ControlClient;
  private ws: WebSocket | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private retries = 0;
  private closed = false;

  constructor(private readonly opts: ProxySourceOptions) {
    // The dashboard's address: the proxy's own port is another one, which this page does not know.
    const host = new URL(opts.origin).host;
    this.info = {
      kind: 'live',
      label: `live: dashboard ${host}`,
      detail: `event stream of the sio-proxy dashboard at ${host}`,
    };
    this.control = new ControlClient(opts.origin, opts.token);
    this.downloads = { capture: this.httpUrl('/api/capture'), har: this.httpUrl('/api/har') };
  }

  /** The source for the page the panel was loaded from, if its URL carries a token. */
  static fromLocation(loc: Location): ProxySource | undefined {
    const token = new URLSearchParams(loc.search).get('token');
    if (!token || (loc.protocol !== 'http:' && loc.protocol !== 'https:')) return undefined;
    return new ProxySource({ origin: loc.origin, token });
  }

  connect(onEvents: (batch: ProxyEvent[]) => void, onStatus: (status: SourceStatus) => void): void {
    this.closed = false;
    this.open(onEvents, onStatus);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.ws?.close(1000, 'panel closed');
    this.ws = undefined;
  }

  fetchFull(seq: number): Promise<FullPayload> {
    return this.getJson<FullPayload>(this.httpUrl(`/api/packets/${seq}`));
  }

  search(query: SearchQuery, signal: AbortSignal): Promise<SearchAnswer> {
    const { text, from, to } = query;
    return this.getJson<SearchAnswer>(this.httpUrl('/api/search', { q: text, from, to }), signal);
  }

  private async getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
    const res = await fetch(url, { cache: 'no-store', ...(signal ? { signal } : {}) });
    const body = (await res.json().catch(() => ({}))) as T & { error?: string };
    if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
    return body;
  }

  private httpUrl(path: string, params: Record<string, string | number> = {}): string {
    const query = new URLSearchParams({ token: this.opts.token });
    for (const [k, v] of Object.entries(params)) query.set(k, String(v));
    return `${this.opts.origin}${path}?${query}`;
  }

  private open(onEvents: (batch: ProxyEvent[]) => void, onStatus: (status: SourceStatus) => void): void {
    const wsOrigin = this.opts.origin.replace(/^http/, 'ws');
    const url = `${wsOrigin}/api/events?token=${encodeURIComponent(this.opts.token)}`;
    onStatus({ state: 'connecting', since: Date.now() });
    let opened = false;
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onopen = () => {
      opened = true;
      this.retries = 0;
      onStatus({ state: 'connected', since: Date.now() });
    };
    ws.onmessage = (msg: MessageEvent) => {
      if (typeof msg.data !== 'string') return;
      let batch: unknown;
      try {
        batch = JSON.parse(msg.data);
      } catch {
        return; // not ours to fix: the next message is independent
      }
      if (Array.isArray(batch)) onEvents(batch as ProxyEvent[]);
    };
    ws.onclose = (ev: CloseEvent) => {
      if (this.ws !== ws || this.closed) return;
      const delay = backoffDelay(this.retries++, this.opts.backoff ?? DEFAULT_BACKOFF);
      // A browser reports a refused handshake (401 token, 403 origin) as a bare 1006: say what it may be.
      const message = opened
        ? `event stream closed (${ev.code}${ev.reason ? ` ${ev.reason}` : ''}): is the proxy still running?`
        : 'cannot open the event stream: proxy stopped, or the token in the URL is not its token';
      onStatus({ state: 'down', since: Date.now(), retryAt: Date.now() + delay, message });
      this.timer = setTimeout(() => this.open(onEvents, onStatus), delay);
    };
  }
}
