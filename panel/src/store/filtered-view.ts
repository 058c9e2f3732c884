/**
 * The rows of the packet store that pass the filter, kept up to date incrementally: while the filter
 * stays the same, a new batch costs only the new rows (and dropping the evicted ones from the front),
 * not a rescan of 200 000. A new filter, or a cleared store, rescans once.
 */
import type { CompiledFilter } from './filter.js';
import type { PacketRow, PacketStore } from './packet-store.js';
import { WindowList } from './window-list.js';

export interface RowList {
  readonly length: number;
  at(i: number): PacketRow | undefined;
  /** Index of the first row whose seq is >= `seq` (length when none). */
  indexOfSeq(seq: number): number;
}

export class FilteredPackets implements RowList {
  private rows = new WindowList<PacketRow>();
  private key: string | undefined;
  private generation = -1;
  /** Seq of the last store row looked at. */
  private scannedSeq = 0;

  get length(): number {
    return this.rows.length;
  }

  at(i: number): PacketRow | undefined {
    return this.rows.at(i);
  }

  indexOfSeq(seq: number): number {
    return this.rows.lowerBound((r) => r.e.seq >= seq);
  }

  /** Brings the view up to date with `store` under `filter`. Returns true when its rows changed. */
  update(store: PacketStore, filter: CompiledFilter): boolean {
    let changed = false;
    if (filter.key !== this.key || store.generation !== this.generation) {
      this.rows = new WindowList();
      this.key = filter.key;
      this.generation = store.generation;
      this.scannedSeq = 0;
      changed = true;
    }
    // Rows the store evicted leave the view too.
    const firstSeq = store.firstSeq;
    const gone = this.rows.lowerBound((r) => r.e.seq >= firstSeq);
    if (gone > 0) {
      this.rows.dropFront(gone);
      changed = true;
    }
    for (let i = store.indexOfSeq(this.scannedSeq + 1); i < store.size; i++) {
      const row = store.rows.at(i) as PacketRow;
      if (filter.test(row)) {
        this.rows.push(row);
        changed = true;
      }
      this.scannedSeq = row.e.seq;
    }
    return changed;
  }
}
