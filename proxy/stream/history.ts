/**
 * The events still held for late observers, the capture download and HAR export: the last `limit`
 * events, and at most `maxBytes` of their JSON (whole batches are evicted for that), as the observers'
 * JSON (already cut to size), so it holds text, not live objects with Buffers and parsed args. Events gather in an open run until the stream seals it into a batch
 * (batch.ts), which the history keeps as it is: the bytes the observers were sent.
 *
 * Heartbeats (ping and pong packets) have a smaller budget of their own inside those limits: 10 000
 * idle sessions at a 25 s pingInterval make 800 of them a second, which would otherwise push every
 * event people look for out of the history within two minutes. Past their budget the oldest
 * heartbeats are taken out of the batches they are in (a batch is rebuilt without them, once, off the
 * relay's path), so the rest of the history holds at least `limit - heartbeats.limit` other events.
 */
import type { ProxyEvent } from '../../shared/events.js';
import { BatchArena, type Chunk } from './batch-arena.js';
import { EventBatch } from './batch.js';

/** A batch still held, in part: its events from `skip` on. */
export interface Held {
  readonly batch: EventBatch;
  /** Its first events, evicted already. */
  readonly skip: number;
}

/**
 * The held batches, safe to read until `release` (idempotent): their memory is reused after it
 * (batch-arena.ts). A reader that sends them on copies what it sends, or releases only once sent.
 */
export interface Snapshot {
  readonly held: Held[];
  release(): void;
}

/** 128 MB of event JSON: about 100 000 events of 1.3 KB. */
export const DEFAULT_HISTORY_BYTES = 128 * 1024 * 1024;
/** The share of the history's count and bytes heartbeats may take. */
export const HEARTBEAT_SHARE = 0.1;

/** The most heartbeats held, by count and by characters of their JSON. */
export interface HeartbeatBudget {
  limit: number;
  chars: number;
}

/** A sealed batch as held: its events from `skip` on, and which of them are heartbeats. */
interface Entry {
  batch: EventBatch;
  /** Where the batch's memory is (the arena's). */
  chunk: Chunk;
  skip: number;
  /** The indexes (in the batch) of its heartbeats and their JSON's lengths; empty once taken out. */
  beats: number[];
  beatLengths: number[];
  /** The first of `beats` not evicted yet. */
  beatAt: number;
  /** How many of `beats` are at or after `skip`, and their characters. */
  beatCount: number;
  beatChars: number;
}

export class EventHistory {
  private readonly sealed: Entry[] = [];
  /** Events in `sealed`, not counting the evicted ones... */
  private sealedCount = 0;
  /** ... and the bytes of their batches (a batch's evicted part too, until all of it goes). */
  private sealedBytes = 0;
  /** Heartbeats in `sealed` (not evicted), and their characters. */
  private beatCount = 0;
  private beatChars = 0;
  /** The entries before this one hold no heartbeats (they were taken out oldest first). */
  private beatFrom = 0;
  private open: string[] = [];
  private openChars = 0;
  private openLastSeq = 0;
  private openBeats: number[] = [];
  private openBeatLengths: number[] = [];
  private openBeatChars = 0;
  readonly heartbeats: HeartbeatBudget;
  readonly arena = new BatchArena();

  constructor(
    readonly limit: number,
    readonly maxBytes = DEFAULT_HISTORY_BYTES,
    heartbeats?: Partial<HeartbeatBudget>,
  ) {
    this.heartbeats = {
      limit: heartbeats?.limit ?? Math.ceil(Math.max(0, limit) * HEARTBEAT_SHARE),
      chars: heartbeats?.chars ?? Math.ceil(maxBytes * HEARTBEAT_SHARE),
    };
  }

