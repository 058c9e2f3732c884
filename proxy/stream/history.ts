/**
 * The events still held for late observers, the capture download and HAR export: the last `limit`
 * events, as the observers' JSON (already cut to size), so it holds text, not live objects with
 * Buffers and parsed args. Events gather in an open run until the stream seals it into a batch
 * (batch.ts), which the history keeps as it is: the bytes the observers were sent.
 */
import type { ProxyEvent } from '../../shared/events.js';
import { EventBatch } from './batch.js';

interface Held {
  batch: EventBatch;
  /** Its first events, evicted already. */
  skip: number;
}

export class EventHistory {
  private readonly sealed: Held[] = [];
  /** Events in `sealed`, not counting the evicted ones. */
  private sealedCount = 0;
  private open: string[] = [];
  private openChars = 0;
  private openLastSeq = 0;

  constructor(readonly limit: number) {}

  /** Adds `json` (the event as serialised for observers) to the open run. */
  push(json: string, seq: number): void {
    this.open.push(json);
    this.openChars += json.length;
    this.openLastSeq = seq;
    this.evict();
  }

  /** Events in the open run... */
  get pending(): number {
    return this.open.length;
  }

  /** ... and their characters. */
  get pendingChars(): number {
    return this.openChars;
  }

  /** Turns the open run into a batch, keeps it, and returns it (undefined when nothing is open). */
  seal(): EventBatch | undefined {
    if (this.open.length === 0) return undefined;
    const batch = new EventBatch(this.open, this.openLastSeq);
    this.open = [];
    this.openChars = 0;
    if (this.limit > 0) {
      this.sealed.push({ batch, skip: 0 });
      this.sealedCount += batch.count;
      this.evict();
    }
    return batch;
  }

  get size(): number {
    return Math.min(Math.max(0, this.limit), this.sealedCount + this.open.length);
  }

  /** Oldest first. */
  *json(): IterableIterator<string> {
    // The open run may hold more than `limit` events on its own (a small --history): skip those too.
    let excess = this.sealedCount + this.open.length - this.size;
    for (const { batch, skip } of this.sealed) {
      const from = skip + excess;
      excess = Math.max(0, from - batch.count);
      if (from < batch.count) yield* batch.json(from);
    }
    for (let i = excess; i < this.open.length; i++) yield this.open[i]!;
  }

  events(): ProxyEvent[] {
    return [...this.json()].map((j) => JSON.parse(j) as ProxyEvent);
  }

  private evict(): void {
    let excess = this.sealedCount + this.open.length - Math.max(0, this.limit);
    while (excess > 0 && this.sealed.length > 0) {
      const oldest = this.sealed[0]!;
      const n = Math.min(excess, oldest.batch.count - oldest.skip);
      oldest.skip += n;
      this.sealedCount -= n;
      excess -= n;
      if (oldest.skip === oldest.batch.count) this.sealed.shift();
    }
  }
}
