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

function report(c: Unsent<Capture>, ts = now()): void {
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

/** A frame or body as text or base64; a Blob is read first (its capture time is kept). */
function payload(data: unknown, done: (p: { text?: string; b64?: string }) => void): void {
  if (typeof data === 'string') return done({ text: data });
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return done({ b64: toB64(data) });
  if (data instanceof Blob) {
    data.arrayBuffer().then(
      (buf) => done({ b64: toB64(buf) }),
      () => done({ text: `<unreadable ${data.size}-byte Blob>` }),
    );
    return;
  }
  done({});
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
    this.addEventListener('message', (ev: MessageEvent) => {
      const ts = now();
      payload(ev.data, (p) => report({ k: 'ws-frame', conn, dir: 's2c', ...p }, ts));
    });
    this.addEventListener('close', (ev: CloseEvent) =>
      report({ k: 'ws-close', conn, code: ev.code, reason: ev.reason, wasClean: ev.wasClean }),
    );
  }
}
const nativeSend = NativeWebSocket.prototype.send;
NativeWebSocket.prototype.send = function (this: WebSocket, data) {
  const conn = tracked.get(this);
  if (conn !== undefined && this.readyState === NativeWebSocket.OPEN) {
    const ts = now();
    payload(data, (p) => report({ k: 'ws-frame', conn, dir: 'c2s', ...p }, ts));
  }
  return nativeSend.call(this, data);
};
window.WebSocket = CapturingWebSocket;

/* ----------------------------------------------------------- XMLHttpRequest */

interface XhrInfo {
  method: string;
  url: string;
  conn?: number;
  startedAt?: number;
  request?: { text?: string; b64?: string };
}
const xhrs = new WeakMap<XMLHttpRequest, XhrInfo>();
const listening = new WeakSet<XMLHttpRequest>();
const XhrProto = XMLHttpRequest.prototype;
const nativeOpen = XhrProto.open as (this: XMLHttpRequest, ...args: unknown[]) => void;
const nativeXhrSend = XhrProto.send;

/** Reports an exchange when it completes (readyState 4 comes for failures and aborts too). */
function onReadyState(this: XMLHttpRequest): void {
  const info = xhrs.get(this);
  if (this.readyState !== 4 || !info || info.conn === undefined) return;
  const type = this.responseType;
  let response: { text?: string; b64?: string } = {};
  if (type === '' || type === 'text') response = { text: this.responseText };
  else if (type === 'arraybuffer' && this.response) response = { b64: toB64(this.response as ArrayBuffer) };
  report({
    k: 'http',
    conn: info.conn,
    via: 'xhr',
    method: info.method,
    url: info.url,
    origin: window.location.origin,
    status: this.status,
    startedAt: info.startedAt ?? now(),
    ...bodyFields(info.request ?? {}, response),
    responseType: type,
    ...(this.status === 0 ? { error: 'request failed or aborted' } : {}),
  });
  info.conn = undefined; // once per send
}

XhrProto.open = function (this: XMLHttpRequest, ...args: unknown[]) {
  const [method, url] = args as [string, string | URL];
  if (isEngineUrl(url)) {
    xhrs.set(this, { method: String(method).toUpperCase(), url: absolute(url) });
    // Added at open(), before engine.io-client sets onreadystatechange: the response is reported
    // (and timed) before the client handles it, so the packets it sends in reply come after it.
    if (!listening.has(this)) {
      listening.add(this);
      this.addEventListener('readystatechange', onReadyState);
    }
  } else xhrs.delete(this);
  return nativeOpen.apply(this, args);
} as typeof XhrProto.open;

XhrProto.send = function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
  const info = xhrs.get(this);
  if (info) {
    info.conn = ++conns;
    info.startedAt = now();
    payload(body ?? undefined, (p) => (info.request = p));
  }
  return nativeXhrSend.call(this, body);
};

function bodyFields(
  req: { text?: string; b64?: string },
  res: { text?: string; b64?: string },
): Pick<Unsent<Capture> & { k: 'http' }, 'requestBody' | 'requestB64' | 'responseBody' | 'responseB64'> {
  return {
    ...(req.text !== undefined ? { requestBody: req.text } : {}),
    ...(req.b64 !== undefined ? { requestBody: req.b64, requestB64: true } : {}),
    ...(res.text !== undefined ? { responseBody: res.text } : {}),
    ...(res.b64 !== undefined ? { responseBody: res.b64, responseB64: true } : {}),
  };
}

/* -------------------------------------------------------------------- fetch */

const nativeFetch = window.fetch;
window.fetch = function (input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const url = input instanceof Request ? input.url : String(input);
  if (!isEngineUrl(url)) return nativeFetch.call(this, input, init);
  const conn = ++conns;
  const startedAt = now();
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  let request: { text?: string; b64?: string } = {};
  payload(init?.body ?? undefined, (p) => (request = p));
  const base = { k: 'http' as const, conn, via: 'fetch' as const, method, url: absolute(url) };
  const origin = window.location.origin;
  const result = nativeFetch.call(this, input, init);
  result.then(
    async (res) => {
      // A clone, so the page's own reading of the body is untouched.
      const binary = /octet-stream/.test(res.headers.get('content-type') ?? '');
      let response: { text?: string; b64?: string } = {};
      let error: string | undefined;
      try {
        const copy = res.clone();
        response = binary ? { b64: toB64(await copy.arrayBuffer()) } : { text: await copy.text() };
      } catch (err) {
        error = `body not read: ${String(err)}`; // aborted mid-body: the page sees the same failure
      }
      report({
        ...base,
        origin,
        status: res.status,
        startedAt,
        ...bodyFields(request, response),
        ...(error ? { error } : {}),
      });
    },
    (err: unknown) =>
      report({ ...base, origin, status: 0, startedAt, ...bodyFields(request, {}), error: String(err) }),
  );
  return result;
};
