/**
 * The hooks of one terminated link (websocket-wire.ts, polling-wire.ts): every message of the session
 * passes here (over polling, each packet of a body in its WebSocket-frame form), is read as a packet,
 * and meets, in this order, the session's faults (heartbeats withheld, a slow network), the proxy's
 * own pending acks (taken out of the stream), and the rules. A binary packet's attachments share the
 * fate of the packet they belong to.
 */
import { decodeFrame, type EnginePacket } from '../../shared/engineio.js';
import type { Direction, PacketEvent, SioInfo } from '../../shared/events.js';
import { SioDecoder } from '../../shared/protocol/socketio.js';
import { sioInfoOf } from '../../shared/protocol/message-decoder.js';
import type { InterceptedLink } from '../engine/link.js';
import type { PacketHead } from '../../shared/match/index.js';
import type { LinkHooks, MessageStart, Verdict, WsMessage } from '../engine/websocket-wire.js';
import { readMessageHead } from './message-head.js';
import { binaryFromJson, encodePacket } from './packet-codec.js';
import type { Rule } from './rules.js';

const PASS: Verdict = { action: 'pass' };
const DROP: Verdict = { action: 'drop' };
/** The fate of the attachments of a packet that went by piped. */
const PIPED: Promise<Verdict> = Promise.resolve(PASS);

/** What the interceptor asks of the intervention core (intervention.ts). */
export interface InterceptorHost {
  /** The first enabled rule that matches, counted as a hit. */
  hit(packet: PacketEvent): Rule | undefined;
  /** Whether an enabled rule could match a packet of which only `head` is known. */
  couldHit(head: PacketHead): boolean;
  /** A breakpoint: resolves when someone (or the pause timeout) decides. */
  hold(link: InterceptedLink, packet: PacketEvent, rule: Rule): Promise<Decision>;
  /** For an ACK answering the proxy's own emit: the function that settles it; else undefined. */
  ownAck(
    link: InterceptedLink,
    direction: Direction,
    nsp: string,
    id: number,
  ): ((args: unknown[]) => void) | undefined;
  faults(link: InterceptedLink): ReadonlySet<string>;
  /** Milliseconds a slow-network fault adds to a message of `size` bytes. */
  slowness(link: InterceptedLink, size: number): number;
  note(
    link: InterceptedLink,
    action: 'dropped' | 'edited' | 'delayed',
    detail: string,
    ruleId?: string,
  ): void;
}

export type Decision =
  { verdict: 'forward'; event?: string; args?: unknown[]; nsp?: string } | { verdict: 'drop' };

export class WireInterceptor implements LinkHooks {
  /** Attachments still to come of the last binary packet, per direction, and their fate. */
  private readonly attachments: Record<Direction, Attachments> = {
    c2s: { left: 0, fate: Promise.resolve(PASS) },
    s2c: { left: 0, fate: Promise.resolve(PASS) },
  };
  /** An ACK of the proxy's own emit whose binary attachments are still to come. */
  private collecting: { settle: (args: unknown[]) => void; args: unknown } | undefined;
  /** The head `admits` fills in, one per interceptor (it runs once per message start). */
  private readonly head: PacketHead = { transport: 'websocket' };

  constructor(
    private readonly link: InterceptedLink,
    private readonly host: InterceptorHost,
  ) {}

  /**
   * A watched WebSocket (websocket-wire.ts `watch`): the message that starts with `start` goes by
   * piped unless a rule could match it. The attachments of a packet that went by follow it; when
   * the direction is terminated before they are all through, `message` passes the rest.
   */
  admits(direction: Direction, start: MessageStart): boolean {
    const pending = this.attachments[direction];
    if (pending.left > 0 && start.isBinary) {
      pending.left--;
      return true;
    }
    const session = this.link.owner;
    const head = this.head;
    head.direction = direction;
    head.sessionId = session?.sid;
    const attachments = readMessageHead(start, session?.eio, head);
    if (this.host.couldHit(head)) return false;
    if (attachments > 0) this.attachments[direction] = { left: attachments, fate: PIPED };
    return true;
  }

