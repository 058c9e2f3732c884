/**
 * One WebSocket connection between the client and the target, after the target's 101 went back to
 * the client as it was. It starts piped: bytes go through untouched (same frames, compression and
 * close codes end to end), and a copy of each chunk is parsed for observation. `terminate()` hands
 * each direction over, at its next message boundary, to a parser and a framer of our own, so that
 * messages can be held, dropped, edited and injected:
 *
 *   piped:      client ──bytes──────────────────────────────────────────▶ target   (+ parsed copy)
 *   terminated: client ──frames──▶ Receiver ─▶ hooks ─▶ Sender (masked) ──▶ target
 *
 * Why it can switch mid-connection, compression included: the parser that read the copies has kept
 * the sender's inflate window all along, and a fresh deflater is fine for the receiving peer (its
 * output only refers back to what it sent itself, the most recent part of the peer's window). Each
 * leg keeps its own compression context from then on, so a dropped or edited message never breaks
 * the messages after it. ws's own Receiver and Sender do the framing (masking, fragments, control
 * frames, permessage-deflate with the parameters of the 101): a hand-written copy would be a second,
 * less tested one. Terminated messages are sent whole, compressed when the original was; their
 * fragmentation is not kept.
 *
 * `watch()` is the middle way, for rules that may match nothing on this connection: each direction
 * stays piped, and at the start of each message, before a byte of it goes on, the hooks' `admits`
 * reads its first bytes and says whether it may go by; the first message it refuses switches its
 * direction to terminated right there, so that the message and every later one pass the hooks.
 */
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { extension, PerMessageDeflate, Receiver, Sender } from 'ws';
import type { Direction, PacketEvent } from '../../shared/events.js';
import { eventClock } from '../events/clock.js';
import { FrameBoundary, headerSize, payloadLength } from './frame-boundary.js';

export interface WsMessage {
  data: Buffer;
  isBinary: boolean;
  /** The original was sent compressed (RSV1). */
  compressed: boolean;
}

/** What happens to a message: sent on as it was, not at all, or replaced. */
export type Verdict =
  | { action: 'pass' }
  | { action: 'drop' }
  | {
      action: 'replace';
      data: Buffer | string;
      isBinary: boolean;
      /** Messages sent right after it (the attachments of a binary packet). */
      more?: ReadonlyArray<{ data: Buffer | string; isBinary: boolean }>;
      mark?: PacketMark;
    };

/** What the proxy did to a message it sent, as its packet event says it: told with the message. */
export type PacketMark = Pick<PacketEvent, 'injected' | 'edited' | 'original'>;

/** What the link reports in both modes, for observation. */
export interface LinkObserver {
  /**
   * A message as it was sent on (piped: as it went by), and whether the proxy made or changed it.
   * `arrivedAt` (piped only; eventClock): when the chunk that completed it reached the proxy.
   */
  message(direction: Direction, data: Buffer, isBinary: boolean, mark?: PacketMark, arrivedAt?: number): void;
  /** A close frame from `direction`'s sender (relayed on). */
  close(direction: Direction, code: number): void;
  /** `direction`'s sender sent bytes that do not parse as WebSocket frames. */
  error(direction: Direction, err: Error): void;
  /**
   * A piped message over the observation limit (`limit`, see OBSERVE_LIMIT) went on unread: told
   * once it has gone by (or its leg ended), `bytes` being its data frames' payload lengths.
   */
  unobserved?(direction: Direction, bytes: number, limit: number): void;
}

export interface LinkHooks {
  /**
   * Each message of a terminated direction, in order. A promise holds this message and every later
   * one of its direction until it settles (a breakpoint, a delay): order is kept.
   */
  message(direction: Direction, message: WsMessage): Verdict | Promise<Verdict>;
  /**
   * A watched direction (`WebSocketWire.watch`): whether the message that starts with `start` may go
   * through piped. False terminates the direction before it: it and every later message meet `message`.
   */
  admits?(direction: Direction, start: MessageStart): boolean;
}

