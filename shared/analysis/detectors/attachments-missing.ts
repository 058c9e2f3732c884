/**
 * Binary attachments announced and not sent: a BINARY_EVENT or BINARY_ACK header (`51-…`, `61-…`:
 * the count before the dash) must be followed, in its direction, by that many binary messages before
 * any other message. A text message first, or the session's close, leaves the packet incomplete: the
 * receiver's socket.io-parser throws ("got plaintext data when reconstructing a packet") and the
 * server drops the connection, or the packet never reaches a handler.
 *
 * Per packet: a message that is neither a header nor part of a packet in progress costs a character
 * test (and a map lookup while some session has a packet in progress). State: at most one packet in
 * progress per session and direction, dropped when it completes, is reported, or the session ends.
 */
import type { CloseEvent, Direction, PacketEvent, ProxyEvent } from '../../events.js';
import type { Detector, DetectorContext, ProblemKind } from '../detector.js';
import { problem, quote } from '../detector.js';

const FIX =
  'A binary packet is sent as a text header announcing N attachments (51-["upload",{"_placeholder":true,"num":0}]) followed by exactly N binary messages, before anything else in that direction. Here the header came and the attachments did not: the receiver\'s socket.io-parser fails on the next text message ("got plaintext data when reconstructing a packet") and the server closes the connection, or the event never reaches its handler. socket.io\'s own encoder always sends both: this comes from a custom parser or client that writes the header itself (or a Buffer replaced by a placeholder by hand), or a packet written in pieces with socket.io.engine.send / socket.conn.write. Emit the Buffer, ArrayBuffer or Blob with socket.emit(\'upload\', buffer) and let the encoder place it; a custom encoder must return [header, ...buffers] and write them in order.';

/** `51-` / `61-`, optionally a namespace and an ack id, then the JSON array whose first item is the name. */
const HEADER = /^([56])(\d+)-(?:(\/[^,]*),)?(\d*)(?:\["((?:[^"\\]|\\.)*)")?/;

interface InProgress {
  seq: number;
  /** `BINARY_EVENT` or `BINARY_ACK`. */
  what: string;
  event?: string;
  nsp: string;
  expected: number;
  got: number;
}

const ATTACHMENTS_MISSING: ProblemKind = {
  kind: 'attachments-missing',
  severity: 'error',
  confidence: 'certain',
  fix: FIX,
};

export class AttachmentsMissing implements Detector {
  readonly types = ['packet', 'close'] as const;
  /** Per direction, the sessions whose binary packet is waiting for attachments. */
  private readonly open: Record<Direction, Map<string, InProgress>> = { c2s: new Map(), s2c: new Map() };

  observe(e: ProxyEvent, ctx: DetectorContext): void {
    if (e.type === 'packet') {
      // Nearly every packet: decoded, with no binary packet in progress anywhere.
      if (e.sio !== undefined && this.open.c2s.size === 0 && this.open.s2c.size === 0) return;
      this.packet(e, ctx);
    } else if (e.type === 'close') this.closed(e, ctx);
  }

  private packet(e: PacketEvent, ctx: DetectorContext): void {
    if (e.engine !== 'message') return;
    const waiting = this.open[e.direction];
    // The text message that breaks a packet in progress is marked raw (it did not decode), so only
    // a header must be neither raw nor decoded.
    const header = !e.sio && !e.raw && typeof e.data === 'string' && isHeaderStart(e.data.charCodeAt(0));
    if (waiting.size === 0 && !header) return;
    const current = waiting.get(e.sessionId);
    if (current) {
      if ('binary' in e) {
        if (++current.got >= current.expected) waiting.delete(e.sessionId);
        return;
      }
      waiting.delete(e.sessionId);
      this.report(e.sessionId, e.direction, current, e, ctx);
    }
    if (header) this.started(e, waiting);
  }

  forget(sid: string): void {
    this.open.c2s.delete(sid);
    this.open.s2c.delete(sid);
  }

  private started(e: PacketEvent, waiting: Map<string, InProgress>): void {
    const m = HEADER.exec(e.data ?? '');
    const expected = Number(m?.[2] ?? 0);
    if (!m || expected === 0) return;
    const p: InProgress = {
      seq: e.seq,
      what: m[1] === '5' ? 'BINARY_EVENT' : 'BINARY_ACK',
      nsp: m[3] ?? '/',
      expected,
      got: 0,
    };
    if (m[1] === '5' && m[5] !== undefined) p.event = m[5];
    waiting.set(e.sessionId, p);
  }

  private closed(e: CloseEvent, ctx: DetectorContext): void {
    for (const direction of ['c2s', 's2c'] as const) {
      const current = this.open[direction].get(e.sessionId);
      if (!current) continue;
      this.open[direction].delete(e.sessionId);
      this.report(e.sessionId, direction, current, e, ctx);
    }
  }

  private report(
    sid: string,
    direction: Direction,
    p: InProgress,
    next: PacketEvent | CloseEvent,
    ctx: DetectorContext,
  ): void {
    if (!ctx.session(sid)) return;
    const sender = direction === 'c2s' ? 'the client' : 'the server';
    const name = p.event !== undefined ? `${quote(p.event)} ` : '';
    const before = next.type === 'close' ? 'the close' : `the next packet (#${next.seq})`;
    const plural = p.expected === 1 ? '' : 's';
    ctx.report(
      problem(ATTACHMENTS_MISSING, {
        title: `${name}${p.what} from ${sender} announced ${p.expected} attachment${plural}, ${p.got} sent before ${next.type === 'close' ? 'the close' : 'the next packet'}`,
        detail: `the ${direction === 'c2s' ? 'server' : 'client'} cannot rebuild the packet${p.nsp === '/' ? '' : ` on ${p.nsp}`}`,
        sessionId: sid,
        seqs: [p.seq, next.seq],
        evidence: [
          `packet #${p.seq} is a ${p.what} header announcing ${p.expected} binary attachment${plural}`,
          `${p.got} binary message${p.got === 1 ? '' : 's'} followed in that direction before ${before}`,
        ],
      }),
    );
  }
}

/** `5` or `6`: the first character of a BINARY_EVENT or BINARY_ACK header. */
const isHeaderStart = (c: number): boolean => c === 53 || c === 54;
