/**
 * The packets the panel holds, bounded twice: by count (200 000 by default) and by an estimate of
 * the memory their payloads take (128 M units, see `rowCost`), oldest evicted first, with a running
 * count of what was evicted so the views can say so. Rows are kept in `seq` order (the stream is
 * ordered), which lets `bySeq` binary-search and the filtered views work incrementally.
 *
 * The store is mutable on purpose: copying 200 000 references per batch would cost more than the
 * batch itself. The panel store bumps the packets revision after each batch that added or linked
 * rows (slices.ts), and views re-read on that.
 */
import type { PacketEvent } from '../../../shared/events.js';
import { WindowList } from './window-list.js';

export interface PacketRow {
  readonly e: PacketEvent;
  /** Engine.IO ping/pong (not the upgrade probes): hidden by default. */
  readonly heartbeat: boolean;
  /** For an EVENT: the seq of the ACK packet that answered it; for an ACK: the seq of its EVENT. */
  linkSeq?: number;
  /** Milliseconds between the EVENT and its ACK (set on both rows). */
  latency?: number;
  /** The args as JSON, for binary messages (whose `data` is only `<N bytes>`): built on first search. */
  argsText?: string;
}

export interface PacketLimits {
  maxPackets: number;
  /** Budget for `rowCost` summed over the rows held. */
  maxCost: number;
}

export const DEFAULT_PACKET_LIMITS: PacketLimits = { maxPackets: 200_000, maxCost: 128_000_000 };

/**
 * Roughly the bytes a row keeps alive: a fixed overhead for the objects, the payload text, and the
 * args parsed from the same JSON (about as big again), plus base64 binary. An estimate, not a
 * measurement: it only has to keep many big payloads from growing the tab without limit.
 */
export function rowCost(e: PacketEvent): number {
  return 200 + 2 * (e.data?.length ?? 0) + (e.binary?.length ?? 0);
}

export class PacketStore {
  readonly rows = new WindowList<PacketRow>();
  /** Packets dropped to stay within the limits, since the last reset. */
  evicted = 0;
  /** Rows held whose payload the stream cut (`truncated`): a text filter sees only their preview. */
  truncated = 0;
  /** Seq of the newest cut row added (0: none since the last reset). */
  lastTruncatedSeq = 0;
  private cost = 0;
  /** Changes when the store is cleared, so incremental views know to start over. */
  generation = 0;

  constructor(readonly limits: PacketLimits = DEFAULT_PACKET_LIMITS) {}

  get size(): number {
    return this.rows.length;
  }

  add(e: PacketEvent): PacketRow {
    // Every field present from the start: rows then share one hidden class, which keeps the filter's
    // loop over 200 000 of them fast when a search later fills in `argsText`.
    const row: PacketRow = {
      e,
      heartbeat: (e.engine === 'ping' || e.engine === 'pong') && e.data !== 'probe',
      linkSeq: undefined,
      latency: undefined,
      argsText: undefined,
    };
    this.rows.push(row);
    this.cost += rowCost(e);
    if (e.truncated) {
      this.truncated++;
      this.lastTruncatedSeq = e.seq;
    }
    this.evict();
    return row;
  }

  /** The row of packet `seq`, if it is still held. */
  bySeq(seq: number): PacketRow | undefined {
    const i = this.indexOfSeq(seq);
    const row = this.rows.at(i);
    return row?.e.seq === seq ? row : undefined;
  }

  /** Index of the first row whose seq is >= `seq` (rows.length when none). */
  indexOfSeq(seq: number): number {
    return this.rows.lowerBound((r) => r.e.seq >= seq);
  }

  /** Seq of the oldest row held, or Infinity when empty. */
  get firstSeq(): number {
    return this.rows.at(0)?.e.seq ?? Infinity;
  }

  clear(): void {
    this.rows.clear();
    this.cost = 0;
    this.evicted = 0;
    this.truncated = 0;
    this.lastTruncatedSeq = 0;
    this.generation++;
  }

  private evict(): void {
    let n = 0;
    let over = this.rows.length - this.limits.maxPackets;
    while (over > 0 || this.cost > this.limits.maxCost) {
      const oldest = this.rows.at(n);
      if (!oldest || n >= this.rows.length - 1) break; // always keep the newest row
      this.cost -= rowCost(oldest.e);
      if (oldest.e.truncated) this.truncated--;
      n++;
      over--;
    }
    if (n === 0) return;
    this.rows.dropFront(n);
    this.evicted += n;
  }
}
