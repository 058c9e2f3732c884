/**
 * Where the panel's events come from. The panel only knows this interface: the proxy's live stream
 * (proxy-source.ts), a file (file-source.ts), and later the DevTools tab's own source, which will
 * implement it in the extension without the panel changing.
 *
 * Not the DOM's `EventSource` (server-sent events): a module-local name for the panel's seam.
 */
import type { ProxyEvent } from '../../../shared/events.js';
import type { ProblemsFrom } from './analysis.js';
import type { ControlClient } from './control-client.js';

export type SourceKind = 'live' | 'file' | 'devtools' | 'none';

/** Which source the panel shows, in words for the toolbar. */
export interface SourceInfo {
  kind: SourceKind;
  label: string;
  detail?: string;
}

export type ConnectionState = 'connecting' | 'connected' | 'down';

export interface SourceStatus {
  state: ConnectionState;
  /** When the current state began (epoch ms). */
  since: number;
  /** When a down source tries again (epoch ms). */
  retryAt?: number;
  message?: string;
}

/** The full values of an event whose stream JSON was cut (`truncated`), as GET /api/packets/<seq> has them. */
export interface FullPayload {
  args?: unknown;
  data?: string;
  binary?: string;
  requestBody?: string;
  responseBody?: string;
  received?: string;
}

/** A text filter to run over the full payloads of cut packets with `from <= seq <= to`. */
export interface SearchQuery {
  /** The filter bar's text: case-insensitive text or `/regex/flags`. */
  text: string;
  from: number;
  to: number;
}

/** What GET /api/search answers. */
export interface SearchAnswer {
  /** Packets whose full payload matched. */
  seqs: number[];
  /** Cut packets in the range whose full payload was searched. */
  searched: number;
  /** Cut packets in the range whose full payload the source no longer holds. */
  evicted: number;
}

export interface EventSource {
  readonly info: SourceInfo;
  /**
   * Starts delivering events: `onEvents` gets batches in `seq` order (a live source that reconnects
   * may deliver events again: the store skips those), `onStatus` every change of the connection.
   */
  connect(onEvents: (batch: ProxyEvent[]) => void, onStatus: (status: SourceStatus) => void): void;
  close(): void;
  /** Fetches the full payload of a cut event, when this source can. */
  fetchFull?(seq: number): Promise<FullPayload>;
  /** Searches the full payloads of cut packets, when this source holds them. */
  search?(query: SearchQuery, signal: AbortSignal): Promise<SearchAnswer>;
  /**
   * Who finds the problems in its events: `source` when they carry the proxy's `problem` events (its
   * live stream, a recording of it), `panel` (the default) when the panel runs the detectors of
   * shared/analysis over them (source/analysis.ts). Read when the first batch arrives.
   */
  readonly problems?: ProblemsFrom;
  /** Downloads the source offers (the proxy's own capture and HAR of its history). */
  downloads?: { capture: string; har: string };
  /** The control API (breakpoints, emit, faults): only a live sio-proxy has one. */
  readonly control?: ControlClient;
}
