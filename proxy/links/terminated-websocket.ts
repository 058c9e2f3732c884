/**
 * A WebSocket connection terminated on both legs: each side's frames are parsed into messages and
 * every message is framed anew towards the other side. The zero-copy pipe (websocket-relay.ts)
 * cannot change traffic: dropping, editing or injecting a message there would corrupt the stream,
 * and with permessage-deflate every later message too (each receiver's inflater keeps a 32 KB
 * window across messages). Here each leg keeps its own compression context, so what one leg
 * receives stays consistent whatever the other leg sent:
 *
 *   client ──frames──▶ Receiver(server role) ─▶ hooks ─▶ Sender(client role, masked) ──▶ target
 *   client ◀──────── Sender(server role) ◀─ hooks ◀─ Receiver(client role) ◀──frames── target
 *
 * ws's own Receiver and Sender do the framing (masking, fragments, control frames, compression with
 * the parameters the target's 101 settled): written by hand would be a second, less tested copy.
 * Messages are forwarded whole, compressed when the original was; fragmentation is not kept.
 * Control frames (ping, pong, close) pass through as they come.
 */
import type { Duplex } from 'node:stream';
import { extension, PerMessageDeflate, Receiver, Sender } from 'ws';
import type { Direction } from '../../shared/events.js';

export interface WsMessage {
  data: Buffer;
  isBinary: boolean;
  /** The original was sent compressed (RSV1). */
  compressed: boolean;
}

/** What happens to a message: sent on as it was, not at all, or replaced. */
export type Verdict =
  { action: 'pass' } | { action: 'drop' } | { action: 'replace'; data: Buffer | string; isBinary: boolean };

export interface LinkHooks {
  /**
   * Called for each message, in order per direction. A promise holds this message and every later
   * one of its direction until it settles (a breakpoint, a delay): order is kept.
   */
  message(direction: Direction, message: WsMessage): Verdict | Promise<Verdict>;
  /** A close frame from `direction`'s sender (relayed on). */
  close?(direction: Direction, code: number): void;
  /** A leg sent a frame that cannot be parsed; the link is torn down. */
  error?(direction: Direction, err: Error): void;
}

const PASS: Verdict = { action: 'pass' };
/** The peers enforce their own limits; the link must not impose one of its own. */
const NO_LIMIT = 0;

/** One direction: the Receiver reading the source leg and the Sender writing to the other. */
class Lane {
  readonly receiver: InstanceType<typeof Receiver>;
  readonly sender: InstanceType<typeof Sender>;
  /** Verdicts not yet settled, in arrival order, with their messages. */
  private readonly waiting: Array<{ message: WsMessage; verdict: Verdict | Promise<Verdict> }> = [];
  private draining = false;

  constructor(
    readonly direction: Direction,
    private readonly from: Duplex,
    private readonly to: Duplex,
    fromDeflate: Record<string, unknown>,
    toDeflate: Record<string, unknown>,
    private readonly hooks: LinkHooks,
    private readonly fail: (direction: Direction, err: Error) => void,
  ) {
    const fromClient = direction === 'c2s';
    this.receiver = new Receiver({
      isServer: fromClient,
      binaryType: 'nodebuffer',
      extensions: fromDeflate,
      maxPayload: NO_LIMIT,
      // The receiving peer validates UTF-8 itself, as it would without us.
      skipUTF8Validation: true,
      allowSynchronousEvents: true,
    });
    this.sender = new Sender(to, toDeflate);
    const receiver = this.receiver as unknown as { _compressed: boolean };
    this.receiver.on('message', (data: Buffer, isBinary: boolean) =>
      this.arrived({ data, isBinary, compressed: receiver._compressed }),
    );
    this.receiver.on('ping', (data: Buffer) => this.sender.ping(data, fromClient, noop));
    this.receiver.on('pong', (data: Buffer) => this.sender.pong(data, fromClient, noop));
    this.receiver.on('conclude', (code: number, reason: Buffer) => {
      hooks.close?.(direction, code);
      this.sender.close(code === 1005 ? undefined : code, reason, fromClient, noop);
    });
    this.receiver.on('error', (err: Error) => fail(direction, err));
    from.on('data', (chunk: Buffer) => this.receiver.write(chunk));
  }

