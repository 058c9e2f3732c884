/**
 * An EVENT whose name socket.io reserves. `socket.emit` throws for these, so on the wire they come
 * from a custom or broken client or server. socket.io-parser (4.2.3 and later) refuses such a packet
 * as an invalid payload: the decoders then report an `error` (its `received` is the packet) followed
 * by the packet itself, unread, which this detector links. A decoder that accepts the name gives a
 * packet with `sio.event` set, and a listener for the lifecycle event of that name fires.
 */
import type { CloseEvent, ErrorEvent, PacketEvent, ProxyEvent } from '../../events.js';
import type { Detector, DetectorContext, ProblemKind } from '../detector.js';
import { problem, quote } from '../detector.js';
import { RESERVED_EVENTS } from '../../protocol/socketio.js';

/** The event name of an encoded EVENT or BINARY_EVENT: type, attachments, namespace, ack id, `["name"`. */
const ENCODED_EVENT_NAME = /^[25](?:\d+-)?(?:\/[^,]*,)?\d*\[\s*"((?:[^"\\]|\\.)*)"/;

const FIX =
  'socket.io reserves connect, connect_error, disconnect, disconnecting, newListener and removeListener: socket.emit() refuses them, and socket.io-parser 4.2.3 and later refuse such a packet as an invalid payload (the receiving side drops the connection). A custom parser, another client library or a fork sent it anyway; where a peer accepts it, it reaches the listeners meant for the lifecycle event of that name. Rename the event.';

interface Refused {
  name: string;
  error: ErrorEvent;
}

const RESERVED_EVENT: ProblemKind = {
  kind: 'reserved-event',
  severity: 'warning',
  confidence: 'certain',
  fix: FIX,
};

export class ReservedEvent implements Detector {
  /** A refused packet's own event comes next in its session: a packet, or its close. */
  readonly types = ['packet', 'error', 'close'] as const;
  /** Per session, a refused packet whose own `packet` event comes next. */
  private readonly refused = new Map<string, Refused>();

  observe(e: ProxyEvent, ctx: DetectorContext): void {
    if (e.type === 'error') return this.error(e, ctx);
    if (e.type !== 'packet' && e.type !== 'close') return;
    if (this.refused.size > 0) this.settle(e, ctx);
    if (e.type === 'packet') this.packet(e, ctx);
  }

  forget(sid: string): void {
    this.refused.delete(sid);
  }

  private packet(e: PacketEvent, ctx: DetectorContext): void {
    const event = e.sio?.event;
    if (event === undefined || !RESERVED_EVENTS.has(event)) return;
    this.report(ctx, event, e.sessionId, [e.seq], {
      detail: `sent by ${sender(e.direction)}; it reaches listeners meant for the lifecycle event`,
      evidence: `packet #${e.seq} is an EVENT named ${quote(event)}`,
    });
  }

  private error(e: ErrorEvent, ctx: DetectorContext): void {
    if (!e.message.startsWith('invalid Socket.IO packet') || e.received === undefined) return;
    const name = nameOf(e.received);
    if (name === undefined || !RESERVED_EVENTS.has(name)) return;
    // Only a live session's is held (until its packet, its close, or forget): the state stays bounded.
    if (e.sessionId === undefined || !ctx.session(e.sessionId))
      return this.reportRefused(ctx, name, e, undefined);
    this.refused.set(e.sessionId, { name, error: e });
  }

  /** The packet or close after a refused packet's error in its session: the packet is linked. */
  private settle(e: PacketEvent | CloseEvent, ctx: DetectorContext): void {
    const refused = this.refused.get(e.sessionId);
    if (!refused) return;
    this.refused.delete(e.sessionId);
    const received = refused.error.received ?? '';
    const packet = e.type === 'packet' && e.data?.startsWith(received) ? e : undefined;
    this.reportRefused(ctx, refused.name, refused.error, packet);
  }

  private reportRefused(ctx: DetectorContext, name: string, error: ErrorEvent, packet?: PacketEvent): void {
    const receiver = packet ? (packet.direction === 'c2s' ? 'the server' : 'the client') : 'the peer';
    this.report(ctx, name, error.sessionId, packet ? [packet.seq, error.seq] : [error.seq], {
      detail: `sent by ${packet ? sender(packet.direction) : 'a peer'}; ${receiver} refuses it as an invalid payload and drops the connection`,
      evidence: `error #${error.seq}: socket.io-parser refused the EVENT ${quote(name)} as an invalid payload`,
    });
  }

  private report(
    ctx: DetectorContext,
    name: string,
    sessionId: string | undefined,
    seqs: number[],
    words: { detail: string; evidence: string },
  ): void {
    ctx.report(
      problem(RESERVED_EVENT, {
        title: `${quote(name)} is a reserved event name`,
        detail: words.detail,
        sessionId: sessionId,
        seqs,
        evidence: [words.evidence],
      }),
    );
  }
}

const sender = (direction: PacketEvent['direction']) => (direction === 'c2s' ? 'the client' : 'the server');

function nameOf(encoded: string): string | undefined {
  const m = ENCODED_EVENT_NAME.exec(encoded);
  if (!m) return undefined;
  try {
    return JSON.parse(`"${m[1] ?? ''}"`) as string;
  } catch {
    return undefined;
  }
}
