/**
 * One WebSocket observer of the event stream. It first gets the history (the held batches, a slice
 * at a time, each slice sent once the previous one left), then live events: the stream's batches (batch.ts), each a JSON array of
 * events in seq order, sent as they are, the same bytes to every observer. Batches reach it on the
 * relay's path, so all it does there is queue one; sending happens on the next turn of the loop.
 *
 * Backpressure: a batch is only sent while the socket's own unsent bytes are under `maxBuffered`;
 * until then batches wait in a queue, so a burst (one poll can carry thousands of packets) is
 * absorbed by a reader that keeps up. A reader that stays behind fills the queue, and from then on
 * loses events (whole batches) rather than growing memory or slowing the relay and the other
 * observers. Once it has caught up (queue sent, buffer under `resumeBuffered`) it first gets a
 * `dropped` event with the count and the seq of the last event it missed, then live events again.
 */
import type WebSocket from 'ws';
import type { EventBatch } from './batch.js';
import type { EventStream } from './event-stream.js';
import type { Held } from './history.js';
import { droppedJson } from './serialize.js';
import { REPLAY_BYTES_PER_TURN, TurnBudget } from './turn-budget.js';

export interface ObserverLimits {
  /** While batches wait (socket full, or caught up after a drop), look again this often. */
  flushMs: number;
  /** Events waiting to be sent (during the history replay, or while the socket is full)... */
  maxQueue: number;
  /** ... and their bytes (characters, for ASCII): past either, events are dropped. */
  maxQueueChars: number;
  /** The socket's own unsent bytes above which batches wait... */
  maxBuffered: number;
  /** ... and the level it must drain to, after a drop, before the `dropped` event and live events. */
  resumeBuffered: number;
  /** Characters of history sent before waiting for the socket to write them out. */
  chunkChars: number;
}

export const DEFAULT_LIMITS: ObserverLimits = {
  flushMs: 20,
  maxQueue: 20_000,
  maxQueueChars: 16 * 1024 * 1024,
  maxBuffered: 4 * 1024 * 1024,
  resumeBuffered: 1024 * 1024,
  // Small: every observer replaying sends this much per turn of the loop, and 20 of them at 512 KB
  // each held an ack for several ms.
  chunkChars: 64 * 1024,
};

export class WsObserver {
  private queue: EventBatch[] = [];
  private queuedEvents = 0;
  private queuedChars = 0;
  private replaying = true;
  private dropped = 0;
  private lastDroppedSeq = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private readonly unsubscribe: () => void;
  private closed = false;

  constructor(
    private readonly ws: WebSocket,
    stream: Pick<EventStream, 'subscribeWithHistory'>,
    private readonly limits: ObserverLimits = DEFAULT_LIMITS,
    /** Shared by every reader of the history (turn-budget.ts). */
    private readonly budget = new TurnBudget(REPLAY_BYTES_PER_TURN),
  ) {
    const { held, release, unsubscribe } = stream.subscribeWithHistory((batch) => this.push(batch));
    this.unsubscribe = unsubscribe;
    ws.on('close', () => this.close());
    ws.on('error', () => this.close());
    void this.replay(held).finally(release);
  }

  /** What waits for this observer now (bounded by the limits), and what it is missing. */
  get backlog(): { events: number; chars: number; dropped: number } {
    return { events: this.queuedEvents, chars: this.queuedChars, dropped: this.dropped };
  }

  /** On the relay's path: O(1), no I/O. */
  private push(batch: EventBatch): void {
    if (
      this.dropped > 0 || // stay dropped until caught up, so that the missed events are one run
      this.queuedEvents >= this.limits.maxQueue ||
      this.queuedChars >= this.limits.maxQueueChars
    ) {
      this.dropped += batch.count;
      this.lastDroppedSeq = batch.lastSeq;
      return this.schedule(); // keep looking for the moment it has caught up
    }
    this.queue.push(batch);
    this.queuedEvents += batch.count;
    this.queuedChars += batch.bytes.length;
    if (this.replaying || this.closed) return;
    this.immediate ??= setImmediate(() => this.flush());
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => this.flush(), this.limits.flushMs);
    this.timer.unref();
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
    if (this.closed || this.replaying) return;
    // Events queued before a drop began still go first, then the marker, then live events.
    while (this.queue.length > 0 && this.ws.bufferedAmount <= this.limits.maxBuffered) {
      const batch = this.queue.shift()!;
      this.queuedEvents -= batch.count;
      this.queuedChars -= batch.bytes.length;
      this.send(batch.bytes);
    }
    if (this.queue.length === 0 && this.dropped > 0 && this.ws.bufferedAmount <= this.limits.resumeBuffered) {
      const reason = `observer too slow: more than ${this.limits.maxQueue} events or ${this.limits.maxQueueChars} characters waiting`;
      this.send(`[${droppedJson(this.dropped, reason, this.lastDroppedSeq)}]`);
      this.dropped = 0;
    }
    if (this.queue.length > 0 || this.dropped > 0) this.schedule();
  }

  /** One message: a JSON array of events, as text (a batch's bytes are UTF-8 text too). */
  private send(message: Buffer | string, done?: (err?: Error) => void): void {
    if (this.ws.readyState !== this.ws.OPEN) return done?.(new Error('closed'));
    this.ws.send(message, { binary: false }, done);
  }

  /**
   * The history, one held batch a message (a copy of its bytes: the history's memory is reused once
   * the replay releases it, while the socket may still hold what it was given), within the budget
   * all readers of the history share per turn of the loop; after about `chunkChars` it waits for the
   * socket to write them out, so a replay neither fills memory nor holds the relay.
   */
  private async replay(history: Held[]): Promise<void> {
    let sent = 0;
    for (const message of messages(history, this.limits.chunkChars)) {
      await this.budget.take(message.length);
      if (this.closed) return;
      sent += message.length;
      if (sent < this.limits.chunkChars) {
        this.send(message);
        continue;
      }
      sent = 0;
      const ok = await new Promise<boolean>((resolve) => this.send(message, (err) => resolve(!err)));
      if (!ok) return this.close();
    }
    this.replaying = false;
    this.flush();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.queue = [];
    this.queuedEvents = 0;
    this.queuedChars = 0;
  }
}

/** The held batches as messages: each as it is, or, when larger than `chunkChars`, in parts. */
function* messages(history: Held[], chunkChars: number): Generator<Buffer | string> {
  for (const { batch, skip } of history) {
    if (batch.bytes.length <= chunkChars) {
      const message = batch.message(skip);
      yield typeof message === 'string' ? message : Buffer.from(message);
      continue;
    }
    const json = batch.json(skip);
    for (let start = 0, end = 0; start < json.length; start = end) {
      let chars = 0;
      while (end < json.length && (end === start || chars < chunkChars)) chars += json[end++]!.length + 1;
      yield `[${json.slice(start, end).join(',')}]`;
    }
  }
}
