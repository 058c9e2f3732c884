/**
 * The MAIN-world content script (document_start, before the page's own scripts): wraps WebSocket,
 * XMLHttpRequest and fetch so that every Engine.IO connection of the page (URL with `EIO=` in its
 * query) is reported, raw, to the relay by window.postMessage. Nothing else is touched: a request
 * that is not Engine.IO goes through the originals with no extra work, and the page sees the same
 * objects, prototypes and results as without the extension.
 *
 * No decoding here (see ../capture/protocol.ts): the page pays for a copy of each frame, not a parse.
 */
import { WINDOW_TAG, type Capture } from '../capture/protocol.js';

type Unsent<C> = C extends Capture ? Omit<C, 'doc' | 'n' | 'ts'> : never;

const doc = Math.random().toString(36).slice(2) + Date.now().toString(36);
let n = 0;
let conns = 0;
const now = () => performance.timeOrigin + performance.now();

function post(c: Unsent<Capture>, ts: number): void {
  const msg = { ...c, doc, n: ++n, ts } as Capture;
  try {
    window.postMessage(
      { [WINDOW_TAG]: msg },
      window.location.origin === 'null' ? '*' : window.location.origin,
    );
  } catch {
    // An opaque origin (sandboxed frame, data: URL) rejects its own origin as a target.
    window.postMessage({ [WINDOW_TAG]: msg }, '*');
  }
}

// Taken before the page's scripts run: a page that swaps in a Promise polyfill must not change how
// ours are recognised (Blob.arrayBuffer() and async functions always return native promises).
const NativePromise = Promise;

/** Reports still waiting on an earlier one whose bytes are read asynchronously (a Blob). */
let tail: Promise<void> | undefined;

/**
 * Reports a capture, in call order: one that waits for a Blob's bytes holds back those reported
 * after it (on any socket or request of this document), so the panel never sees a reply before
 * the frame it answers. `ts` is the time of the call, not of the post.
 */
function report(c: Unsent<Capture> | Promise<Unsent<Capture>>, ts = now()): void {
  if (!tail && !(c instanceof NativePromise)) return post(c, ts);
  enqueue(NativePromise.resolve(c).then((value) => ({ c: value, ts })));
}

type Placed = { c: Unsent<Capture>; ts: number } | undefined;

function enqueue(next: Promise<Placed>): void {
  const mine = NativePromise.all([tail, next]).then(
    ([, placed]) => placed && post(placed.c, placed.ts),
    () => undefined, // the payload helpers do not reject; a bug there must not stall the queue
  );
  tail = mine;
  void mine.then(() => {
    if (tail === mine) tail = undefined;
  });
}

/**
 * Takes a place in the report order now for a capture made later: a polling POST, whose packets
 * leave when it is sent but whose capture is complete only with its answer. Reported at its answer,
 * it came after the GETs answered meanwhile, so the panel listed a CONNECT after the server's reply
 * to it, or after a ping and pong that followed it. Those reports now wait for it (a POST is short).
 * `fill` gets the capture and its own time (the answer's).
 */
function reserve(): Place {
  let fill!: (v: Placed) => void;
  enqueue(new NativePromise((resolve) => (fill = resolve)));
  return (c, ts) => void NativePromise.resolve(c).then((value) => fill(value && { c: value, ts }));
}

/** Fills a reserved place; `undefined` gives it up (a send() that threw: nothing left). */
type Place = (c: Unsent<Capture> | Promise<Unsent<Capture>> | undefined, ts: number) => void;

function isEngineUrl(url: string | URL): boolean {
  try {
    return new URL(String(url), window.location.href).searchParams.has('EIO');
  } catch {
    return false;
  }
}

const absolute = (url: string | URL) => new URL(String(url), window.location.href).href;

