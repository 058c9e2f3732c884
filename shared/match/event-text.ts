/**
 * The text of a stream event that a `text` matcher searches, as the proxy reads events off its bus
 * (args still as decoded, Buffers and all): the args of a packet, the auth of a connect, the message
 * of an error, the URL of an http event. Capped: a matcher must stay cheap on huge messages.
 */
import type { ProxyEvent } from '../events.js';

const TEXT_LIMIT = 64 * 1024;

export function eventText(e: ProxyEvent, limit = TEXT_LIMIT): string {
  switch (e.type) {
    case 'packet':
      if (e.sio) return e.sio.args === undefined ? '' : jsonPreview(e.sio.args, limit);
      return (e.data ?? '').slice(0, limit);
    case 'connect':
      return e.auth === undefined ? '' : jsonPreview(e.auth, limit);
    case 'connect_error':
      return `${e.message} ${e.data === undefined ? '' : jsonPreview(e.data, limit)}`;
    case 'disconnect':
      return `${e.clientReason} ${e.serverReason} ${e.description}`;
    case 'close':
      return `${e.clientReason} ${e.serverReason} ${e.description ?? ''}`;
    case 'error':
      return `${e.message} ${e.received ?? ''}`.slice(0, limit);
    case 'problem':
      return `${e.kind} ${e.title}`;
    case 'http':
      return e.url;
    case 'session':
      return e.handshake.url;
    case 'room':
      return e.room;
    default:
      return '';
  }
}

/**
 * JSON-like text of a value, cut at `max` characters (with `…`) without serialising the rest: a
 * preview must cost the same for a 10 MB message as for a small one. Binary values (Buffers,
 * Uint8Arrays, the stream's `{ _binary, size }`) show as `<N bytes>`.
 */
export function jsonPreview(value: unknown, max = Infinity): string {
  let out = '';
  let full = false;
  const emit = (s: string) => {
    if (full) return;
    if (out.length + s.length > max) {
      out += s.slice(0, Math.max(0, max - out.length));
      full = true;
    } else out += s;
  };
  const walk = (v: unknown, depth: number): void => {
    if (full) return;
    const size = binarySize(v);
    if (size !== undefined) return emit(`<${size} bytes>`);
    if (typeof v === 'string') return emit(JSON.stringify(v.length > max ? v.slice(0, max) : v));
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return emit('null');
    if (typeof v === 'bigint') return emit(String(v));
    if (v === null || typeof v !== 'object') return emit(JSON.stringify(v));
    if (depth > 32) return emit('…');
    if (Array.isArray(v)) {
      emit('[');
      for (let i = 0; i < v.length && !full; i++) {
        if (i) emit(',');
        walk(v[i], depth + 1);
      }
      return emit(']');
    }
    emit('{');
    let first = true;
    for (const [k, x] of Object.entries(v)) {
      if (full) break;
      if (x === undefined || typeof x === 'function') continue;
      if (!first) emit(',');
      first = false;
      emit(`${JSON.stringify(k)}:`);
      walk(x, depth + 1);
    }
    emit('}');
  };
  walk(value, 0);
  return full ? `${out}…` : out;
}

function binarySize(v: unknown): number | undefined {
  if (v instanceof Uint8Array) return v.byteLength;
  if (v instanceof ArrayBuffer) return v.byteLength;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o._binary === 'string' && typeof o.size === 'number') return o.size;
    if (o.type === 'Buffer' && Array.isArray(o.data) && Object.keys(o).length === 2) return o.data.length;
  }
  return undefined;
}
