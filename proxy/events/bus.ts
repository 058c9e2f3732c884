/**
 * The proxy core publishes what it sees here; observers (the event stream, the terminal log, the
 * status line) subscribe. The core knows nothing of them. Listeners run synchronously on the relay's
 * path, so an observer must only enqueue (into a buffer it bounds itself) and never do I/O inline.
 */
import type { ProxyEvent, UnstampedEvent } from '../../shared/events.js';
import { createLogger, type Logger } from '../log.js';
import { eventClock } from './clock.js';

export type Observer = (event: ProxyEvent) => void;

export class EventBus {
  private observers = new Set<Observer>();
  private seq = 0;
  /** Set while the packets of bytes that arrived at this time are observed (`stampArrival`). */
  private arrivedAt: number | undefined;
  private lastTs = 0;

  constructor(private readonly log: Logger = createLogger()) {}

  /** Lets the hot path skip building events nobody will read. */
  get active(): boolean {
    return this.observers.size > 0;
  }

  subscribe(observer: Observer): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /**
   * From `stampArrival(t)` to `stampArrival(undefined)`, events are stamped `t` (eventClock), the time
   * the bytes they come from reached the proxy, rather than the time they are emitted: the packets of
   * one chunk share its arrival, and a packet read after others (or after a slow observer) is not
   * stamped late. Latencies between stamps then stay within what the peers themselves saw. A stamp
   * never goes back: an arrival before the last event's stamp (an event emitted without one in
   * between) takes that stamp.
   */
  stampArrival(arrivedAt: number | undefined): void {
    this.arrivedAt = arrivedAt;
  }

  /**
   * Stamps `event` in place (emitters always pass a fresh object; copying it for every packet showed
   * in profiles) and hands it to every observer. Returns its seq, or 0 when nobody listens.
   */
  emit(event: UnstampedEvent): number {
    if (this.observers.size === 0) return 0;
    const stamped = event as ProxyEvent;
    stamped.seq = ++this.seq;
    const arrivedAt = this.arrivedAt;
    stamped.ts = this.lastTs =
      arrivedAt === undefined ? eventClock() : arrivedAt > this.lastTs ? arrivedAt : this.lastTs;
    for (const observer of this.observers) {
      try {
        observer(stamped);
      } catch (err) {
        // One broken observer must not take relaying (or the other observers) down with it.
        this.log.warn(`an event observer threw: ${(err as Error).message}`);
      }
    }
    return stamped.seq;
  }
}
