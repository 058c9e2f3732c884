/**
 * The bus of a dashboard over Redis: events arrive already stamped by the proxies that saw them, each
 * proxy with its own seq. Here they get one seq order (the panel's stream, history and payload links
 * all key on seq) while keeping the time their proxy gave them. The event stream (EventStream) reads
 * it as it reads a proxy's own bus.
 */
import type { ProxyEvent } from '../../shared/events.js';
import type { Observer } from '../events/bus.js';
import type { Logger } from '../log.js';

export class ReplayBus {
  private readonly observers = new Set<Observer>();
  private seq = 0;

  constructor(private readonly log?: Logger) {}

  subscribe(observer: Observer): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** Gives `event` (changed in place) the next seq of this dashboard, keeps its `ts`, and hands it on. */
  publish(event: ProxyEvent): number {
    event.seq = ++this.seq;
    for (const observer of this.observers) {
      try {
        observer(event);
      } catch (err) {
        this.log?.warn(`an event observer threw: ${(err as Error).message}`);
      }
    }
    return event.seq;
  }
}
