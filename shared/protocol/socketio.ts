/**
 * Socket.IO packet decoding for observation, with socket.io-parser: the codec the official server and
 * client use, so a packet it rejects is one the peer would reject too (and we can say why). It reads
 * both protocol revisions: v5 (over EIO4) and v4 (over EIO3, where `4` is ERROR and a CONNECT carries
 * its auth in the namespace's query).
 */
import { Decoder } from 'socket.io-parser';
import type { EioVersion } from './engine-codec.js';

export const SIO_PACKET_TYPES = [
  'CONNECT',
  'DISCONNECT',
  'EVENT',
  'ACK',
  'CONNECT_ERROR',
  'BINARY_EVENT',
  'BINARY_ACK',
] as const;
export type SioPacketType = (typeof SIO_PACKET_TYPES)[number];

/** Event names socket.io reserves: socket.emit refuses them, socket.io-parser rejects such an EVENT. */
export const RESERVED_EVENTS: ReadonlySet<string> = new Set([
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'newListener',
  'removeListener',
]);

export interface SioPacket {
  type: SioPacketType;
  nsp: string;
  /** The namespace's query string (protocol v4 only: `40/admin?token=x,`). */
  query?: string;
  id?: number;
  /** First argument of an EVENT. */
  event?: string;
  /** The JSON payload with attachments reassembled (Buffers in place of placeholders). */
  data?: unknown;
  attachments?: number[];
}

export type SioDecodeResult =
  | { kind: 'packet'; packet: SioPacket }
  /** A binary event or ack still waiting for attachments. */
  | { kind: 'pending' }
  | { kind: 'invalid'; reason: string };

/** One decoder per session and direction: binary attachments arrive as separate Engine.IO messages. */
export class SioDecoder {
  private decoder!: Decoder;
  private decoded: SioPacket | undefined;
  private attachmentSizes: number[] = [];
  /** A binary packet's attachments are still to come: a text message now is an error. */
  reconstructing = false;

  constructor(readonly protocol: 4 | 5) {
    this.reset();
  }

  /** Binary attachments may be any Uint8Array (a Buffer in Node, bytes from atob in the browser). */
  add(message: string | Uint8Array): SioDecodeResult {
    this.decoded = undefined;
    try {
      if (typeof message !== 'string') this.attachmentSizes.push(message.length);
      this.decoder.add(message);
    } catch (err) {
      this.reset();
      return { kind: 'invalid', reason: (err as Error).message };
    }
    this.reconstructing = !this.decoded;
    if (!this.decoded) return { kind: 'pending' };
    return { kind: 'packet', packet: this.decoded };
  }

  /** A rejected packet may leave the decoder mid-reconstruction: start afresh for the next one. */
  private reset(): void {
    this.decoder?.destroy();
    this.decoder = new Decoder();
    this.attachmentSizes = [];
    this.reconstructing = false;
    this.decoder.on('decoded', (p: { type: number; nsp: string; id?: number; data?: unknown }) => {
      this.decoded = toSioPacket(p, this.attachmentSizes);
      this.attachmentSizes = [];
    });
  }
}

export const sioProtocolFor = (eio: EioVersion): 4 | 5 => (eio === 4 ? 5 : 4);

function toSioPacket(
  p: { type: number; nsp: string; id?: number; data?: unknown },
  attachmentSizes: number[],
): SioPacket {
  // socket.io-parser hands back a reassembled binary packet as a plain EVENT/ACK: restore its type.
  const binary = attachmentSizes.length > 0;
  const decodedType = SIO_PACKET_TYPES[p.type] ?? 'EVENT';
  const type =
    binary && decodedType === 'EVENT'
      ? 'BINARY_EVENT'
      : binary && decodedType === 'ACK'
        ? 'BINARY_ACK'
        : decodedType;
  const [nsp, query] = splitNamespace(p.nsp);
  const out: SioPacket = { type, nsp };
  if (query !== undefined) out.query = query;
  if (p.id !== undefined) out.id = p.id;
  if (p.data !== undefined) out.data = p.data;
  if ((type === 'EVENT' || type === 'BINARY_EVENT') && Array.isArray(p.data)) {
    const first: unknown = p.data[0];
    if (typeof first === 'string' || typeof first === 'number') out.event = String(first);
  }
  if (binary) out.attachments = attachmentSizes;
  return out;
}

function splitNamespace(nsp: string): [string, string | undefined] {
  const q = nsp.indexOf('?');
  return q === -1 ? [nsp, undefined] : [nsp.slice(0, q), nsp.slice(q + 1)];
}
