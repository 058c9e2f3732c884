/**
 * The source the user picked (in-page capture or a proxy), as one EventSource that delegates to it.
 * The panel's controller returns to its first source on "Back to live"; handing it this one makes
 * "live" mean whatever is selected now, without a change to the panel.
 */
import type { ProxyEvent } from '../../../shared/events.js';
import type { ControlClient } from '../../../panel/src/source/control-client.js';
import type {
  EventSource,
  FullPayload,
  SearchAnswer,
  SearchQuery,
  SourceInfo,
  SourceStatus,
} from '../../../panel/src/source/event-source.js';

export class SelectedSource implements EventSource {
  /** The source `connect` started: the one `close` must stop, even after `select` changed `inner`. */
  private live: EventSource | undefined;

  constructor(private inner: EventSource) {}

  /** Picks another source; the caller then re-attaches this one (controller.use) to restart. */
  select(next: EventSource): void {
    this.inner = next;
  }

  get info(): SourceInfo {
    return this.inner.info;
  }

  get downloads(): { capture: string; har: string } | undefined {
    return this.inner.downloads;
  }

  /**
   * The proxy's control API when a proxy is selected: the Control tab acts on it as in the dashboard.
   * The controller reads it when it attaches this source, right after `select`, hence `inner`.
   */
  get control(): ControlClient | undefined {
    return this.inner.control;
  }

  connect(onEvents: (batch: ProxyEvent[]) => void, onStatus: (status: SourceStatus) => void): void {
    this.live = this.inner;
    this.inner.connect(onEvents, onStatus);
  }

  close(): void {
    this.live?.close();
    this.live = undefined;
  }

  /**
   * The proxy's search over full payloads when the source is a proxy; none for in-page capture,
   * which keeps payloads whole (the panel then filters what it holds and says nothing more).
   */
  get search(): ((query: SearchQuery, signal: AbortSignal) => Promise<SearchAnswer>) | undefined {
    const src = this.live ?? this.inner;
    return src.search?.bind(src);
  }

  fetchFull(seq: number): Promise<FullPayload> {
    const src = this.live ?? this.inner;
    return src.fetchFull ? src.fetchFull(seq) : Promise.reject(new Error('this source keeps payloads whole'));
  }
}
