/**
 * Polling bodies the proxy writes itself, for a polling session it answers for (polling-wire.ts):
 * packets encoded as the session's peers encode them, by their own parsers (engine.io-parser@5 for
 * EIO4: `\x1e`-separated, binary as `b<base64>`; engine.io-parser@2 for EIO3: length-prefixed text,
 * or an XHR2 binary payload when the peer takes binary). Also the WebSocket-frame form of one packet,
 * which is what the interceptor reads and writes on both transports.
 */
import * as eio4 from 'engine.io-parser';
import * as eio3 from 'engine.io-parser-v3';
import {
  decodeFrame,
  ENGINE_PACKET_TYPES,
  type EioVersion,
  type EnginePacket,
} from '../../shared/engineio.js';

export const TEXT_PAYLOAD = 'text/plain; charset=UTF-8';
export const BINARY_PAYLOAD = 'application/octet-stream';

/** `packets` as one polling body; `binary`: the peer takes XHR2 binary payloads (EIO3 without `b64`). */
export function encodePayload(
  eio: EioVersion,
  packets: readonly EnginePacket[],
  binary: boolean,
): { body: Buffer; contentType: string } {
  let out: string | Buffer | undefined;
  const plain = packets.map(forParser);
  // Both parsers call back synchronously for Node Buffers and strings.
  if (eio === 4) eio4.encodePayload(plain as eio4.Packet[], (s) => (out = s));
  else eio3.encodePayload(plain, binary, (s) => (out = s));
  if (out === undefined) throw new Error('engine.io-parser did not encode synchronously');
  return typeof out === 'string'
    ? { body: Buffer.from(out, 'utf8'), contentType: TEXT_PAYLOAD }
    : { body: out, contentType: BINARY_PAYLOAD };
}

/** One packet as the WebSocket frame that would carry it (EIO3 binary: its type byte first). */
export function frameOf(eio: EioVersion, packet: EnginePacket): { data: Buffer; isBinary: boolean } {
  const type = ENGINE_PACKET_TYPES.indexOf(packet.type);
  const data = packet.data;
  if (data instanceof Uint8Array) {
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    return { data: eio === 3 ? Buffer.concat([Buffer.of(type), bytes]) : bytes, isBinary: true };
  }
  return { data: Buffer.from(`${type}${data ?? ''}`, 'utf8'), isBinary: false };
}

/** A WebSocket-frame form back to the packet (for what the interceptor wrote). */
export function packetOf(eio: EioVersion, data: Buffer | string, isBinary: boolean): EnginePacket {
  return decodeFrame(typeof data === 'string' ? Buffer.from(data, 'utf8') : data, isBinary, eio);
}

function forParser(p: EnginePacket): { type: string; data?: string | Buffer } {
  const data = p.data;
  if (data === undefined) return { type: p.type };
  if (typeof data === 'string') return { type: p.type, data };
  return { type: p.type, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) };
}
