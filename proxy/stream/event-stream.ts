/**
 * The one bus observer behind the live event stream, captures and recordings. It serialises each
 * event once (serialize.ts), keeps the JSON in the history ring and the full payload of cut events in
 * the payload store, and hands the same string to every sink. Sinks (WebSocket observers, the
 * recorder) run on the relay's path too, so they must only enqueue.
 */
import type { EventBus } from '../events/bus.js';
import { EventHistory } from './history.js';
import { DEFAULT_STORE_BYTES, PayloadStore } from './payload-store.js';
import { DEFAULT_LIMIT, serializeEvent } from './serialize.js';

export interface EventStreamOptions {
  /** Events kept for late observers and captures (`--history`). */
  history?: number;
  /** Characters of JSON per payload field before it is cut. */
  limit?: number;
  /** Total size of the full payloads kept for GET /api/packets/<seq>. */
  storeBytes?: number;
}

export const DEFAULT_HISTORY = 100_000;

/** Gets each event's JSON and seq, in seq order. */
export type Sink = (json: string, seq: number) => void;

export class EventStream {
  readonly history: EventHistory;
  readonly payloads: PayloadStore;
  private readonly limit: number;
  private readonly sinks = new Set<Sink>();
  private readonly unsubscribe: () => void;

  constructor(bus: EventBus, opts: EventStreamOptions = {}) {
    this.history = new EventHistory(opts.history ?? DEFAULT_HISTORY);
    this.payloads = new PayloadStore(opts.storeBytes ?? DEFAULT_STORE_BYTES);
    this.limit = opts.limit ?? DEFAULT_LIMIT;
    this.unsubscribe = bus.subscribe((event) => {
      const { json, full } = serializeEvent(event, this.limit);
      if (full !== undefined) this.payloads.put(event.seq, full);
      this.history.push(json);
      for (const sink of this.sinks) {
        try {
          sink(json, event.seq);
        } catch (err) {
          // A broken sink must not cost the others their events.
          console.error(`sio-proxy: an event stream sink threw: ${(err as Error).message}`);
        }
      }
    });
  }

  /** Live events only, from now on. */
  subscribe(sink: Sink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  /**
   * The history held now plus every event after it, with no gap and no overlap: both happen in the
   * same synchronous step, so no event can slip between the snapshot and the subscription.
   */
  subscribeWithHistory(sink: Sink): { history: string[]; unsubscribe: () => void } {
    const history = [...this.history.json()];
    return { history, unsubscribe: this.subscribe(sink) };
  }

  close(): void {
    this.unsubscribe();
    this.sinks.clear();
  }
}
