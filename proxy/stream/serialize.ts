/**
 * An event as observers read it: serialised once, on the relay's path, into the JSON that the history,
 * every WebSocket observer, captures and recordings share. Payloads (Socket.IO args, Engine.IO data,
 * HTTP bodies) are cut to `limit` characters so that one big message cannot make every observer,
 * and the history, hold megabytes; the full values go into a side store (see payload-store.ts).
 *
 * Cost matters here: JSON.stringify without a replacer stays on V8's fast path, so the replacer that
 * turns Buffers into `{ _binary, size }` only runs for binary Socket.IO packets, the only place where
 * the decoder puts Buffers. Args are serialised once and spliced in as text, never twice.
 */
import type { ErrorEvent, HttpEvent, PacketEvent, ProxyEvent } from '../../shared/events.js';
import { searchesArgs } from '../../shared/match/text.js';
import { argsJsonOf } from '../../shared/protocol/wire-args.js';
import { eventClock } from '../events/clock.js';
import { rawBytesOf } from '../events/raw-bytes.js';
import { withBinaryAsJson } from './binary-json.js';
import { jsonPrefix } from './json-prefix.js';
import type { FullPayload } from './payload-store.js';

/** About 4 KB of JSON per payload field. */
export const DEFAULT_LIMIT = 4096;
/**
 * Packets larger than this (bytes on the wire) get their args preview written only as far as it
 * shows; smaller ones keep V8's native JSON.stringify, faster on small values.
 */
const BIG_PACKET = 64 * 1024;

export interface Serialized {
  /** The event as observers get it (cut). */
  json: string;
  /** When something was cut: the full payload fields, built on demand, for GET /api/packets/<seq>. */
  full?: FullPayload;
}

export function serializeEvent(event: ProxyEvent, limit = DEFAULT_LIMIT): Serialized {
  switch (event.type) {
    case 'packet':
      return serializePacket(event, limit);
    case 'http':
      return serializeHttp(event, limit);
    case 'error':
      return serializeError(event, limit);
    default:
      return { json: JSON.stringify(event) };
  }
}

/**
 * Written out by hand rather than `JSON.stringify` of the event: this runs for every packet, and
 * stringifying a copy of the event without `sio`/`data`, then splicing the other fields in, made
 * several intermediate strings and objects per packet (serialisation and the garbage it left were
 * the largest cost in profiles). The text is what JSON.stringify gave for the events Session builds:
 * the same fields in the same order (test/unit/stream-serialize.test.ts compares the two).
 */
function serializePacket(event: PacketEvent, limit: number): Serialized {
  const { sio, data } = event;
  // `binary` is a lazy getter over the raw bytes (proxy/events/raw-bytes.ts): read the bytes, and
  // encode only the preview here.
  const raw = rawBytesOf(event);
  const binary = raw ? undefined : event.binary;
  let truncated = false;
  let json =
    `{"type":"packet","sessionId":${JSON.stringify(event.sessionId)},"direction":"${event.direction}"` +
    `,"transport":"${event.transport}","engine":"${event.engine}","size":${num(event.size)}`;
  if (event.raw !== undefined) json += `,"raw":${event.raw}`;
  if (event.modified !== undefined) json += `,"modified":${event.modified}`;
  // Packets the proxy made or changed (issue #11): rare, so written the plain way.
  if (event.injected !== undefined) json += `,"injected":${event.injected}`;
  if (event.edited !== undefined) json += `,"edited":${event.edited}`;
  if (event.original !== undefined) json += `,"original":${JSON.stringify(withBinaryAsJson(event.original))}`;
  if (event.importedFrom !== undefined) json += `,"importedFrom":${JSON.stringify(event.importedFrom)}`;
  json += `,"seq":${num(event.seq)},"ts":${num(event.ts)}`;
  if (data !== undefined) {
    truncated ||= data.length > limit;
    json += `,"data":${JSON.stringify(cut(data, limit))}`;
  }
  if (raw) {
    const preview = base64Preview(raw, limit);
    truncated ||= preview.cut;
    json += `,"binary":${JSON.stringify(preview.text)}`;
  } else if (binary !== undefined) {
    truncated ||= binary.length > limit;
    json += `,"binary":${JSON.stringify(cut(binary, limit))}`;
  }
  if (sio) {
    json += `,"sio":{"type":"${sio.type}","nsp":${JSON.stringify(sio.nsp)}`;
    if (sio.id !== undefined) json += `,"id":${num(sio.id)}`;
    if (sio.event !== undefined) json += `,"event":${JSON.stringify(sio.event)}`;
    if (sio.attachments !== undefined) json += `,"attachments":${JSON.stringify(sio.attachments)}`;
    // Args still as the wire text (canonical JSON, see shared/protocol/wire-args.ts) are that text.
    const wire = argsJsonOf(sio);
    if (wire !== undefined) {
      const cutArgs = wire.length > limit;
      truncated ||= cutArgs;
      json += `,"args":${cutArgs ? JSON.stringify(cut(wire, limit)) : wire}`;
    } else if (sio.args !== undefined) {
      const preview = argsPreview(sio.args, !!sio.attachments, limit, event.size > BIG_PACKET);
      truncated ||= preview.cut;
      json += `,"args":${preview.json}`;
    }
    json += '}';
  }
  if (!truncated) return { json: `${json}}` };
  const attachmentBytes = sio?.attachments?.reduce((n, a) => n + a, 0) ?? 0;
  const argsJson = () =>
    (sio && argsJsonOf(sio)) ?? JSON.stringify(sio?.attachments ? withBinaryAsJson(sio.args) : sio?.args);
  return {
    json: `${json},"truncated":true}`,
    full: {
      size: (data?.length ?? 0) + Math.ceil(((raw?.length ?? 0) + attachmentBytes) * 1.34) + limit,
      json: () => {
        let full = JSON.stringify({ seq: event.seq, type: 'packet', sessionId: event.sessionId });
        if (sio?.args !== undefined) full = appendField(full, 'args', argsJson());
        if (data !== undefined) full = appendField(full, 'data', JSON.stringify(data));
        const wholeBinary = raw ? raw.toString('base64') : binary;
        if (wholeBinary !== undefined) full = appendField(full, 'binary', JSON.stringify(wholeBinary));
        return full;
      },
      packet: {
        event: sio?.event,
        text: () => (searchesArgs({ data, binary: raw ?? binary, sio }) ? argsJson() : (data ?? '')),
      },
    },
  };
}

