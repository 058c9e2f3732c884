/**
 * Socket.IO packets the proxy writes itself (an emit, an edited event, a DISCONNECT), encoded for
 * one session's protocol as the WebSocket messages that carry them. socket.io-parser encodes the
 * Socket.IO layer (placeholders and attachments for binary args): its EVENT, ACK and DISCONNECT
 * encodings are the same in the v5 protocol and the v4 one that socket.io@2 speaks. The Engine.IO
 * layer is one byte: `4` before the text, and before each binary attachment for EIO3 only.
 */
import { Encoder, PacketType } from 'socket.io-parser';
import type { EioVersion } from '../../shared/engineio.js';

export interface WsMessageOut {
  data: string | Buffer;
  isBinary: boolean;
}

export interface OutgoingPacket {
  type: 'EVENT' | 'ACK' | 'DISCONNECT';
  nsp: string;
  id?: number;
  /** EVENT: [event, ...args]; ACK: the args. Binary values as Buffers. */
  data?: unknown[];
}

const TYPES = { EVENT: PacketType.EVENT, ACK: PacketType.ACK, DISCONNECT: PacketType.DISCONNECT };
const encoder = new Encoder();

export function encodePacket(eio: EioVersion, packet: OutgoingPacket): WsMessageOut[] {
  const parts = encoder.encode({
    type: TYPES[packet.type],
    nsp: packet.nsp,
    ...(packet.id !== undefined ? { id: packet.id } : {}),
    ...(packet.data !== undefined ? { data: packet.data } : {}),
  });
  return parts.map((part) =>
    typeof part === 'string'
      ? { data: `4${part}`, isBinary: false }
      : { data: eio === 3 ? Buffer.concat([Buffer.of(4), toBuffer(part)]) : toBuffer(part), isBinary: true },
  );
}

/** The stream's representation of binary args, `{ _binary: base64, size }`, back into Buffers. */
export function binaryFromJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(binaryFromJson);
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o._binary === 'string' && typeof o.size === 'number' && Object.keys(o).length <= 3)
      return Buffer.from(o._binary, 'base64');
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, binaryFromJson(v)]));
  }
  return value;
}

function toBuffer(part: unknown): Buffer {
  if (Buffer.isBuffer(part)) return part;
  if (part instanceof ArrayBuffer) return Buffer.from(part);
  const view = part as ArrayBufferView;
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}
