/**
 * What the first bytes of a WebSocket message say of its packet, for the rules' prefilter
 * (shared/match/packet-prefilter.ts): the Engine.IO type, and for a Socket.IO packet its type,
 * attachment count, namespace and event name, read as socket.io-parser reads them. Only what is
 * certain is filled in: anything unusual (escapes in the name, a header longer than the head, a
 * compressed message) is left unknown, and an unknown field never rules a rule out.
 */
import { ENGINE_PACKET_TYPES, type EioVersion } from '../../shared/engineio.js';
import type { PacketHead, SioHead } from '../../shared/match/index.js';
import { utf8Text } from '../../shared/protocol/bytes.js';
import { SIO_PACKET_TYPES } from '../../shared/socketio.js';
import type { MessageStart } from '../engine/websocket-wire.js';

const DIGIT_0 = 0x30;
const COMMA = 0x2c;
const DASH = 0x2d;
const SLASH = 0x2f;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const BRACKET = 0x5b;
const PROBE = [0x70, 0x72, 0x6f, 0x62, 0x65]; // "probe"

const isDigit = (b: number | undefined) => b !== undefined && b >= DIGIT_0 && b <= DIGIT_0 + 9;

/**
 * Fills `out`'s packet fields (engine, heartbeat, sio) from `start`; `eio` undefined: a session not
 * known yet. Returns the attachment count of a binary packet's header (0 otherwise).
 */
export function readMessageHead(start: MessageStart, eio: EioVersion | undefined, out: PacketHead): number {
  out.engine = undefined;
  out.heartbeat = undefined;
  out.sio = undefined;
  if (start.compressed) return 0;
  const b = start.bytes;
  const n = start.length;
  if (start.isBinary) {
    // EIO4: a binary frame is a message's raw bytes. EIO3: a type byte, then the bytes.
    const type = eio === 4 ? 'message' : eio === 3 && n > 0 ? ENGINE_PACKET_TYPES[b[0]!] : undefined;
    if (type === undefined) return 0;
    out.engine = type;
    out.heartbeat = type === 'ping' || type === 'pong';
    out.sio = null;
    return 0;
  }
  const type = n > 0 ? ENGINE_PACKET_TYPES[b[0]! - DIGIT_0] : undefined;
  if (type === undefined) return 0;
  out.engine = type;
  if (type === 'ping' || type === 'pong') {
    if (start.whole) out.heartbeat = !(n === 6 && PROBE.every((c, i) => b[i + 1] === c));
    out.sio = null;
    return 0;
  }
  out.heartbeat = false;
  // Only a message with data (`4` alone has none) carries a Socket.IO packet.
  if (type === 'message' && !(n === 1 && start.whole)) return readSioHead(b, n, start.whole, out);
  out.sio = null;
  return 0;
}

/** The Socket.IO header after the Engine.IO type at b[0] (socket.io-parser's `decodeString`). */
function readSioHead(b: Buffer, n: number, whole: boolean, out: PacketHead): number {
  // `b` is a scratch buffer: bytes from `n` on belong to an earlier message, never read.
  if (n < 2) return 0;
  let i = 1;
  const type = isDigit(b[i]) ? SIO_PACKET_TYPES[b[i]! - DIGIT_0] : undefined;
  if (type === undefined) return 0;
  let attachments = 0;
  if (type === 'BINARY_EVENT' || type === 'BINARY_ACK') {
    let j = i + 1;
    while (j < n && j - i <= 9 && isDigit(b[j])) attachments = attachments * 10 + b[j++]! - DIGIT_0;
    if (j === i + 1 || j >= n || b[j] !== DASH) return 0;
    i = j;
  }
  if (i + 1 >= n && !whole) return 0; // a namespace may follow, past the head
  let nsp = '/';
  if (i + 1 < n && b[i + 1] === SLASH) {
    let j = i + 1;
    while (j < n && b[j] !== COMMA) j++;
    if (j >= n && !whole) return 0;
    nsp = text(b, i + 1, j);
    const q = nsp.indexOf('?');
    if (q !== -1) nsp = nsp.slice(0, q);
    i = j;
  }
  const sio: SioHead = { type, nsp, event: null };
  if (type === 'EVENT' || type === 'BINARY_EVENT') sio.event = eventName(b, n, i + 1);
  out.sio = sio;
  return attachments;
}

/** The name at `["name"` after an ack id from `at`; undefined when not plainly there (escapes, cut). */
function eventName(b: Buffer, n: number, at: number): string | undefined {
  let j = at;
  while (j < n && isDigit(b[j])) j++;
  if (j + 1 >= n || b[j] !== BRACKET || b[j + 1] !== QUOTE) return undefined;
  let k = j + 2;
  while (k < n && b[k] !== QUOTE && b[k] !== BACKSLASH) k++;
  return k < n && b[k] === QUOTE ? text(b, j + 2, k) : undefined;
}

function text(b: Buffer, from: number, to: number): string {
  for (let i = from; i < to; i++) if (b[i]! >= 0x80) return utf8Text(b.subarray(from, to));
  return b.toString('latin1', from, to);
}