/** Bytes as base64, in chunks so a large frame does not overflow the call stack. */
function toB64(data: ArrayBuffer | ArrayBufferView): string {
  const bytes =
    data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

type Body = { text?: string; b64?: string };

/** A frame or body as text or base64; a Blob has to be read first, hence the promise. */
function payload(data: unknown): Body | Promise<Body> {
  if (typeof data === 'string') return { text: data };
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return { b64: toB64(data) };
  if (data instanceof Blob)
    return data.arrayBuffer().then(
      (buf) => ({ b64: toB64(buf) }),
      () => ({ text: `<unreadable ${data.size}-byte Blob>` }),
    );
  return {};
}

/** `make(body)`, now or once the body is read. */
function withBody<T>(body: Body | Promise<Body>, make: (b: Body) => T): T | Promise<T> {
  return body instanceof NativePromise ? body.then(make) : make(body);
}

// First, so a panel that keeps or clears on reload knows where this document's captures begin.
report({ k: 'doc', url: window.location.href });

/* ---------------------------------------------------------------- WebSocket */

const NativeWebSocket = window.WebSocket;
const tracked = new WeakMap<WebSocket, number>();

// A subclass rather than a function: `instanceof WebSocket`, the static constants and the prototype
// all stay those of the native class.
class CapturingWebSocket extends NativeWebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols);
    if (!isEngineUrl(url)) return;
    const conn = ++conns;
    tracked.set(this, conn);
    report({ k: 'ws-open', conn, url: absolute(url), origin: window.location.origin });
    // Registered before the page can add its own listener: frames are reported before they are handled.
    this.addEventListener('message', (ev: MessageEvent) =>
      report(withBody(payload(ev.data), (p) => ({ k: 'ws-frame', conn, dir: 's2c', ...p }) as const)),
    );
    this.addEventListener('close', (ev: CloseEvent) =>
      report({ k: 'ws-close', conn, code: ev.code, reason: ev.reason, wasClean: ev.wasClean }),
    );
  }
}
const nativeSend = NativeWebSocket.prototype.send;
NativeWebSocket.prototype.send = function (this: WebSocket, data) {
  const conn = tracked.get(this);
  if (conn !== undefined && this.readyState === NativeWebSocket.OPEN)
    report(withBody(payload(data), (p) => ({ k: 'ws-frame', conn, dir: 'c2s', ...p }) as const));
  return nativeSend.call(this, data);
};
window.WebSocket = CapturingWebSocket;

/* ----------------------------------------------------------- XMLHttpRequest */

interface XhrInfo {
  method: string;
  url: string;
  /** Set with setRequestHeader between open() and send(). */
  requestHeaders: Record<string, string>;
  conn?: number;
  startedAt?: number;
  request?: Body | Promise<Body>;
  /** A POST's place in the report order, taken at send(). */
  place?: Place;
}
const xhrs = new WeakMap<XMLHttpRequest, XhrInfo>();
const listening = new WeakSet<XMLHttpRequest>();
const XhrProto = XMLHttpRequest.prototype;
const nativeOpen = XhrProto.open as (this: XMLHttpRequest, ...args: unknown[]) => void;
const nativeXhrSend = XhrProto.send;
const nativeSetRequestHeader = XhrProto.setRequestHeader;

/** `getAllResponseHeaders()` text (`name: value` lines, names lower-cased by the browser). */
function parseHeaderLines(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return out;
}

/** Reports an exchange when it completes (readyState 4 comes for failures and aborts too). */
function onReadyState(this: XMLHttpRequest): void {
  const info = xhrs.get(this);
  if (this.readyState !== 4 || !info || info.conn === undefined) return;
  const type = this.responseType;
  let response: Body = {};
  if (type === '' || type === 'text') response = { text: this.responseText };
  else if (type === 'arraybuffer' && this.response) response = { b64: toB64(this.response as ArrayBuffer) };
  const fields = {
    k: 'http' as const,
    conn: info.conn,
    via: 'xhr' as const,
    method: info.method,
    url: info.url,
    origin: window.location.origin,
    status: this.status,
    startedAt: info.startedAt ?? now(),
    requestHeaders: info.requestHeaders,
    // What the page may read: for a cross-origin request, the CORS-safelisted and exposed ones only.
    responseHeaders: parseHeaderLines(this.getAllResponseHeaders()),
    responseType: type,
    ...(this.status === 0 ? { error: 'request failed or aborted' } : {}),
  };
  const capture = withBody(info.request ?? {}, (req) => ({ ...fields, ...bodyFields(req, response) }));
  if (info.place) info.place(capture, now());
  else report(capture);
  info.conn = undefined; // once per send
  info.place = undefined;
}

