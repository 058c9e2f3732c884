/**
 * The panel's source for in-page capture: a runtime port to the service worker subscribed to one
 * tab, whose raw captures go through a CaptureDecoder into events. When the port drops (the worker
 * was stopped while idle, or the extension reloaded) it opens a new one; the worker then replays the
 * tab's buffer and the decoder skips what it already had, so the panel misses nothing and repeats
 * nothing.
 */
import type { ProxyEvent } from '../../../shared/events.js';
import type { EventSource, SourceInfo, SourceStatus } from '../../../panel/src/source/event-source.js';
import { PANEL_PORT, type ToPanel } from '../capture/protocol.js';
import { CaptureDecoder } from './capture-decoder.js';

const RETRY_MS = 500;

export interface PageSourceOptions {
  tabId: number;
  /** A new document started in the tab (a reload): the host decides whether to keep what it shows. */
  onDocument?: (url: string) => void;
}

export class PageSource implements EventSource {
  readonly info: SourceInfo;
  private port: chrome.runtime.Port | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private readonly decoder = new CaptureDecoder();
  private delivered = 0;

  constructor(private readonly opts: PageSourceOptions) {
    this.info = {
      kind: 'devtools',
      label: `in-page capture: tab ${opts.tabId}`,
      detail:
        'WebSocket, XHR and fetch of the inspected page, seen from the browser: no rooms, no server-side disconnect reasons, only the headers the page set or can read',
    };
  }

  connect(onEvents: (batch: ProxyEvent[]) => void, onStatus: (status: SourceStatus) => void): void {
    this.closed = false;
    this.open(onEvents, onStatus);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    const port = this.port;
    this.port = undefined;
    port?.disconnect();
  }

  private open(onEvents: (batch: ProxyEvent[]) => void, onStatus: (status: SourceStatus) => void): void {
    onStatus({ state: 'connecting', since: Date.now() });
    const port = chrome.runtime.connect({ name: PANEL_PORT });
    this.port = port;
    port.onMessage.addListener((msg: ToPanel) => {
      if (this.port !== port || msg.tabId !== this.opts.tabId) return;
      if (msg.kind === 'hello') return onStatus({ state: 'connected', since: Date.now() });
      // One capture at a time up to each new document, so a host that starts over on a reload
      // (replacing this source, which closes it) does so exactly between the two documents.
      let batch: ProxyEvent[] = [];
      for (const capture of msg.captures) {
        const { events, documents } = this.decoder.push([capture]);
        batch.push(...events);
        if (documents.length === 0) continue;
        if (batch.length) onEvents(batch);
        this.delivered += batch.length;
        batch = [];
        // The panel opened on this document when nothing was shown yet: not a reload.
        if (this.delivered > 0) for (const url of documents) this.opts.onDocument?.(url);
        if (this.closed) return;
      }
      this.delivered += batch.length;
      if (batch.length) onEvents(batch);
    });
    port.onDisconnect.addListener(() => {
      void chrome.runtime.lastError;
      if (this.port !== port || this.closed) return;
      this.port = undefined;
      onStatus({
        state: 'down',
        since: Date.now(),
        retryAt: Date.now() + RETRY_MS,
        message: 'extension service worker restarted: reconnecting',
      });
      this.timer = setTimeout(() => this.open(onEvents, onStatus), RETRY_MS);
    });
    port.postMessage({ subscribe: this.opts.tabId });
  }
}
