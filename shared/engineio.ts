/**
 * Engine.IO codecs for observation. The relay forwards the wire bytes untouched; these functions only
 * turn a copy of them into packets, so a decode error can never alter what the peers exchange.
 *
 * EIO4 uses engine.io-parser@5 and EIO3 engine.io-parser@2 (aliased as engine.io-parser-v3): the
 * reference codecs of each protocol revision, so we read the wire exactly as the peers do.
 */
import * as eio4 from 'engine.io-parser';
import * as eio3 from 'engine.io-parser-v3';
import { JsonpError, unwrapJsonp } from './jsonp.js';

export type EioVersion = 3 | 4;

export const ENGINE_PACKET_TYPES = ['open', 'close', 'ping', 'pong', 'message', 'upgrade', 'noop'] as const;
export type EnginePacketType = (typeof ENGINE_PACKET_TYPES)[number];

export interface EnginePacket {
  type: EnginePacketType;
  /** Text payload, or raw bytes of a binary message. */
  data?: string | Buffer;
  /** Bytes this packet took on the wire, as the peer encoded it (for binary over polling: base64). */
  wireSize: number;
  /** The proxy changed this packet before relaying it (see proxy/engine/handshake.ts). */
  modified?: boolean;
}

export class EngineDecodeError extends Error {
  constructor(
    message: string,
    readonly sample: string,
  ) {
    super(message);
  }
}

/** How a polling body is framed, from the request's query and content-type. */
export interface PayloadFraming {
  eio: EioVersion;
  /** `application/octet-stream` bodies: EIO3 XHR2 binary payloads. */
  binary: boolean;
  /** JSONP polling (`j=` in the query, EIO3 only). */
  jsonp: boolean;
}

function isEngineType(t: unknown): t is EnginePacketType {
  return typeof t === 'string' && (ENGINE_PACKET_TYPES as readonly string[]).includes(t);
}

function toBuffer(data: unknown): Buffer | undefined {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

function normalise(type: unknown, data: unknown, wireSize: number, sample: string): EnginePacket {
  if (!isEngineType(type)) throw new EngineDecodeError('unknown Engine.IO packet type', sample);
  if (data === undefined) return { type, wireSize };
  if (typeof data === 'string') return { type, data, wireSize };
  const bytes = toBuffer(data);
  if (!bytes) throw new EngineDecodeError('undecodable Engine.IO packet data', sample);
  return { type, data: bytes, wireSize };
}

const sampleOf = (raw: string | Buffer) =>
  (typeof raw === 'string' ? raw : raw.toString('latin1')).slice(0, 200);

/** One WebSocket frame is one packet; in EIO4 a binary frame is a message's raw bytes. */
export function decodeFrame(raw: Buffer, isBinary: boolean, eio: EioVersion): EnginePacket {
  const sample = isBinary ? `<${raw.length} bytes>` : sampleOf(raw);
  if (isBinary) {
    if (eio === 4) return { type: 'message', data: raw, wireSize: raw.length };
    if (raw.length === 0) throw new EngineDecodeError('empty binary frame', sample);
    const p = eio3.decodePacket(raw);
    return normalise(p.type, p.data, raw.length, sample);
  }
  const text = raw.toString('utf8');
  if (eio === 4) {
    const p = eio4.decodePacket(text);
    return normalise(p.type, p.data, raw.length, sample);
  }
  const p = eio3.decodePacket(text);
  return normalise(p.type, p.data, raw.length, sample);
}

/** Decodes one polling request or response body into its packets. */
export function decodePayload(body: Buffer, framing: PayloadFraming): EnginePacket[] {
  if (framing.eio === 4) return decodeV4Payload(body.toString('utf8'));
  if (framing.binary) return decodeV3Binary(body);
  const text = framing.jsonp ? unwrapJsonpBody(body.toString('utf8')) : body.toString('utf8');
  return decodeV3Text(text);
}

function decodeV4Payload(text: string): EnginePacket[] {
  if (text.length === 0) throw new EngineDecodeError('empty payload', '');
  return text.split('\x1e').map((chunk) => {
    const p = eio4.decodePacket(chunk, 'nodebuffer');
    return normalise(p.type, p.data, Buffer.byteLength(chunk), sampleOf(chunk));
  });
}

/**
 * engine.io-parser@2 hands back packets without their encoded form, so the wire size is rebuilt:
 * text is `<type><data>`; binary is `b<type><base64>` in a text payload, `<type><bytes>` in XHR2.
 */
function v3WireSize(p: eio3.V3Packet, base64Binary: boolean): number {
  if (typeof p.data === 'string') return Buffer.byteLength(p.data) + 1;
  if (!p.data) return 1;
  return base64Binary ? 2 + Math.ceil(p.data.length / 3) * 4 : p.data.length + 1;
}

function collectV3(
  run: (each: (p: eio3.V3Packet) => void) => void,
  sample: string,
  base64Binary: boolean,
): EnginePacket[] {
  const out: EnginePacket[] = [];
  run((p) => {
    // engine.io-parser@2 reports a broken payload as a single packet of type 'error'.
    if (p.type === 'error') throw new EngineDecodeError('malformed EIO3 payload', sample);
    out.push(normalise(p.type, p.data, v3WireSize(p, base64Binary), sample));
  });
  return out;
}

function decodeV3Text(text: string): EnginePacket[] {
  return collectV3((each) => eio3.decodePayload(text, undefined, each), sampleOf(text), true);
}

function decodeV3Binary(body: Buffer): EnginePacket[] {
  return collectV3((each) => eio3.decodePayloadAsBinary(body, undefined, each), sampleOf(body), false);
}

/** The JSONP body's payload; a body of neither JSONP form is a decode error with its sample. */
function unwrapJsonpBody(text: string): string {
  try {
    return unwrapJsonp(text);
  } catch (err) {
    if (err instanceof JsonpError) throw new EngineDecodeError(err.message, sampleOf(text));
    throw err;
  }
}

/** The open packet's JSON, as the server sent it. */
export interface OpenHandshake {
  sid: string;
  upgrades: string[];
  pingInterval: number;
  pingTimeout: number;
  maxPayload?: number;
}

export function parseOpen(data: string | Buffer | undefined): OpenHandshake | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    const o = JSON.parse(data) as Partial<OpenHandshake>;
    if (typeof o.sid !== 'string') return undefined;
    return {
      sid: o.sid,
      upgrades: Array.isArray(o.upgrades) ? o.upgrades.filter((u) => typeof u === 'string') : [],
      pingInterval: Number(o.pingInterval),
      pingTimeout: Number(o.pingTimeout),
      ...(o.maxPayload !== undefined ? { maxPayload: Number(o.maxPayload) } : {}),
    };
  } catch {
    return undefined;
  }
}