XhrProto.open = function (this: XMLHttpRequest, ...args: unknown[]) {
  const [method, url] = args as [string, string | URL];
  if (isEngineUrl(url)) {
    xhrs.set(this, { method: String(method).toUpperCase(), url: absolute(url), requestHeaders: {} });
    // Added at open(), before engine.io-client sets onreadystatechange: the response is reported
    // (and timed) before the client handles it, so the packets it sends in reply come after it.
    if (!listening.has(this)) {
      listening.add(this);
      this.addEventListener('readystatechange', onReadyState);
    }
  } else xhrs.delete(this);
  return nativeOpen.apply(this, args);
} as typeof XhrProto.open;

XhrProto.setRequestHeader = function (this: XMLHttpRequest, name: string, value: string) {
  const info = xhrs.get(this);
  // The browser joins repeated names with ", ", as sent on the wire.
  if (info) {
    const key = String(name).toLowerCase();
    const prev = info.requestHeaders[key];
    info.requestHeaders[key] = prev === undefined ? String(value) : `${prev}, ${String(value)}`;
  }
  return nativeSetRequestHeader.call(this, name, value);
};

XhrProto.send = function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
  const info = xhrs.get(this);
  if (info) {
    info.conn = ++conns;
    info.startedAt = now();
    info.request = payload(body ?? undefined);
    if (info.method === 'POST') info.place = reserve();
  }
  try {
    return nativeXhrSend.call(this, body);
  } catch (err) {
    info?.place?.(undefined, now()); // no answer will come to fill it: the queue must not wait
    if (info) info.place = undefined;
    throw err;
  }
};

function bodyFields(
  req: Body,
  res: Body,
): Pick<Unsent<Capture> & { k: 'http' }, 'requestBody' | 'requestB64' | 'responseBody' | 'responseB64'> {
  return {
    ...(req.text !== undefined ? { requestBody: req.text } : {}),
    ...(req.b64 !== undefined ? { requestBody: req.b64, requestB64: true } : {}),
    ...(res.text !== undefined ? { responseBody: res.text } : {}),
    ...(res.b64 !== undefined ? { responseBody: res.b64, responseB64: true } : {}),
  };
}

/* -------------------------------------------------------------------- fetch */

function headerRecord(init: HeadersInit | undefined): Record<string, string> {
  try {
    return Object.fromEntries(new Headers(init));
  } catch {
    return {}; // invalid headers: fetch() rejects, and the report says why
  }
}

const nativeFetch = window.fetch;
window.fetch = function (input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const url = input instanceof Request ? input.url : String(input);
  if (!isEngineUrl(url)) return nativeFetch.call(this, input, init);
  const conn = ++conns;
  const startedAt = now();
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  const requestHeaders = headerRecord(
    init?.headers ?? (input instanceof Request ? input.headers : undefined),
  );
  const request = payload(init?.body ?? undefined);
  const base = {
    k: 'http' as const,
    conn,
    via: 'fetch' as const,
    method,
    url: absolute(url),
    origin: window.location.origin,
    startedAt,
    requestHeaders,
  };
  const place = method === 'POST' ? reserve() : report;
  const result = nativeFetch.call(this, input, init);
  // Our reactions are registered before the page gets `result`, so they run first: the report takes
  // its place in the order before anything the page does with the response.
  result.then(
    (res) => {
      const binary = /octet-stream/.test(res.headers.get('content-type') ?? '');
      // A clone, so the page's own reading of the body is untouched.
      const read: Promise<Body & { error?: string }> = (async () => {
        try {
          const copy = res.clone();
          return binary ? { b64: toB64(await copy.arrayBuffer()) } : { text: await copy.text() };
        } catch (err) {
          return { error: `body not read: ${String(err)}` }; // aborted mid-body: the page sees it too
        }
      })();
      place(
        NativePromise.all([request, read]).then(([req, { error, ...response }]) => ({
          ...base,
          status: res.status,
          responseHeaders: headerRecord(res.headers),
          ...bodyFields(req, response),
          ...(error ? { error } : {}),
        })),
        now(),
      );
    },
    (err: unknown) =>
      place(
        withBody(request, (req) => ({ ...base, status: 0, ...bodyFields(req, {}), error: String(err) })),
        now(),
      ),
  );
  return result;
};
