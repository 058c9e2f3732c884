/**
 * Puts the events of many proxies into one seq order: each event read from the Redis Stream gets the
 * dashboard's next seq, keeps its proxy's seq as `sourceSeq` and its `source`, and the seqs it links
 * to (an ack's EVENT and ACK packets, a problem's evidence) are rewritten to the dashboard's, so the
 * panel's links still land on the right packet. Only the last `remember` seqs of each source are
 * kept for that; a link to an older one is left out rather than pointed at another event.
 */
import type { ProxyEvent } from '../../shared/events.js';
import type { ReplayBus } from './replay-bus.js';

export const DEFAULT_REMEMBER = 50_000;

export class Resequencer {
  private readonly bySource = new Map<string, Map<number, number>>();
  /** Entries that were not an event's JSON (written by something else than sio-proxy). */
  unreadable = 0;

  constructor(
    private readonly bus: ReplayBus,
    private readonly remember = DEFAULT_REMEMBER,
  ) {}

  /** One stream entry (its `source` and `event` fields); published on the bus, or counted. */
  take(source: string | undefined, json: string | undefined): void {
    let event: ProxyEvent;
    try {
      event = JSON.parse(json ?? '') as ProxyEvent;
    } catch {
      this.unreadable++;
      return;
    }
    if (typeof event !== 'object' || event === null || typeof event.type !== 'string') {
      this.unreadable++;
      return;
    }
    const from = source ?? event.source ?? '?';
    let seqs = this.bySource.get(from);
    if (!seqs) this.bySource.set(from, (seqs = new Map()));
    const own = event.seq;
    const mapped = (s: number) => seqs.get(s);
    if (event.type === 'ack') {
      event.eventSeq = mapped(event.eventSeq) ?? 0;
      event.ackSeq = mapped(event.ackSeq) ?? 0;
    } else if (event.type === 'problem') {
      event.seqs = event.seqs.map(mapped).filter((s): s is number => s !== undefined);
    }
    event.source = from;
    if (typeof own === 'number') event.sourceSeq = own;
    const seq = this.bus.publish(event);
    if (typeof own !== 'number') return;
    // A proxy restarted under the same source starts again at 1: its new events win.
    seqs.delete(own);
    seqs.set(own, seq);
    if (seqs.size > this.remember) seqs.delete(seqs.keys().next().value!);
  }
}
