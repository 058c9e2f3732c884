/**
 * The one bus observer behind the live event stream, captures and recordings. It serialises each
 * event once (serialize.ts), keeps the full payload of cut events in the payload store, hands the JSON
 * to every per-event sink (the recorder), and gathers events into batches (batch.ts): sealed every
 * `flushMs`, or as soon as `batchEvents` wait, each batch is kept by the history and handed as it is
 * to every batch sink (the WebSocket observers). Sinks run on the relay's path too, so they must only
 * enqueue.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ErrorEvent, ProxyEvent } from '../../shared/events.js';
import type { EventBus } from '../events/bus.js';

/** What the stream reads: the proxy's bus, or a dashboard's bus of events re-read from Redis. */
export type EventSourceBus = Pick<EventBus, 'subscribe'>;
import { createLogger, type Logger } from '../log.js';
import type { EventBatch } from './batch.js';
import { EventHistory, type Held, type Snapshot } from './history.js';
import { PacketSampler, type SamplingOptions } from './packet-sampler.js';
import { DEFAULT_STORE_BYTES, PayloadStore } from './payload-store.js';
import { DEFAULT_LIMIT, serializeEvent, type Serialized } from './serialize.js';

export interface EventStreamOptions {
  /** Events kept for late observers and captures (`--history`)... */
  history?: number;
  /** ... and at most this many bytes of their JSON. */
  historyBytes?: number;
  /** Characters of JSON per payload field before it is cut. */
  limit?: number;
  /** Total size of the full payloads kept for GET /api/packets/<seq>. */
  storeBytes?: number;
  /** Seal a batch at most this long after its first event... */
  flushMs?: number;
  /** ... or as soon as it holds this many events (the most in one observer message)... */
  batchEvents?: number;
  /** ... or this many characters of JSON. */
  batchChars?: number;
  /** Where a sink that throws is reported; default stderr. */
  log?: Logger;
  /**
   * How an event becomes its JSON; default serializeEvent (cuts payloads). A dashboard over Redis
   * reads events their proxies already cut, and keeps them as they are (`JSON.stringify`).
   */
  serialize?: (event: ProxyEvent, limit: number) => Serialized;
  /**
   * Sample packet events under overload, counting them exactly (packet-sampler.ts); `emit` publishes
   * the `sampling` notices. Off when absent (a dashboard over Redis keeps what its proxies kept).
   */
  sampling?: SamplingOptions;
}

export const DEFAULT_HISTORY = 100_000;
export const DEFAULT_FLUSH_MS = 20;
export const DEFAULT_BATCH_EVENTS = 500;
/**
 * A batch's text must stay under V8's large-object size (128 KB; 2 bytes a character for text that
 * is not Latin-1): allocating one large string cost about 1 ms on the benchmark machine, where a
 * 120 KB one took 10 µs, and at 500 events of a few hundred characters every batch was one.
 */
export const DEFAULT_BATCH_CHARS = 48 * 1024;

/** Gets each event's JSON and seq, in seq order. */
export type Sink = (json: string, seq: number) => void;
/** Gets each batch, in seq order. */
export type BatchSink = (batch: EventBatch) => void;

export class EventStream {
  readonly history: EventHistory;
  readonly payloads: PayloadStore;
  private readonly limit: number;
  private readonly flushMs: number;
  private readonly batchEvents: number;
  private readonly batchChars: number;
  private readonly sinks = new Set<Sink>();
  private readonly batchSinks = new Set<BatchSink>();
  private timer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;
  private readonly log: Logger;
  private readonly serializer: (event: ProxyEvent, limit: number) => Serialized;
  readonly sampler: PacketSampler | undefined;

  constructor(bus: EventSourceBus, opts: EventStreamOptions = {}) {
    this.log = opts.log ?? createLogger();
    this.history = new EventHistory(opts.history ?? DEFAULT_HISTORY, opts.historyBytes);
    this.payloads = new PayloadStore(opts.storeBytes ?? DEFAULT_STORE_BYTES);
    this.limit = opts.limit ?? DEFAULT_LIMIT;
    this.serializer = opts.serialize ?? serializeEvent;
    this.flushMs = opts.flushMs ?? DEFAULT_FLUSH_MS;
    this.batchEvents = Math.max(1, opts.batchEvents ?? DEFAULT_BATCH_EVENTS);
    this.batchChars = opts.batchChars ?? DEFAULT_BATCH_CHARS;
    const sampler = (this.sampler = opts.sampling && new PacketSampler(opts.sampling));
    this.unsubscribe = bus.subscribe((event) => {
      if (sampler && !sampler.admit(event)) return; // counted by the sampler, left out of the record
      const started = sampler ? sampler.start() : -1;
      const { json, full } = this.serialize(event);
      if (full !== undefined) this.payloads.put(event.seq, full);
      this.history.push(json, event.seq, isHeartbeat(event));
      for (const sink of this.sinks) this.deliver(sink, json, event.seq);
      if (this.history.pending >= this.batchEvents || this.history.pendingChars >= this.batchChars)
        this.flush();
      else if (!this.timer) {
        this.timer = setTimeout(() => this.flush(), this.flushMs);
        this.timer.unref();
      }
      if (started >= 0) sampler!.done(started, event.seq);
    });
  }

