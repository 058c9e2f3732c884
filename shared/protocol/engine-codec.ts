/**
 * The Engine.IO codecs: one per protocol revision, chosen once per session (`engineCodec(eio)`), used
 * by the proxy on the wire's bytes and by the extension and HAR import on captured text alike.
 * Observation only: they read a copy of what the peers exchange and never change it.
 *
 * engine.io-parser@5 (EIO4) and engine.io-parser@2 (EIO3, aliased engine.io-parser-v3) decode the
 * packets, so we read the wire as the peers do. Their binary results come back in the runtime's native
 * form (a Buffer in Node, an ArrayBuffer in a browser), both handed on as Uint8Array. Hand-written
 * code only where no reference decoder is browser-safe: the EIO3 binary framings (see below).
 */
import * as eio4 from 'engine.io-parser';
import * as eio3 from 'engine.io-parser-v3';
import { JsonpError, unwrapJsonp } from '../jsonp.js';
import { latin1Sample, latin1ToBytes, utf8Length, utf8Text } from './bytes.js';

export type EioVersion = 3 | 4;

export const ENGINE_PACKET_TYPES = ['open', 'close', 'ping', 'pong', 'message', 'upgrade', 'noop'] as const;
export type EnginePacketType = (typeof ENGINE_PACKET_TYPES)[number];