/** The start of a message as a watched direction shows it to `admits`: valid during the call only. */
export interface MessageStart {
  /** The first `length` bytes of its payload, unmasked (of its first frame; at most HEAD_BYTES). */
  readonly bytes: Buffer;
  readonly length: number;
  readonly isBinary: boolean;
  /** Sent compressed (RSV1): `bytes` are deflated, unreadable. */
  readonly compressed: boolean;
  /** `bytes` are the whole message. */
  readonly whole: boolean;
}

/** How much of a message's start `admits` sees: the Engine.IO and Socket.IO headers, an event name. */
export const HEAD_BYTES = 256;

const PASS: Verdict = { action: 'pass' };
const INJECTED: PacketMark = { injected: true };
/** The peers enforce their own limits; the link must not impose one of its own. */
const NO_LIMIT = 0;
/**
 * The largest piped message the parser gathers to observe it (16 MiB). A bigger one still goes on as
 * it came, but reading it would cost several times its size (ws joins its chunks, then its text is
 * decoded and kept): the frame scanner stops at the header of the frame that takes it over the limit,
 * the parser is given nothing from there to the message's end, a new one starts at the next message,
 * and the observer is told (`unobserved`). Only in the plain piped state: a compressed stream's later
 * messages need the skipped one's inflate context, a direction taken over (or about to be) must read
 * every message to send it on, and a watched one reads each message's head; they gather them all.
 */
export const OBSERVE_LIMIT = 16 * 1024 * 1024;

/** One direction: the source leg's bytes, read by `receiver`, and the way to the other leg. */
class Lane {
  private receiver: InstanceType<typeof Receiver>;
  /** Piped, uncompressed: the parser skips messages over this (0: none). */
  private readonly observeLimit: number;
  /** A message over the limit is going by: its bytes go on unread up to its end. */
  private skipping = false;
  /**
   * Inside `parse`: bytes already relayed, not all scanned yet. A takeover asked for meanwhile (by a
   * listener of what is read) waits for its end, or it would send on again what went by.
   */
  private parsing = false;
  private readonly boundary = new FrameBoundary();
  private sender: InstanceType<typeof Sender> | undefined;
  private hooks: LinkHooks | undefined;
  private handover: (() => void) | undefined;
  /** Watched: piped, each message start shown to the hooks' `admits` first. */
  private watched = false;
  /**
   * Made when first watched, as `start`: most lanes never are, and every idle session has two
   * (a heap snapshot of 1,000 idle sessions: about 1.2 KB of each one's memory).
   */
  private admitAt: ((chunk: Uint8Array, at: number) => boolean) | undefined;
  private start: { -readonly [K in keyof MessageStart]: MessageStart[K] } | undefined;
  /** Watched: the start of a message whose head is not all here yet, kept until it is. */
  private held: Buffer | undefined;
  private needMore = false;
  /** Messages waiting on a verdict, in arrival order. */
  private readonly waiting: Array<{ message: WsMessage; verdict: Verdict | Promise<Verdict> }> = [];
  private draining = false;
  private readonly masks: boolean;
  private readonly toSocket: boolean;
  /** Units (messages, control frames) the receiver emitted, and how many of them were piped. */
  private emitted = 0;
  /** The receiver met bytes it cannot parse: it reads nothing more (piped bytes still flow). */
  private failed = false;
  private piped = Number.POSITIVE_INFINITY;
  /** The other leg's socket is closed: what this leg still sends is read and discarded. */
  private sinkClosed = false;
  /** When the chunk being read reached the proxy (eventClock): its messages' arrival. */
  private arrivedAt = 0;