  message(direction: Direction, message: WsMessage): Verdict | Promise<Verdict> {
    const session = this.link.owner;
    if (!session) return PASS; // a WebSocket-only session before its open packet
    const pending = this.attachments[direction];
    if (pending.left > 0 && message.isBinary) {
      pending.left--;
      if (pending.collect) {
        pending.collect.parts.push(
          Buffer.from(decodeFrame(message.data, true, session.eio).data as Uint8Array),
        );
        if (pending.left === 0)
          pending.collect.settle(withAttachments(pending.collect.args, pending.collect.parts));
      }
      return pending.fate;
    }
    let packet: EnginePacket;
    try {
      packet = decodeFrame(message.data, message.isBinary, session.eio);
    } catch {
      return PASS; // the peer judges what it cannot read, as without us
    }
    const verdict = this.decide(direction, message, packet);
    const sio =
      packet.type === 'message' && typeof packet.data === 'string' ? sioHeader(packet.data) : undefined;
    if (sio?.attachments) {
      // Attachments follow their packet: forwarded with it, dropped with it, replaced when it was.
      const collect = this.collecting && { ...this.collecting, parts: [] };
      this.attachments[direction] = {
        left: sio.attachments,
        fate: Promise.resolve(verdict).then((v) => (v.action === 'pass' ? PASS : DROP)),
        ...(collect ? { collect } : {}),
      };
    }
    this.collecting = undefined;
    return verdict;
  }

  private decide(direction: Direction, message: WsMessage, packet: EnginePacket): Verdict | Promise<Verdict> {
    const session = this.link.owner!;
    const faults = this.host.faults(this.link);
    if (faults.size && this.heartbeatWithheld(direction, packet, faults, session.eio)) return DROP;
    const slow = faults.size ? this.host.slowness(this.link, message.data.length) : 0;
    const decided = this.byRules(direction, message, packet);
    if (slow <= 0) return decided;
    return Promise.resolve(decided).then((v) => new Promise((r) => setTimeout(() => r(v), slow)));
  }

  private byRules(
    direction: Direction,
    message: WsMessage,
    packet: EnginePacket,
  ): Verdict | Promise<Verdict> {
    const session = this.link.owner!;
    const text = typeof packet.data === 'string' ? packet.data : undefined;
    const info = packet.type === 'message' && text !== undefined ? sioHeader(text) : undefined;
    if (
      info &&
      (info.packet.type === 'ACK' || info.packet.type === 'BINARY_ACK') &&
      info.packet.id !== undefined
    ) {
      const settle = this.host.ownAck(this.link, direction, info.packet.nsp, info.packet.id);
      if (settle) {
        // Ours: taken out of the stream, with its attachments when it has some.
        if (info.attachments) this.collecting = { settle, args: info.packet.args };
        else settle(Array.isArray(info.packet.args) ? info.packet.args : []);
        return DROP;
      }
    }
    const event: PacketEvent = {
      type: 'packet',
      seq: 0,
      ts: Date.now(),
      sessionId: session.sid,
      direction,
      transport: this.link.transport,
      engine: packet.type,
      size: message.data.length,
      ...(info ? { sio: info.packet } : {}),
      ...(text !== undefined ? { data: text } : {}),
    };
    const rule = this.host.hit(event);
    if (!rule) return PASS;
    const what = describe(event);
    switch (rule.action.kind) {
      case 'drop':
        this.host.note(this.link, 'dropped', `${what} dropped by rule ${rule.id}`, rule.id);
        return DROP;
      case 'delay': {
        const ms = rule.action.ms + Math.random() * (rule.action.jitterMs ?? 0);
        this.host.note(
          this.link,
          'delayed',
          `${what} delayed ${Math.round(ms)} ms by rule ${rule.id}`,
          rule.id,
        );
        return new Promise((r) => setTimeout(() => r(PASS), ms));
      }
      case 'rewrite': {
        if (!info) return PASS;
        const edit = { event: rule.action.event, args: rule.action.args };
        this.host.note(this.link, 'edited', `${what} rewritten by rule ${rule.id}`, rule.id);
        return this.edited(info.packet, edit);
      }
      case 'pause':
        return this.host.hold(this.link, event, rule).then((d) => {
          if (d.verdict === 'drop') return DROP;
          if (d.event === undefined && d.args === undefined && d.nsp === undefined) return PASS;
          return info ? this.edited(info.packet, d) : PASS;
        });
    }
  }

