/**
 * The events that arrive while the panel is paused, applied in order on resume. Batches are kept as
 * they came (append-only chunks, never copied), with running counts, so holding N events costs O(N)
 * in total and the toolbar reads how many packets wait in O(1).
 */
import type { ProxyEvent } from '../../../shared/events.js';

export interface Waiting {
  events: number;
  /** Packets, not every event (drains, http exchanges...): what becomes rows on resume. */
  packets: number;
}

export const NOTHING_WAITING: Waiting = { events: 0, packets: 0 };

export class PauseBuffer {
  private chunks: (readonly ProxyEvent[])[] = [];
  private events = 0;
  private packets = 0;

  /** Keeps `batch` as is: the caller hands it over and must not change it afterwards. */
  push(batch: readonly ProxyEvent[]): void {
    if (batch.length === 0) return;
    this.chunks.push(batch);
    this.events += batch.length;
    for (const e of batch) if (e.type === 'packet') this.packets++;
  }

  get waiting(): Waiting {
    return this.events === 0 ? NOTHING_WAITING : { events: this.events, packets: this.packets };
  }

  /** The batches held, oldest first; the buffer is empty afterwards. */
  take(): (readonly ProxyEvent[])[] {
    const chunks = this.chunks;
    this.clear();
    return chunks;
  }

  clear(): void {
    this.chunks = [];
    this.events = 0;
    this.packets = 0;
  }
}