  constructor(
    readonly direction: Direction,
    private readonly from: Duplex,
    private readonly to: Duplex,
    /** This source leg's compression state (for inflating what it sends)... */
    private readonly fromDeflate: Record<string, unknown>,
    /** ... and the other leg's (for deflating what it is sent). */
    private readonly toDeflate: Record<string, unknown>,
    private readonly observer: LinkObserver,
    private readonly fail: (direction: Direction, err: Error) => void,
    observeLimit: number,
  ) {
    this.masks = direction === 'c2s';
    this.toSocket = to instanceof Socket;
    this.observeLimit = Object.keys(fromDeflate).length === 0 ? observeLimit : NO_LIMIT;
    this.boundary.limit = this.observeLimit;
    this.receiver = this.parser();
    from.on('data', (chunk: Buffer) => {
      this.arrivedAt = eventClock();
      this.chunk(chunk);
    });
    // A socket taken from a pipe (unpiped) stays paused until told otherwise.
    from.resume();
    // Leg closing: once the other leg is closed, its 'drain' never comes, and a leg paused for it
    // would hold its peer's writes (a 50 MB message the target refused with 1009) until ws's 30 s
    // close timeout. Keep reading and discard, as the target itself does, so the close goes through.
    to.once('close', () => {
      this.sinkClosed = true;
      from.resume();
    });
    // A leg that ends mid-message: what was kept of the message goes on, as a pipe would have sent it
    // (registered before the wire's own 'end', which ends the other leg).
    from.on('end', () => {
      // A skipped message cut short: what went by of it is all there will be.
      if (this.skipping) this.skippedMessageEnded();
      const held = this.held;
      this.held = undefined;
      if (held && !this.sender) this.pipe(held);
    });
  }

  /** A parser for this direction's bytes from a message boundary on (again after a skipped message). */
  private parser(): InstanceType<typeof Receiver> {
    const direction = this.direction;
    const receiver = new Receiver({
      isServer: this.masks,
      binaryType: 'nodebuffer',
      extensions: this.fromDeflate,
      maxPayload: NO_LIMIT,
      // The receiving peer validates UTF-8 itself, as it would without us.
      skipUTF8Validation: true,
      allowSynchronousEvents: true,
    });
    const state = receiver as unknown as { _compressed: boolean };
    receiver.on('message', (data: Buffer, isBinary: boolean) => {
      if (this.ours()) this.arrived({ data, isBinary, compressed: state._compressed });
      else this.observer.message(direction, data, isBinary, undefined, this.arrivedAt);
    });
    receiver.on('ping', (data: Buffer) => {
      if (this.ours()) this.sender!.ping(data, this.masks, noop);
    });
    receiver.on('pong', (data: Buffer) => {
      if (this.ours()) this.sender!.pong(data, this.masks, noop);
    });
    receiver.on('conclude', (code: number, reason: Buffer) => {
      this.observer.close(direction, code);
      if (this.ours()) this.sender!.close(code === 1005 ? undefined : code, reason, this.masks, noop);
    });
    receiver.on('error', (err: Error) => {
      // ws tells a turn late: the parser may have been replaced since (after a skipped message).
      this.failed = true;
      if (this.sender && receiver === this.receiver) this.fail(direction, err);
      else this.observer.error(direction, err); // piped: the peer reads the bad frame and fails itself
    });
    return receiver;
  }

  /**
   * Bytes relayed already: read by the frame scanner, and by the parser up to the header of a frame
   * that takes its message over the observation limit; from there to that message's end, by nobody.
   */
  private parse(bytes: Buffer): void {
    this.parsing = true;
    let rest = bytes;
    while (rest.length > 0) {
      if (this.skipping) {
        const end = this.boundary.scan(rest, true);
        if (end < 0) break;
        this.resumeParsing();
        rest = rest.subarray(end);
        continue;
      }
      const stop = this.boundary.scan(rest);
      const read = stop < 0 ? rest : rest.subarray(0, this.boundary.overStart);
      if (read.length > 0 && !this.failed) this.receiver.write(this.parserCopy(read));
      if (stop < 0) break;
      this.skipping = true;
      rest = rest.subarray(stop);
    }
    this.parsing = false;
    // A takeover asked for meanwhile starts here, if this is a boundary (else at the next one).
    if (this.handover !== undefined && !this.skipping && this.boundary.atBoundary) this.takeOver();
  }