  /**
   * The event's JSON, or, when it cannot be serialised (args nested too deep for JSON.stringify's
   * recursion), an `error` event under the same seq saying so: the record keeps no gap, and a reader
   * learns what it is missing.
   */
  private serialize(event: ProxyEvent): Serialized {
    try {
      return this.serializer(event, this.limit);
    } catch (err) {
      return { json: JSON.stringify(unobservable(event, err as Error)) };
    }
  }

  /** Live events only, from now on. */
  subscribe(sink: Sink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  /**
   * The history held now plus every batch after it, with no gap and no overlap: the open batch is
   * sealed (and sent to the batch sinks already there) first, and the snapshot and the subscription
   * happen in the same synchronous step, so no event can slip between them. The snapshot is the held
   * batches themselves (no copy, nothing decoded), read later a slice at a time, until `release`.
   */
  subscribeWithHistory(sink: BatchSink): Snapshot & { unsubscribe: () => void } {
    const snapshot = this.snapshot();
    this.batchSinks.add(sink);
    return { ...snapshot, unsubscribe: () => this.batchSinks.delete(sink) };
  }

  /** Every event held now, as sealed batches (the open one is sealed first), readable until released. */
  snapshot(): Snapshot {
    this.flush();
    return this.history.snapshot();
  }

  /**
   * The newest events held now, as many as fit in `maxBytes` of their JSON (whole batches), parsed a
   * batch at a time with a turn of the loop after each ~256 KB, so that reading 100 000 events (a HAR
   * export) does not hold the relay's thread; `omitted`: the older events held but left out.
   */
  async readEvents(maxBytes = Number.POSITIVE_INFINITY): Promise<{ events: ProxyEvent[]; omitted: number }> {
    return readHeld(this.snapshot(), maxBytes);
  }

  /** Seals the open batch now and hands it to the batch sinks. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.history.seal();
    if (batch) for (const sink of this.batchSinks) this.deliver(sink, batch);
  }

  private deliver<A extends unknown[]>(sink: (...args: A) => void, ...args: A): void {
    try {
      sink(...args);
    } catch (err) {
      // A broken sink must not cost the others their events.
      this.log.warn(`an event stream sink threw: ${(err as Error).message}`);
    }
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.unsubscribe();
    this.sinks.clear();
    this.batchSinks.clear();
  }
}

/**
 * The newest events of `snapshot` that fit in `maxBytes` of their JSON (whole batches), parsed a batch
 * at a time with a turn of the loop after each ~256 KB, then the snapshot released; `omitted`: the
 * older events left out.
 */
export async function readHeld(
  snapshot: Snapshot,
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<{ events: ProxyEvent[]; omitted: number }> {
  try {
    return await parseNewest(snapshot.held, maxBytes);
  } finally {
    snapshot.release();
  }
}

async function parseNewest(
  held: Held[],
  maxBytes: number,
): Promise<{ events: ProxyEvent[]; omitted: number }> {
  let first = held.length;
  let bytes = 0;
  while (first > 0 && bytes + held[first - 1]!.batch.bytes.length <= maxBytes)
    bytes += held[--first]!.batch.bytes.length;
  let omitted = 0;
  for (let i = 0; i < first; i++) omitted += held[i]!.batch.count - held[i]!.skip;
  const events: ProxyEvent[] = [];
  bytes = 0;
  for (let i = first; i < held.length; i++) {
    const { batch, skip } = held[i]!;
    for (const json of batch.json(skip)) events.push(JSON.parse(json) as ProxyEvent);
    bytes += batch.bytes.length;
    if (bytes < 256 * 1024) continue;
    bytes = 0;
    await nextTurn();
  }
  return { events, omitted };
}

/** A ping or a pong: kept by the history within a smaller budget of their own. */
function isHeartbeat(event: ProxyEvent): boolean {
  return event.type === 'packet' && (event.engine === 'ping' || event.engine === 'pong');
}

/** What stands in the record for an event that could not be serialised. */
function unobservable(event: ProxyEvent, err: Error): ErrorEvent {
  const what =
    event.type === 'packet' ? `${event.direction} packet of ${event.size} bytes` : `${event.type} event`;
  return {
    type: 'error',
    seq: event.seq,
    ts: event.ts,
    ...('sessionId' in event && event.sessionId !== undefined ? { sessionId: event.sessionId } : {}),
    message: `a ${what} could not be observed (${err.message}): it was relayed, but is not in the record`,
  };
}