  /** Sends a message of the proxy's own (an injection) after what this direction already sent. */
  inject(data: Buffer | string, isBinary: boolean, compress: boolean): void {
    this.send(data, isBinary, compress);
  }

  private arrived(message: WsMessage): void {
    let verdict: Verdict | Promise<Verdict>;
    try {
      verdict = this.hooks.message(this.direction, message);
    } catch (err) {
      this.fail(this.direction, err as Error);
      return;
    }
    // The common case, nothing held before it: decided and sent at once.
    if (this.waiting.length === 0 && !(verdict instanceof Promise)) return this.apply(message, verdict);
    this.waiting.push({ message, verdict });
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.waiting.length) {
        const head = this.waiting[0]!;
        let verdict: Verdict;
        try {
          verdict = await head.verdict;
        } catch {
          verdict = PASS; // a hook that fails must not eat the message
        }
        this.waiting.shift();
        this.apply(head.message, verdict);
      }
    } finally {
      this.draining = false;
    }
  }

  private apply(message: WsMessage, verdict: Verdict): void {
    if (verdict.action === 'drop') return;
    if (verdict.action === 'pass') return this.send(message.data, message.isBinary, message.compressed);
    this.send(verdict.data, verdict.isBinary, message.compressed);
  }

  private send(data: Buffer | string, isBinary: boolean, compress: boolean): void {
    if (this.to.destroyed) return;
    this.sender.send(data, { binary: isBinary, compress, fin: true, mask: this.direction === 'c2s' }, noop);
    // Backpressure as the pipe had it: a slow reader slows the sender, nothing piles up here.
    if (this.to.writableNeedDrain && !this.from.isPaused()) {
      this.from.pause();
      this.to.once('drain', () => this.from.resume());
    }
  }
}

export class TerminatedWebSocketLink {
  private readonly lanes: Record<Direction, Lane>;
  private ended = false;

  /**
   * `client` and `target`: the two sockets after the 101 was relayed to the client. `extensions`:
   * the 101's Sec-WebSocket-Extensions, which both legs agreed to (the client's offer went to the
   * target as it came, and the target's answer back as it was). `head`: bytes of either leg read
   * past the handshake already.
   */
  constructor(
    private readonly client: Duplex,
    private readonly target: Duplex,
    extensions: string | undefined,
    hooks: LinkHooks,
    head: { client?: Buffer; target?: Buffer } = {},
  ) {
    const clientLeg = deflateFor(extensions, true);
    const targetLeg = deflateFor(extensions, false);
    const fail = (direction: Direction, err: Error) => {
      hooks.error?.(direction, err);
      this.destroy();
    };
    this.lanes = {
      c2s: new Lane('c2s', client, target, clientLeg, targetLeg, hooks, fail),
      s2c: new Lane('s2c', target, client, targetLeg, clientLeg, hooks, fail),
    };
    for (const [from, to] of [
      [client, target],
      [target, client],
    ] as const) {
      from.on('end', () => to.end());
      from.on('close', () => this.destroy());
      from.on('error', () => this.destroy());
    }
    if (head.client?.length) this.lanes.c2s.receiver.write(head.client);
    if (head.target?.length) this.lanes.s2c.receiver.write(head.target);
  }

  /** Sends a message of the proxy's own towards `direction`'s receiver. */
  inject(direction: Direction, data: Buffer | string, isBinary = typeof data !== 'string'): void {
    this.lanes[direction].inject(data, isBinary, false);
  }

  /** Ends both legs at once, without close frames (a cut network). */
  destroy(): void {
    if (this.ended) return;
    this.ended = true;
    this.client.destroy();
    this.target.destroy();
  }
}

/**
 * The permessage-deflate state of one leg, for its Receiver (inflating what that leg sends) and its
 * Sender (deflating what it is sent): `clientLeg` plays the server's role towards the client.
 */
function deflateFor(header: string | undefined, clientLeg: boolean): Record<string, unknown> {
  if (!header) return {};
  const offers = extension.parse(header)[PerMessageDeflate.extensionName];
  if (!offers?.length) return {};
  const deflate = new PerMessageDeflate({ isServer: clientLeg, maxPayload: NO_LIMIT });
  deflate.params = deflate.normalizeParams(offers)[0] ?? null;
  return { [PerMessageDeflate.extensionName]: deflate };
}

function noop(): void {}
