/**
 * What the page script reports, and how it travels: page (MAIN world) -> window.postMessage -> relay
 * (isolated content script) -> runtime port -> service worker -> the port of the panel of that tab.
 *
 * The messages are raw observations (a URL, a frame's text or bytes, a polling body), not decoded
 * events: decoding happens in the panel (see ../panel/capture-decoder.ts), so the script injected
 * into every page stays a few kilobytes with no parser in it and costs the page almost nothing.
 * Every message is JSON-safe (bytes as base64), since runtime ports serialise as JSON.
 */

/** Marks our window messages, so the relay ignores the page's own postMessage traffic. */
export const WINDOW_TAG = '__sioProxyCapture';

/** Port names: the relay of a page, and a panel (which then sends `{ subscribe: tabId }`). */
export const PAGE_PORT = 'sio-page';
export const PANEL_PORT = 'sio-panel';

interface Base {
  /** A random id of the document that captured it: a reload starts a new one. */
  doc: string;
  /** Counter within `doc`: lets a panel skip what it already has when the worker replays. */
  n: number;
  /** Epoch ms, sub-millisecond (performance.timeOrigin + now()). */
  ts: number;
  /**
   * The frame it came from, set by the service worker (the page cannot know it): Chrome's frameId,
   * absent for the top frame. A frame keeps its id across its own reloads.
   */
  frame?: number;
}

/** A document started capturing (first load, or a reload / navigation of the tab or of an iframe). */
export interface DocCapture extends Base {
  k: 'doc';
  url: string;
}

export interface WsOpenCapture extends Base {
  k: 'ws-open';
  /** Per-document connection id. */
  conn: number;
  url: string;
  /** The page's origin, for `xdomain`. */
  origin: string;
}

export interface WsFrameCapture extends Base {
  k: 'ws-frame';
  conn: number;
  dir: 'c2s' | 's2c';
  /** A text frame's text. */
  text?: string;
  /** A binary frame's bytes, base64. */
  b64?: string;
}

export interface WsCloseCapture extends Base {
  k: 'ws-close';
  conn: number;
  code: number;
  reason: string;
  wasClean: boolean;
}

/** One polling exchange (XHR or fetch), reported when its response is complete or failed. */
export interface HttpCapture extends Base {
  k: 'http';
  conn: number;
  via: 'xhr' | 'fetch';
  method: string;
  url: string;
  origin: string;
  /** 0 when the request failed (network error, aborted). */
  status: number;
  startedAt: number;
  /**
   * As the page set them (setRequestHeader, fetch's headers), not all the browser sent (no cookies,
   * no User-Agent); the response's as the page may read them (CORS hides most cross-origin ones).
   */
  requestHeaders?: Record<string, string>;
  responseHeaders?: Record<string, string>;
  /** Bodies: text as is, binary as base64 with the `*B64` flag set. */
  requestBody?: string;
  requestB64?: boolean;
  responseBody?: string;
  responseB64?: boolean;
  responseType?: string;
  error?: string;
}

export type Capture = DocCapture | WsOpenCapture | WsFrameCapture | WsCloseCapture | HttpCapture;

/** The service worker's messages to a panel. */
export type ToPanel =
  | { kind: 'captures'; tabId: number; captures: Capture[]; replay?: boolean }
  | { kind: 'hello'; tabId: number };

export function isCapture(v: unknown): v is Capture {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as Partial<Capture>;
  return typeof c.k === 'string' && typeof c.doc === 'string' && typeof c.n === 'number';
}
