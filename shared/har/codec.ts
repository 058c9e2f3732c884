/**
 * Browser-safe Engine.IO decoding for the HAR import: engine.io-parser's own decodePacket/decodePayload
 * for text (the same code in its Node and browser builds when asked for ArrayBuffers), a few lines for
 * the binary framings, whose reference decoders want a Node Buffer in one build and an ArrayBuffer in
 * the other.
 */
import * as eio4 from 'engine.io-parser';
import * as eio3 from 'engine.io-parser-v3';
import { ENGINE_PACKET_TYPES, type EioVersion, type EnginePacketType } from '../engineio.js';
import { unwrapJsonp } from '../jsonp.js';
import type { HarWebSocketMessage } from './types.js';
import { base64ToBytes, latin1ToBytes, utf8Length } from './util.js';

/** One decoded Engine.IO packet of an entry, before it is put in time order. */
export interface RawPacket {
  type: EnginePacketType;
  data?: string | Uint8Array;
  wireSize: number;
}

/** One WebSocket message of a HAR entry: a text frame `<type><data>`, or a binary frame. */
export function decodeWsMessage(m: HarWebSocketMessage, eio: EioVersion): RawPacket {
  const data = typeof m.data === 'string' ? m.data : '';
  if (m.opcode === 2) {
    const bytes = base64ToBytes(data);
    if (eio === 4) return { type: 'message', data: bytes, wireSize: bytes.length };
    if (bytes.length === 0) throw new Error('empty binary frame');
    return { type: engineType(bytes[0]), data: bytes.subarray(1), wireSize: bytes.length };
  }
  return { ...decodeTextPacket(data, eio), wireSize: utf8Length(data) };
}

function decodeTextPacket(text: string, eio: EioVersion): Omit<RawPacket, 'wireSize'> {
  const p: { type: string; data?: unknown } =
    eio === 4 ? eio4.decodePacket(text, 'arraybuffer') : eio3.decodePacket(text, 'arraybuffer');
  return normalise(p.type, p.data);
}

function normalise(type: string, data: unknown): Omit<RawPacket, 'wireSize'> {
  if (!(ENGINE_PACKET_TYPES as readonly string[]).includes(type))
    throw new Error('unknown Engine.IO packet type');
  const t = type as EnginePacketType;
  if (data === undefined) return { type: t };
  if (typeof data === 'string') return { type: t, data };
  if (data instanceof ArrayBuffer) return { type: t, data: new Uint8Array(data) };
  if (ArrayBuffer.isView(data))
    return { type: t, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  throw new Error('undecodable Engine.IO packet data');
}

/** A polling body (text, or latin1 one char a byte when `binary`) as its Engine.IO packets. */
export function decodeBody(body: string, eio: EioVersion, binary: boolean, jsonp: boolean): RawPacket[] {
  if (eio === 4) {
    if (body.length === 0) throw new Error('empty payload');
    return body
      .split('\x1e')
      .map((chunk) => ({ ...decodeTextPacket(chunk, 4), wireSize: utf8Length(chunk) }));
  }
  if (binary) return decodeV3Binary(latin1ToBytes(body));
  const text = jsonp ? unwrapJsonp(body) : body;
  const out: RawPacket[] = [];
  eio3.decodePayload(text, 'arraybuffer', (p) => {
    if (p.type === 'error') throw new Error('malformed EIO3 payload');
    const packet = normalise(p.type, p.data);
    const size =
      typeof packet.data === 'string'
        ? utf8Length(packet.data) + 1
        : packet.data
          ? 2 + Math.ceil(packet.data.length / 3) * 4
          : 1;
    out.push({ ...packet, wireSize: size });
  });
  return out;
}

/** EIO3 XHR2 payload: per packet `<0 text|1 binary><length digits><0xff><packet>`. */
function decodeV3Binary(bytes: Uint8Array): RawPacket[] {
  const out: RawPacket[] = [];
  let i = 0;
  while (i < bytes.length) {
    const isText = bytes[i] === 0;
    if (bytes[i] !== 0 && bytes[i] !== 1) throw new Error('malformed EIO3 binary payload');
    i++;
    let digits = '';
    while (i < bytes.length && bytes[i] !== 0xff) {
      const d = bytes[i] ?? 0;
      if (d > 9 || digits.length > 310) throw new Error('malformed EIO3 binary payload');
      digits += String(d);
      i++;
    }
    if (i >= bytes.length || digits === '') throw new Error('malformed EIO3 binary payload');
    i++;
    const length = Number(digits);
    const packetBytes = bytes.subarray(i, i + length);
    if (packetBytes.length !== length) throw new Error('truncated EIO3 binary payload');
    i += length;
    if (isText) {
      // engine.io-parser@2 writes text packets UTF-8 encoded, one byte a char, and decodes them back.
      let s = '';
      for (const b of packetBytes) s += String.fromCharCode(b);
      const p = eio3.decodePacket(s, 'arraybuffer', true);
      if (p.type === 'error') throw new Error('malformed EIO3 packet');
      out.push({ ...normalise(p.type, p.data), wireSize: length });
    } else {
      if (length === 0) throw new Error('empty binary packet');
      out.push({ type: engineType(packetBytes[0]), data: packetBytes.subarray(1), wireSize: length });
    }
  }
  return out;
}

function engineType(n: number | undefined): EnginePacketType {
  const t = n === undefined ? undefined : ENGINE_PACKET_TYPES[n];
  if (!t) throw new Error('unknown Engine.IO packet type');
  return t;
}