  /** The packet re-encoded with the edit, marked with what it was. */
  private edited(
    sio: SioInfo,
    edit: { event?: string | undefined; args?: unknown[] | undefined; nsp?: string | undefined },
  ): Verdict {
    const session = this.link.owner!;
    const isEvent = sio.type === 'EVENT' || sio.type === 'BINARY_EVENT';
    const isAck = sio.type === 'ACK' || sio.type === 'BINARY_ACK';
    if (!isEvent && !isAck) return PASS;
    const oldArgs = argsOf(sio);
    const args = edit.args !== undefined ? (binaryFromJson(edit.args) as unknown[]) : oldArgs;
    const nsp = edit.nsp ?? sio.nsp;
    const data = isEvent ? [edit.event ?? sio.event, ...args] : args;
    const [first, ...rest] = encodePacket(session.eio, {
      type: isEvent ? 'EVENT' : 'ACK',
      nsp,
      ...(sio.id !== undefined ? { id: sio.id } : {}),
      data,
    });
    return {
      action: 'replace',
      data: first!.data,
      isBinary: first!.isBinary,
      more: rest,
      mark: {
        edited: true,
        original: { nsp: sio.nsp, ...(sio.event ? { event: sio.event } : {}), args: oldArgs },
      },
    };
  }

  /**
   * Heartbeat faults keep the other side's heartbeat alive, so that exactly one side times out (see
   * ../shared/PROTOCOL-NOTES: starving one side starves the other too).
   */
  private heartbeatWithheld(
    direction: Direction,
    packet: EnginePacket,
    faults: ReadonlySet<string>,
    eio: 3 | 4,
  ): boolean {
    if (packet.data === 'probe') return false;
    const serverPings = eio === 4;
    if (faults.has('client-ping-timeout')) {
      // EIO4: the client hears no ping; the server gets its pong from us. EIO3: the client's pings
      // reach the server, its pongs never come back.
      if (serverPings && direction === 's2c' && packet.type === 'ping') {
        this.link.wire?.inject('c2s', PONG);
        return true;
      }
      if (!serverPings && direction === 's2c' && packet.type === 'pong') return true;
    }
    if (faults.has('server-ping-timeout')) {
      // EIO4: the server's pings reach the client, its pongs never reach the server. EIO3: the
      // client's pings never reach the server; the client gets its pong from us.
      if (serverPings && direction === 'c2s' && packet.type === 'pong') return true;
      if (!serverPings && direction === 'c2s' && packet.type === 'ping') {
        this.link.wire?.inject('s2c', PONG);
        return true;
      }
    }
    return false;
  }
}

interface Attachments {
  left: number;
  fate: Promise<Verdict>;
  /** Set when the attachments belong to an ACK of the proxy's own emit. */
  collect?: { settle: (args: unknown[]) => void; args: unknown; parts: Buffer[] };
}

/** socket.io-parser's placeholders (`{ _placeholder: true, num }`) replaced by their attachments. */
function withAttachments(value: unknown, parts: Buffer[]): unknown[] {
  const fill = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(fill);
    if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o._placeholder === true && typeof o.num === 'number') return parts[o.num];
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, fill(x)]));
    }
    return v;
  };
  const filled = fill(value);
  return Array.isArray(filled) ? filled : [];
}

/** A packet's arguments as people write them: an EVENT's without its name (the stream keeps both). */
export function argsOf(sio: SioInfo): unknown[] {
  const all = Array.isArray(sio.args) ? sio.args : [];
  return sio.type === 'EVENT' || sio.type === 'BINARY_EVENT' ? all.slice(1) : all;
}

/** The Engine.IO pong, the same text in EIO3 and EIO4. */
const PONG = '3';

/** A Socket.IO packet's header read from its text (binary args stay placeholders), with its attachment count. */
export function sioHeader(text: string): { packet: SioInfo; attachments: number } | undefined {
  const decoder = new SioDecoder(5);
  const m = /^([56])(\d+)-/.exec(text);
  // A binary packet's header, read as the plain packet it announces (its attachments come later).
  const plain = m ? `${m[1] === '5' ? '2' : '3'}${text.slice(m[0].length)}` : text;
  const result = decoder.add(plain);
  if (result.kind !== 'packet') return undefined;
  const packet = sioInfoOf(result.packet);
  if (m) packet.type = m[1] === '5' ? 'BINARY_EVENT' : 'BINARY_ACK';
  return { packet, attachments: m ? Number(m[2]) : 0 };
}

function describe(e: PacketEvent): string {
  const sio = e.sio;
  if (!sio) return `${e.direction} ${e.engine}`;
  return `${e.direction} ${sio.type}${sio.event ? ` "${sio.event}"` : ''}${sio.nsp !== '/' ? ` ${sio.nsp}` : ''}`;
}