/** A number as JSON writes it (`null` for NaN and the infinities). */
function num(n: number): string {
  return Number.isFinite(n) ? `${n}` : 'null';
}

/** At most `limit` characters of base64, cut on a 3-byte boundary so the preview still decodes. */
function base64Preview(bytes: Buffer, limit: number): { text: string; cut: boolean } {
  const keep = Math.floor(limit / 4) * 3;
  if (bytes.length <= keep) return { text: bytes.toString('base64'), cut: false };
  return { text: `${bytes.subarray(0, keep).toString('base64')}…`, cut: true };
}

/**
 * Args as observers get them: whole when their JSON fits, else a cut string. Attachments longer than
 * the preview are encoded only in part (`{ _binary, size, truncated }`), so a big attachment is never
 * encoded whole on the relay's path.
 */
function argsPreview(
  args: unknown,
  hasAttachments: boolean,
  limit: number,
  big: boolean,
): { json: string; cut: boolean } {
  let cutBinary = false;
  const value = hasAttachments
    ? withBinaryAsJson(args, Math.floor(limit / 4) * 3, () => (cutBinary = true))
    : args;
  if (big) {
    // Only the preview's worth of JSON is written: not megabytes to keep 4 KB of them.
    const prefix = jsonPrefix(value, limit);
    return prefix.cut
      ? { json: JSON.stringify(cut(prefix.text, limit)), cut: true }
      : { json: prefix.text, cut: cutBinary };
  }
  const json = JSON.stringify(value);
  if (json.length > limit) return { json: JSON.stringify(cut(json, limit)), cut: true };
  return { json, cut: cutBinary };
}

function serializeHttp(event: HttpEvent, limit: number): Serialized {
  const { requestBody, responseBody } = event;
  const long = (s: string | undefined) => s !== undefined && s.length > limit;
  if (!long(requestBody) && !long(responseBody)) return { json: JSON.stringify(event) };
  const json = JSON.stringify({
    ...event,
    ...(requestBody !== undefined ? { requestBody: cut(requestBody, limit) } : {}),
    ...(responseBody !== undefined ? { responseBody: cut(responseBody, limit) } : {}),
    truncated: true,
  });
  const full = () =>
    JSON.stringify({
      seq: event.seq,
      type: 'http',
      ...(event.sessionId !== undefined ? { sessionId: event.sessionId } : {}),
      requestBody,
      responseBody,
    });
  return { json, full: { size: (requestBody?.length ?? 0) + (responseBody?.length ?? 0), json: full } };
}

function serializeError(event: ErrorEvent, limit: number): Serialized {
  const { received } = event;
  if (received === undefined || received.length <= limit) return { json: JSON.stringify(event) };
  const json = JSON.stringify({ ...event, received: cut(received, limit), truncated: true });
  const full = () =>
    JSON.stringify({
      seq: event.seq,
      type: 'error',
      ...(event.sessionId !== undefined ? { sessionId: event.sessionId } : {}),
      received,
    });
  return { json, full: { size: received.length, json: full } };
}

/** The preview of a cut value ends in `…`, so that a reader sees at once that it is not all there. */
function cut(s: string, limit: number): string {
  return s.length > limit ? `${s.slice(0, limit)}…` : s;
}

/** `{"a":1}` plus `b`, `2` is `{"a":1,"b":2}`: adds an already serialised value without re-encoding it. */
function appendField(objectJson: string, key: string, valueJson: string): string {
  return objectJson.length === 2
    ? `{"${key}":${valueJson}}`
    : `${objectJson.slice(0, -1)},"${key}":${valueJson}}`;
}

/** The line an observer gets in place of the events it missed (see DroppedEvent). */
export function droppedJson(count: number, reason: string, lastMissedSeq: number): string {
  return JSON.stringify({ type: 'dropped', count, reason, seq: lastMissedSeq, ts: eventClock() });
}