  /**
   * The skipped message ended (a boundary): the observer is told its size, and a new parser starts
   * (the old one may hold its first fragments; ws emits synchronously, so nothing before them).
   */
  private resumeParsing(): void {
    this.skipping = false;
    this.observer.unobserved?.(this.direction, this.boundary.messageBytes, this.observeLimit);
    this.receiver = this.parser();
    // The units the old parser never emitted (the skipped message) are behind us.
    this.emitted = this.boundary.units;
  }

  /** Outside `parse`: the skipped message ended, and a takeover asked for meanwhile happens now. */
  private skippedMessageEnded(): void {
    this.resumeParsing();
    if (this.handover !== undefined) this.takeOver();
  }

  /** No more skipping once a direction is watched or taken over: each message must be read. */
  private readEverything(): void {
    this.boundary.limit = NO_LIMIT;
  }

  get terminated(): boolean {
    return this.sender !== undefined;
  }

  /** Keeps this direction piped while the hooks' `admits` lets each message by (see `WebSocketWire.watch`). */
  watch(hooks: LinkHooks): void {
    if (this.sender || this.handover || !hooks.admits) return;
    this.hooks = hooks;
    this.watched = true;
    this.admitAt ??= (chunk, at) => this.admits(chunk, at);
    this.readEverything();
  }

  /** Takes this direction over at its next message boundary; resolves once it has. */
  terminate(hooks: LinkHooks): Promise<void> {
    this.hooks = hooks;
    if (this.sender) return Promise.resolve();
    this.readEverything();
    return new Promise((resolve) => {
      this.handover = resolve;
      if (this.boundary.atBoundary && !this.parsing) this.takeOver();
    });
  }

  /** Sends a message of the proxy's own; the direction must be terminated. */
  inject(data: Buffer | string, isBinary: boolean): void {
    this.send(data, isBinary, false, INJECTED);
  }

  /** Writes bytes as they are to the other leg, between two messages (a broken frame, on purpose). */
  injectRaw(bytes: Buffer): void {
    if (!this.sender) throw new Error(`the ${this.direction} direction is not terminated`);
    this.to.write(bytes);
  }

  private chunk(chunk: Buffer): void {
    if (this.sinkClosed) return;
    if (this.sender) return void (this.failed || this.receiver.write(chunk));
    if (this.skipping && (this.handover !== undefined || this.watched)) {
      // A skipped message still going by when the direction was watched or asked for: relayed
      // unread to its end, then the rest the usual way (a takeover happens at that boundary).
      const cut = this.boundary.scan(chunk, true);
      this.write(cut < 0 ? chunk : chunk.subarray(0, cut));
      if (cut < 0) return;
      this.skippedMessageEnded();
      if (cut < chunk.length) this.chunk(chunk.subarray(cut));
      return;
    }
    if (this.handover === undefined && !this.watched) {
      // The usual case, nothing to hand over: the bytes go on first, the bookkeeping after.
      this.write(chunk);
      this.parse(chunk);
      return;
    }
    if (this.held) {
      chunk = Buffer.concat([this.held, chunk]);
      this.held = undefined;
    }
    this.needMore = false;
    const cut = this.boundary.scan(
      chunk,
      this.handover !== undefined,
      this.watched ? this.admitAt : undefined,
    );
    const piped = cut < 0 ? chunk : chunk.subarray(0, cut);
    if (piped.length) this.pipe(piped);
    if (cut < 0) return;
    if (this.needMore) return void (this.held = chunk.subarray(cut));
    this.takeOver();
    if (cut < chunk.length) this.receiver.write(chunk.subarray(cut));
  }

  /** Bytes relayed as they came, and a copy for the parser. */
  private pipe(bytes: Buffer): void {
    this.write(bytes);
    if (!this.failed) this.receiver.write(this.parserCopy(bytes));
  }

