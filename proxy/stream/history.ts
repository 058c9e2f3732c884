/**
 * The events still held for late observers, the capture download and HAR export: the last `limit`
 * events, and at most `maxBytes` of their JSON (whole batches are evicted for that), as the observers'
 * JSON (already cut to size), so it holds text, not live objects with Buffers and parsed args. Events gather in an open run until the stream seals it into a batch
 * (batch.ts), which the history keeps as it is: the bytes the observers were sent.
 */
import type { ProxyEvent } from '../../shared/events.js';
import { EventBatch } from './batch.js';

/** A batch still held, in part: its events from `skip` on. */
export interface Held {
  readonly batch: EventBatch;
  /** Its first events, evicted already. */
  readonly skip: number;
}

/** 128 MB of event JSON: about 100 000 events of 1.3 KB. */
export const DEFAULT_HISTORY_BYTES = 128 * 1024 * 1024;

export class EventHistory {
  private readonly sealed: Array<{ batch: EventBatch; skip: number }> = [];
  /** Events in `sealed`, not counting the evicted ones... */
  private sealedCount = 0;
  /** ... and the bytes of their batches (a batch's evicted part too, until all of it goes). */
  private sealedBytes = 0;
  private open: string[] = [];
  private openChars = 0;
  private openLastSeq = 0;

  constructor(
    readonly limit: number,
    readonly maxBytes = DEFAULT_HISTORY_BYTES,
  ) {}

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
      this.sealedBytes += batch.bytes.length;
      this.evict();
    }
    return batch;
  }

  /** The bytes of JSON held (sealed batches). */
  get bytes(): number {
    return this.sealedBytes;
  }

  /**
   * The sealed batches held now, oldest first: a snapshot that costs no copy (batches are immutable),
   * for replays and downloads that read it a slice at a time. The open run is not in it: seal first.
   */
  held(): Held[] {
    let excess = this.sealedCount + this.open.length - this.size;
    const out: Held[] = [];
    for (const { batch, skip } of this.sealed) {
      const from = skip + excess;
      excess = Math.max(0, from - batch.count);
      if (from < batch.count) out.push({ batch, skip: from });
    }
    return out;
  }

  get size(): number {
    return Math.min(Math.max(0, this.limit), this.sealedCount + this.open.length);
  }

  /** Oldest first. */
  *json(): IterableIterator<string> {
    for (const { batch, skip } of this.held()) yield* batch.json(skip);
    // The open run may hold more than `limit` events on its own (a small --history): skip those too.
    for (let i = Math.max(0, this.open.length - this.size); i < this.open.length; i++) yield this.open[i]!;
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
      if (oldest.skip === oldest.batch.count) this.dropOldest();
    }
    // The byte budget: whole batches, oldest first (each is under DEFAULT_BATCH_CHARS, so little more
    // than a batch's worth is given up).
    while (this.sealedBytes > this.maxBytes && this.sealed.length > 0) {
      const oldest = this.sealed[0]!;
      this.sealedCount -= oldest.batch.count - oldest.skip;
      this.dropOldest();
    }
  }

  private dropOldest(): void {
    this.sealedBytes -= this.sealed.shift()!.batch.bytes.length;
  }
}
