/**
 * The events still held for late observers, the capture download and HAR export: a ring buffer of
 * the last `limit` events. Each event is kept as the observers' JSON (already cut to size), so the
 * buffer holds strings, not live objects with Buffers and parsed args.
 */
import type { ProxyEvent } from '../../shared/events.js';

export class EventHistory {
  private readonly ring: (string | undefined)[];
  private next = 0;
  private count = 0;

  constructor(readonly limit: number) {
    this.ring = new Array<string | undefined>(Math.max(1, limit));
  }

  /** Keeps `json` (the event as serialised for observers). */
  push(json: string): void {
    if (this.limit <= 0) return;
    this.ring[this.next] = json;
    this.next = (this.next + 1) % this.ring.length;
    if (this.count < this.ring.length) this.count++;
  }

  get size(): number {
    return this.count;
  }

  /** Oldest first. */
  *json(): IterableIterator<string> {
    const start = (this.next - this.count + this.ring.length) % this.ring.length;
    for (let i = 0; i < this.count; i++) {
      const item = this.ring[(start + i) % this.ring.length];
      if (item !== undefined) yield item;
    }
  }

  events(): ProxyEvent[] {
    return [...this.json()].map((j) => JSON.parse(j) as ProxyEvent);
  }
}
