/**
 * The Socket.IO reading of one Engine.IO session's messages, shared by the proxy, HAR import and the
 * DevTools capture so that all three read a session the same way: its first message decides whether
 * the session speaks Socket.IO at all (a raw Engine.IO app or a custom parser such as msgpack does
 * not, and is then relayed and shown as raw); after that, a message that does not decode is an error
 * the peer will reject. Browser-safe.
 */
import type { Direction, SioInfo } from '../events.js';
import { SioDecoder, type SioDecodeResult, type SioPacket } from './socketio.js';
import { readWireEvent } from './wire-args.js';

export type MessageReading =
  | { kind: 'sio'; info: SioInfo }
  /** Part of a binary packet: its attachments have not all arrived yet. */
  | { kind: 'pending' }
  | { kind: 'raw' }
  /** Not Socket.IO in a Socket.IO session: the peer will reject it. */
  | { kind: 'invalid'; reason: string };

export class MessageDecoder {
  private mode: 'unknown' | 'socket.io' | 'raw' = 'unknown';
  /**
   * Each direction's decoder, made when a message needs it (a CONNECT, a binary packet, args that are
   * not canonical JSON) and let go once it holds no packet in the making: most messages take the
   * fast path, and two idle decoders were about 1.2 KB of every idle session's memory.
   */
  private readonly decoders: Record<Direction, SioDecoder | undefined> = { c2s: undefined, s2c: undefined };
  /** A message went by unread: binary messages are parts of a packet left out, up to the next text. */
  private readonly orphans: Record<Direction, boolean> = { c2s: false, s2c: false };

  constructor(private readonly protocol: 4 | 5) {}

  /**
   * A message of `direction` went by unread (too big to observe). It may have been a binary packet's
   * header or one of its attachments: a packet waiting for attachments is given up (true), and the
   * binary messages up to the next text one are read as parts of a packet left out, not as errors.
   */
  skip(direction: Direction): boolean {
    this.orphans[direction] = true;
    if (!this.decoders[direction]?.reconstructing) return false;
    this.decoders[direction] = undefined;
    return true;
  }

  read(direction: Direction, data: string | Uint8Array | undefined): MessageReading {
    if (this.mode === 'raw' || data === undefined) return { kind: 'raw' };
    if (this.orphans[direction]) {
      if (typeof data !== 'string') return { kind: 'pending' };
      this.orphans[direction] = false;
    }
    // The common case, an EVENT or ACK with canonical JSON args, without parsing the args (see
    // wire-args.ts); a session's first message, a binary packet's parts and anything else as before.
    if (this.mode === 'socket.io' && typeof data === 'string' && !this.decoders[direction]) {
      const info = readWireEvent(data);
      if (info) return { kind: 'sio', info };
    }
    const decoder = (this.decoders[direction] ??= new SioDecoder(this.protocol));
    const result = decoder.add(data);
    if (!decoder.reconstructing) this.decoders[direction] = undefined;
    if (result.kind === 'invalid') {
      if (this.mode === 'socket.io') return { kind: 'invalid', reason: result.reason };
      this.mode = 'raw';
      return { kind: 'raw' };
    }
    // Every Socket.IO session opens with a CONNECT (or the server's refusal of one); a raw app's
    // first message that merely parses ("1", "2[…]") would otherwise be read as Socket.IO, and its
    // later ones flagged as invalid.
    if (this.mode === 'unknown' && !opensSession(result)) {
      this.mode = 'raw';
      return { kind: 'raw' };
    }
    this.mode = 'socket.io';
    if (result.kind === 'pending') return { kind: 'pending' };
    return { kind: 'sio', info: sioInfoOf(result.packet) };
  }
}

function opensSession(result: SioDecodeResult): boolean {
  return (
    result.kind === 'packet' && (result.packet.type === 'CONNECT' || result.packet.type === 'CONNECT_ERROR')
  );
}

/** A decoded packet as events carry it (`args` is the payload, or the v4 protocol's CONNECT query). */
export function sioInfoOf(p: SioPacket): SioInfo {
  const info: SioInfo = { type: p.type, nsp: p.nsp };
  if (p.id !== undefined) info.id = p.id;
  if (p.event !== undefined) info.event = p.event;
  if (p.data !== undefined) info.args = p.data;
  else if (p.query !== undefined) info.args = p.query;
  if (p.attachments) info.attachments = p.attachments;
  return info;
}