  /** Adds `json` (the event as serialised for observers) to the open run; `heartbeat`: a ping or pong. */
  push(json: string, seq: number, heartbeat = false): void {
    if (heartbeat) {
      this.openBeats.push(this.open.length);
      this.openBeatLengths.push(json.length);
      this.openBeatChars += json.length;
    }
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

  /**
   * Turns the open run into a batch, keeps a copy of it, and returns it (undefined when nothing is
   * open): the one returned is the observers', and dies young (batch-arena.ts says why).
   */
  seal(): EventBatch | undefined {
    if (this.open.length === 0) return undefined;
    const batch = new EventBatch(this.open, this.openLastSeq);
    const { openBeats: beats, openBeatLengths: beatLengths, openBeatChars: beatChars } = this;
    this.open = [];
    this.openChars = 0;
    this.openBeats = [];
    this.openBeatLengths = [];
    this.openBeatChars = 0;
    if (this.limit > 0) {
      const kept = this.arena.keep(batch);
      const beatCount = beats.length;
      this.sealed.push({ ...kept, skip: 0, beats, beatLengths, beatAt: 0, beatCount, beatChars });
      this.sealedCount += batch.count;
      this.sealedBytes += batch.bytes.length;
      this.beatCount += beats.length;
      this.beatChars += beatChars;
      this.evict();
      this.shedHeartbeats();
    }
    return batch;
  }

  /** The heartbeats held in sealed batches. */
  get heartbeatCount(): number {
    return this.beatCount;
  }

  /** The bytes of JSON held (sealed batches). */
  get bytes(): number {
    return this.sealedBytes;
  }

  /**
   * The sealed batches held now, oldest first, to be read at once: their memory may be reused on a
   * later turn. The open run is not in it: seal first.
   */
  held(): Held[] {
    return this.heldEntries().map(({ entry, skip }) => ({ batch: entry.batch, skip }));
  }

  /**
   * The sealed batches held now, oldest first, for replays and downloads that read them a slice at a
   * time: no copy, their memory kept from reuse until released. The open run is not in it: seal first.
   */
  snapshot(): Snapshot {
    const entries = this.heldEntries();
    return {
      held: entries.map(({ entry, skip }) => ({ batch: entry.batch, skip })),
      release: this.arena.pin(entries.map(({ entry }) => entry.chunk)),
    };
  }

  private heldEntries(): Array<{ entry: Entry; skip: number }> {
    let excess = this.sealedCount + this.open.length - this.size;
    const out: Array<{ entry: Entry; skip: number }> = [];
    for (const entry of this.sealed) {
      const from = entry.skip + excess;
      excess = Math.max(0, from - entry.batch.count);
      if (from < entry.batch.count) out.push({ entry, skip: from });
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
      this.skipTo(oldest, oldest.skip + n);
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

  /** Evicts an entry's events before `skip`, heartbeats among them. */
  private skipTo(entry: Entry, skip: number): void {
    // `beats` is in order and `skip` only grows: each heartbeat is passed once.
    for (; entry.beatAt < entry.beats.length && entry.beats[entry.beatAt]! < skip; entry.beatAt++) {
      const length = entry.beatLengths[entry.beatAt]!;
      entry.beatCount--;
      entry.beatChars -= length;
      this.beatCount--;
      this.beatChars -= length;
    }
    entry.skip = skip;
  }

  private dropOldest(): void {
    const oldest = this.sealed.shift()!;
    this.arena.drop(oldest.chunk);
    this.sealedBytes -= oldest.batch.bytes.length;
    this.beatCount -= oldest.beatCount;
    this.beatChars -= oldest.beatChars;
    this.beatFrom = Math.max(0, this.beatFrom - 1);
  }

  /**
   * Past the heartbeats' budget, takes the oldest heartbeats out of the batches they are in, rebuilding
   * each such batch once without them (off the relay's path: at a seal).
   */
  private shedHeartbeats(): void {
    const { limit, chars } = this.heartbeats;
    const over = () => this.beatCount > limit || this.beatChars > chars;
    while (over() && this.beatFrom < this.sealed.length) {
      const entry = this.sealed[this.beatFrom]!;
      const gone = new Set<number>();
      for (let k = entry.beatAt; k < entry.beats.length && over(); k++) {
        gone.add(entry.beats[k]!);
        this.beatCount--;
        this.beatChars -= entry.beatLengths[k]!;
      }
      if (gone.size === 0) {
        this.beatFrom++;
        continue;
      }
      const kept: string[] = [];
      const rebuilt: Entry = {
        batch: entry.batch,
        chunk: entry.chunk,
        skip: 0,
        beats: [],
        beatLengths: [],
        beatAt: 0,
        beatCount: 0,
        beatChars: 0,
      };
      const isBeat = new Set(entry.beats);
      entry.batch.json().forEach((json, i) => {
        if (i < entry.skip || gone.has(i)) return;
        if (isBeat.has(i)) {
          rebuilt.beats.push(kept.length);
          rebuilt.beatLengths.push(json.length);
          rebuilt.beatChars += json.length;
        }
        kept.push(json);
      });
      rebuilt.beatCount = rebuilt.beats.length;
      this.sealedCount -= gone.size;
      this.sealedBytes -= entry.batch.bytes.length;
      this.arena.drop(entry.chunk);
      if (kept.length === 0) {
        this.sealed.splice(this.beatFrom, 1);
        continue;
      }
      Object.assign(rebuilt, this.arena.keep(new EventBatch(kept, entry.batch.lastSeq)));
      this.sealed[this.beatFrom] = rebuilt;
      this.sealedBytes += rebuilt.batch.bytes.length;
      if (rebuilt.beatCount === 0) this.beatFrom++;
    }
  }
}
