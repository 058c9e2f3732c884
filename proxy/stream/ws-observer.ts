/**
 * One WebSocket observer of the event stream. It first gets the history (in chunks, each sent once
 * the previous one left), then live events, batched: every message is a JSON array of events in seq
 * order, flushed every `flushMs` or as soon as `batchEvents` wait. Events reach it on the relay's
 * path, so all it does there is push a string; sending happens on a timer.
 *
 * Backpressure: a batch is only sent while the socket's own unsent bytes are under `maxBuffered`;
 * until then events wait in a queue, so a burst (one poll can carry thousands of packets) is absorbed
 * by a reader that keeps up. A reader that stays behind fills the queue, and from then on loses
 * events rather than growing memory or slowing the relay and the other observers. Once it has caught
 * up (queue sent, buffer under `resumeBuffered`) it first gets a `dropped` event with the count and
 * the seq of the last event it missed, then live events again.
 */
import type WebSocket from 'ws';
import type { EventStream } from './event-stream.js';
import { droppedJson } from './serialize.js';

export interface ObserverLimits {
  /** Flush live events at least this often... */
  flushMs: number;
  /** ... or as soon as this many wait; also the most events in one message. */
  batchEvents: number;
  /** Events waiting to be sent (during the history replay, or while the socket is full)... */
  maxQueue: number;
  /** ... and their characters: past either, events are dropped. */
  maxQueueChars: number;
  /** The socket's own unsent bytes above which batches wait... */
  maxBuffered: number;
  /** ... and the level it must drain to, after a drop, before the `dropped` event and live events. */
  resumeBuffered: number;
  /** Characters per history chunk. */
  chunkChars: number;
}

export const DEFAULT_LIMITS: ObserverLimits = {
  flushMs: 20,
  batchEvents: 500,
  maxQueue: 20_000,
  maxQueueChars: 16 * 1024 * 1024,
  maxBuffered: 4 * 1024 * 1024,
  resumeBuffered: 1024 * 1024,
  chunkChars: 512 * 1024,
};

export class WsObserver {
  private queue: string[] = [];
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
    stream: EventStream,
    private readonly limits: ObserverLimits = DEFAULT_LIMITS,
  ) {
    const { history, unsubscribe } = stream.subscribeWithHistory((json, seq) => this.push(json, seq));
    this.unsubscribe = unsubscribe;
    ws.on('close', () => this.close());
    ws.on('error', () => this.close());
    void this.replay(history);
  }

  /** On the relay's path: O(1), no I/O. */
  private push(json: string, seq: number): void {
    if (
      this.dropped > 0 || // stay dropped until caught up, so that the missed events are one run
      this.queue.length >= this.limits.maxQueue ||
      this.queuedChars >= this.limits.maxQueueChars
    ) {
      this.dropped++;
      this.lastDroppedSeq = seq;
      return this.schedule(); // keep looking for the moment it has caught up
    }
    this.queue.push(json);
    this.queuedChars += json.length;
    if (this.replaying) return;
    if (this.queue.length >= this.limits.batchEvents) this.immediate ??= setImmediate(() => this.flush());
    else this.schedule();
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
      const batch = this.queue.splice(0, this.limits.batchEvents);
      for (const json of batch) this.queuedChars -= json.length;
      this.send(batch);
    }
    if (this.queue.length === 0 && this.dropped > 0 && this.ws.bufferedAmount <= this.limits.resumeBuffered) {
      const reason = `observer too slow: more than ${this.limits.maxQueue} events or ${this.limits.maxQueueChars} characters waiting`;
      this.send([droppedJson(this.dropped, reason, this.lastDroppedSeq)]);
      this.dropped = 0;
    }
    if (this.queue.length > 0 || this.dropped > 0) this.schedule();
  }

  private send(events: string[], done?: (err?: Error) => void): void {
    if (this.ws.readyState !== this.ws.OPEN) return done?.(new Error('closed'));
    this.ws.send(`[${events.join(',')}]`, done);
  }

  /** The history in chunks of about `chunkChars`, each sent once the previous one was written out. */
  private async replay(history: string[]): Promise<void> {
    let start = 0;
    while (start < history.length && !this.closed) {
      let end = start;
      let chars = 0;
      while (end < history.length && (end === start || chars < this.limits.chunkChars)) {
        chars += history[end]!.length + 1;
        end++;
      }
      const chunk = history.slice(start, end);
      const ok = await new Promise<boolean>((resolve) => this.send(chunk, (err) => resolve(!err)));
      if (!ok) return this.close();
      start = end;
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
    this.queuedChars = 0;
  }
}