  /**
   * What the parser may have of bytes just written to the other leg. ws's Receiver unmasks payloads
   * in place, so masked bytes (the client's) that the socket still holds (queued, or handed to libuv
   * for an asynchronous write) are copied first. When a net.Socket's write went to the kernel at once
   * (nothing left in its queue, which only a synchronous write leaves empty), nobody else holds them
   * and the copy is saved (another Duplex may keep what it was written, so it always gets a copy): a 256 KiB message's copy was about a tenth of the binary echo's cost
   * (docs/performance.md, "The round trip and the 256 KiB echo, bisected").
   */
  private parserCopy(bytes: Buffer): Buffer {
    if (!this.masks || (this.toSocket && this.to.writableLength === 0)) return bytes;
    return Buffer.from(bytes);
  }

  /**
   * Watched: may the message whose first frame starts at `chunk[at]` go by piped? Its head is read
   * (unmasked into `start`) and shown to the hooks; when the head is not all in `chunk`, no: the scan
   * stops there and `needMore` keeps the start until more bytes come.
   */
  private admits(chunk: Uint8Array, at: number): boolean {
    const end = chunk.length;
    if (end - at < 2 || end - at < headerSize(chunk[at + 1]!)) return !(this.needMore = true);
    const first = chunk[at]!;
    const opcode = first & 0x0f;
    // A continuation with no message open: the parser fails the stream, once terminated.
    if (opcode !== 0x01 && opcode !== 0x02) return false;
    const length = payloadLength(chunk, at);
    const masked = (chunk[at + 1]! & 0x80) !== 0;
    const payload = at + headerSize(chunk[at + 1]!);
    const n = Math.min(length, HEAD_BYTES);
    if (end - payload < n) return !(this.needMore = true);
    const start = (this.start ??= {
      bytes: Buffer.alloc(HEAD_BYTES),
      length: 0,
      isBinary: false,
      compressed: false,
      whole: false,
    });
    start.length = n;
    start.isBinary = opcode === 0x02;
    start.compressed = (first & 0x40) !== 0;
    start.whole = (first & 0x80) !== 0 && n === length;
    if (!start.compressed) {
      const bytes = start.bytes;
      if (masked) for (let j = 0; j < n; j++) bytes[j] = chunk[payload + j]! ^ chunk[payload - 4 + (j & 3)]!;
      else for (let j = 0; j < n; j++) bytes[j] = chunk[payload + j]!;
    }
    return this.hooks!.admits!(this.direction, start);
  }

  /**
   * Whether the unit the receiver just emitted is for us to send. Inflating is asynchronous, so the
   * last piped messages (and control frames queued behind them) can come out after the handover:
   * those went through the pipe already.
   */
  private ours(): boolean {
    return ++this.emitted > this.piped;
  }

  private takeOver(): void {
    this.piped = this.boundary.units;
    this.sender = new Sender(this.to, this.toDeflate);
    this.watched = false;
    // A message start kept for its head: the parser reads it from here on.
    const held = this.held;
    this.held = undefined;
    if (held && !this.failed) this.receiver.write(held);
    const resolve = this.handover;
    this.handover = undefined;
    resolve?.();
  }

  private arrived(message: WsMessage): void {
    let verdict: Verdict | Promise<Verdict>;
    try {
      verdict = this.hooks!.message(this.direction, message);
    } catch (err) {
      return this.fail(this.direction, err as Error);
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
    this.send(verdict.data, verdict.isBinary, message.compressed, verdict.mark ?? { edited: true });
    for (const m of verdict.more ?? []) this.send(m.data, m.isBinary, message.compressed, verdict.mark);
  }

  private send(data: Buffer | string, isBinary: boolean, compress: boolean, mark?: PacketMark): void {
    if (!this.sender) throw new Error(`the ${this.direction} direction is not terminated`);
    if (this.to.destroyed) return;
    // A compressing Sender needs the leg's deflate state; without one a message goes plain.
    const canCompress = compress && PerMessageDeflate.extensionName in this.toDeflate;
    this.sender.send(data, { binary: isBinary, compress: canCompress, fin: true, mask: this.masks }, noop);
    this.observer.message(
      this.direction,
      typeof data === 'string' ? Buffer.from(data) : data,
      isBinary,
      mark,
    );
    this.backpressure();
  }

  private write(chunk: Buffer): void {
    if (!this.to.write(chunk)) this.backpressure();
  }

  /** As a pipe does: a slow reader slows the sender, nothing piles up here. */
  private backpressure(): void {
    if (!this.to.writableNeedDrain || this.from.isPaused()) return;
    this.from.pause();
    this.to.once('drain', () => this.from.resume());
  }
}

export class WebSocketWire {
  private readonly lanes: Record<Direction, Lane>;
  private ended = false;