export interface EnginePacket {
  type: EnginePacketType;
  /** Text payload, or raw bytes of a binary message (a view of a Buffer input: a Buffer). */
  data?: string | Uint8Array;
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
export interface BodyFraming {
  /** `application/octet-stream` bodies: EIO3 XHR2 binary payloads. */
  binary: boolean;
  /** JSONP polling (`j=` in the query, EIO3 only). */
  jsonp: boolean;
}

export interface PayloadFraming extends BodyFraming {
  eio: EioVersion;
}

/**
 * One protocol revision's reading of WebSocket frames and polling bodies. Input is the wire's bytes
 * (the proxy) or text (captures, HAR: a text frame as its string, a binary body one char a byte).
 */
export interface EngineCodec {
  readonly eio: EioVersion;
  decodeFrame(frame: Uint8Array | string, isBinary: boolean): EnginePacket;
  decodePayload(body: Uint8Array | string, framing: BodyFraming): EnginePacket[];
}

const SAMPLE = 200;
const sampleOf = (raw: Uint8Array | string) =>
  typeof raw === 'string' ? raw.slice(0, SAMPLE) : latin1Sample(raw, SAMPLE);
const textOf = (raw: Uint8Array | string) => (typeof raw === 'string' ? raw : utf8Text(raw));
const sizeOf = (raw: Uint8Array | string) => (typeof raw === 'string' ? utf8Length(raw) : raw.length);

/** What the error samples: the input itself, read only when decoding fails (this runs per packet). */
type Input = Uint8Array | string;

function engineType(n: number | undefined, input: Input): EnginePacketType {
  const t = n === undefined ? undefined : ENGINE_PACKET_TYPES[n];
  if (!t) throw new EngineDecodeError('unknown Engine.IO packet type', sampleOf(input));
  return t;
}

function normalise(type: unknown, data: unknown, wireSize: number, input: Input): EnginePacket {
  if (typeof type !== 'string' || !(ENGINE_PACKET_TYPES as readonly string[]).includes(type))
    throw new EngineDecodeError('unknown Engine.IO packet type', sampleOf(input));
  const t = type as EnginePacketType;
  if (data === undefined) return { type: t, wireSize };
  if (typeof data === 'string' || data instanceof Uint8Array) return { type: t, data, wireSize };
  if (data instanceof ArrayBuffer) return { type: t, data: new Uint8Array(data), wireSize };
  throw new EngineDecodeError('undecodable Engine.IO packet data', sampleOf(input));
}

/* ------------------------------------------------------------------------------------------ EIO4 */

const EIO4: EngineCodec = {
  eio: 4,
  decodeFrame(frame, isBinary) {
    // A binary frame is a message's raw bytes, no type byte.
    if (isBinary) {
      const data = typeof frame === 'string' ? latin1ToBytes(frame) : frame;
      return { type: 'message', data, wireSize: data.length };
    }
    const p = eio4.decodePacket(textOf(frame));
    return normalise(p.type, p.data, sizeOf(frame), frame);
  },
  decodePayload(body) {
    if (body.length === 0) throw new EngineDecodeError('empty payload', '');
    return typeof body === 'string' ? v4TextPayload(body) : v4BytePayload(body);
  },
};

function v4Packet(chunk: string, wireSize: number): EnginePacket {
  const p = eio4.decodePacket(chunk);
  return normalise(p.type, p.data, wireSize, chunk);
}

function v4TextPayload(text: string): EnginePacket[] {
  return text.split('\x1e').map((chunk) => v4Packet(chunk, utf8Length(chunk)));
}

/**
 * One UTF-8 decoding of the whole body, split as text; the sizes come from the separators' byte
 * offsets (0x1e never occurs inside a multi-byte UTF-8 sequence, so both splits agree).
 */
function v4BytePayload(body: Uint8Array): EnginePacket[] {
  const chunks = utf8Text(body).split('\x1e');
  const out: EnginePacket[] = new Array<EnginePacket>(chunks.length);
  let start = 0;
  for (let i = 0; i < chunks.length; i++) {
    const end = i === chunks.length - 1 ? body.length : body.indexOf(0x1e, start);
    out[i] = v4Packet(chunks[i] ?? '', end - start);
    start = end + 1;
  }
  return out;
}

/* ------------------------------------------------------------------------------------------ EIO3 */

const EIO3: EngineCodec = {
  eio: 3,
  decodeFrame(frame, isBinary) {
    if (isBinary) {
      const bytes = typeof frame === 'string' ? latin1ToBytes(frame) : frame;
      // A binary frame's sample is its size: its bytes are no text.
      if (ENGINE_PACKET_TYPES[bytes[0] ?? -1] === undefined) {
        const what = bytes.length ? 'unknown Engine.IO packet type' : 'empty binary frame';
        throw new EngineDecodeError(what, `<${bytes.length} bytes>`);
      }
      return v3BinaryPacket(bytes, frame);
    }
    const p = eio3.decodePacket(textOf(frame));
    return normalise(p.type, p.data, sizeOf(frame), frame);
  },
  decodePayload(body, framing) {
    if (framing.binary) return v3XhrPayload(typeof body === 'string' ? latin1ToBytes(body) : body);
    const raw = textOf(body);
    // One character a byte (all ASCII, as most bodies are): no counting needed. Not for JSONP, whose
    // string escapes (`\u00e9`) may turn ASCII into other characters.
    const ascii = typeof body !== 'string' && !framing.jsonp && raw.length === body.length;
    return v3TextPayload(framing.jsonp ? unwrapJsonpBody(raw) : raw, ascii);
  },
};

/**
 * A binary packet `<type byte><bytes>` (WebSocket frames, XHR2 payloads). engine.io-parser@2 reads it
 * from a Buffer in its Node build and an ArrayBuffer in its browser build: the few lines are ours.
 */
function v3BinaryPacket(bytes: Uint8Array, input: Input): EnginePacket {
  return { type: engineType(bytes[0], input), data: bytes.subarray(1), wireSize: bytes.length };
}

/**
 * `<length in characters>:<packet>` repeated. engine.io-parser@2 hands back packets without their
 * encoded form, so the wire size is rebuilt: `<type><data>`, or `b<type><base64>` for binary.
 */
function v3TextPayload(text: string, ascii: boolean): EnginePacket[] {
  const out: EnginePacket[] = [];
  eio3.decodePayload(text, undefined, (p) => {
    // engine.io-parser@2 reports a broken payload as a single packet of type 'error'.
    if (p.type === 'error') throw new EngineDecodeError('malformed EIO3 payload', sampleOf(text));
    const data = p.data as unknown;
    const size =
      typeof data === 'string'
        ? (ascii ? data.length : utf8Length(data)) + 1
        : data instanceof ArrayBuffer || data instanceof Uint8Array
          ? 2 + Math.ceil(data.byteLength / 3) * 4
          : 1;
    out.push(normalise(p.type, data, size, text));
  });
  return out;
}

/**
 * EIO3 XHR2 payload: per packet `<0 text | 1 binary><length as one byte a digit><0xff><packet>`.
 * engine.io-parser@2's decodePayloadAsBinary wants a Node Buffer in one build and an ArrayBuffer in the
 * other, and accepts truncated bodies: this reading is ours, checked against its encoder in the tests.
 */
function v3XhrPayload(bytes: Uint8Array): EnginePacket[] {
  const malformed = (what = 'malformed EIO3 binary payload') => new EngineDecodeError(what, sampleOf(bytes));
  const out: EnginePacket[] = [];
  let i = 0;
  while (i < bytes.length) {
    const kind = bytes[i];
    if (kind !== 0 && kind !== 1) throw malformed();
    i++;
    let length = 0;
    let digits = 0;
    while (i < bytes.length && bytes[i] !== 0xff) {
      const d = bytes[i] ?? 0;
      if (d > 9 || ++digits > 310) throw malformed();
      length = length * 10 + d;
      i++;
    }
    if (i >= bytes.length || digits === 0) throw malformed();
    i++;
    const packet = bytes.subarray(i, i + length);
    if (packet.length !== length) throw malformed('truncated EIO3 binary payload');
    i += length;
    if (kind === 1) {
      if (length === 0) throw malformed('empty binary packet');
      out.push(v3BinaryPacket(packet, bytes));
      continue;
    }
    // engine.io-parser@2 writes text packets UTF-8 encoded, one byte a char, and decodes them back.
    const p = eio3.decodePacket(latin1Sample(packet, packet.length), undefined, true);
    if (p.type === 'error') throw malformed('malformed EIO3 packet');
    out.push(normalise(p.type, p.data, length, bytes));
  }
  return out;
}

/** The JSONP body's payload; a body of neither JSONP form is a decode error with its sample. */
function unwrapJsonpBody(text: string): string {
  try {
    return unwrapJsonp(text);
  } catch (err) {
    if (err instanceof JsonpError) throw new EngineDecodeError(err.message, text.slice(0, SAMPLE));
    throw err;
  }
}

/* ---------------------------------------------------------------------------------------- common */

const CODECS: Record<EioVersion, EngineCodec> = { 3: EIO3, 4: EIO4 };

/** The codec of a protocol revision: pick it once, when the session's `EIO=` is known. */
export function engineCodec(eio: EioVersion): EngineCodec {
  return CODECS[eio];
}

/** The `EIO=` query value as a revision we read (an absent or unknown one: undefined). */
export function eioOf(value: string | null | undefined): EioVersion | undefined {
  return value === '3' ? 3 : value === '4' ? 4 : undefined;
}

/** The open packet's JSON, as the server sent it. */
export interface OpenHandshake {
  sid: string;
  upgrades: string[];
  pingInterval: number;
  pingTimeout: number;
  maxPayload?: number;
}

export function parseOpen(data: string | Uint8Array | undefined): OpenHandshake | undefined {
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