  /**
   * `client` and `target`: the two sockets once the 101 went back to the client; `extensions`: the
   * 101's Sec-WebSocket-Extensions, which both legs agreed to (the client's offer went to the target
   * as it came, and the answer back as it was); `head`: bytes either leg sent past the handshake.
   */
  constructor(
    private readonly client: Duplex,
    private readonly target: Duplex,
    extensions: string | undefined,
    observer: LinkObserver,
    head: { client?: Buffer; target?: Buffer } = {},
    /** The largest piped message observed (see OBSERVE_LIMIT); tests set a smaller one. */
    observeLimit = OBSERVE_LIMIT,
  ) {
    const clientLeg = deflateFor(extensions, true);
    const targetLeg = deflateFor(extensions, false);
    const fail = (direction: Direction, err: Error) => {
      observer.error(direction, err);
      this.destroy();
    };
    this.lanes = {
      c2s: new Lane('c2s', client, target, clientLeg, targetLeg, observer, fail, observeLimit),
      s2c: new Lane('s2c', target, client, targetLeg, clientLeg, observer, fail, observeLimit),
    };
    // As the pipe did: a clean end ends the other leg once its last frames are flushed; a leg that
    // vanished with an error is cut on the other side too (the peer sees 1006, as it would directly).
    for (const [from, to] of [
      [client, target],
      [target, client],
    ] as const) {
      from.on('end', () => to.end());
      from.once('close', (hadError: boolean) => (hadError ? to.destroy() : to.end()));
    }
    if (head.client?.length) client.unshift(head.client);
    if (head.target?.length) target.unshift(head.target);
  }

  /** Whether both directions are terminated (hooks see every message). */
  get terminated(): boolean {
    return this.lanes.c2s.terminated && this.lanes.s2c.terminated;
  }

  /** Whether `direction` is terminated (watched directions switch on their own, one at a time). */
  terminatedIn(direction: Direction): boolean {
    return this.lanes[direction].terminated;
  }

  /**
   * Keeps both directions piped while `hooks.admits` lets each message by; the first message it
   * refuses terminates its direction before it goes (as `terminate` would, at that boundary), for
   * good: a compressed stream cannot go back to the pipe once the legs' contexts differ. Costs one
   * look at each message's first bytes; `terminate` later still takes over what is left piped.
   */
  watch(hooks: LinkHooks): void {
    this.lanes.c2s.watch(hooks);
    this.lanes.s2c.watch(hooks);
  }

  /**
   * Routes every later message through `hooks`. Each direction switches at its next message
   * boundary (at once when idle); resolves when both have.
   */
  async terminate(hooks: LinkHooks): Promise<void> {
    await Promise.all([this.lanes.c2s.terminate(hooks), this.lanes.s2c.terminate(hooks)]);
  }

  /** Sends a message of the proxy's own towards the receiver of `direction` (after `terminate`). */
  inject(direction: Direction, data: Buffer | string, isBinary = typeof data !== 'string'): void {
    this.lanes[direction].inject(data, isBinary);
  }

  /** Writes `bytes` as they are towards `direction`'s receiver (after `terminate`). */
  injectRaw(direction: Direction, bytes: Buffer): void {
    this.lanes[direction].injectRaw(bytes);
  }

  /** Stops reading both legs (a network where nothing flows, nothing is closed)... */
  pause(): void {
    this.client.pause();
    this.target.pause();
  }

  /** ... and reads them again. */
  resume(): void {
    this.client.resume();
    this.target.resume();
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
