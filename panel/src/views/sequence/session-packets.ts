/**
 * The packets of one session, from the packets slice: found once by a pass over the rows, then kept
 * up to date from the rows added since (the store's rows are in seq order). References to the
 * store's rows, not copies; rows the store evicted since are dropped here too.
 */
import type { PacketRow, PacketStore } from '../../store/packet-store.js';

export class SessionPackets {
  private sid: string | undefined;
  private generation = -1;
  private lastSeq = 0;
  private list: PacketRow[] = [];

  /** The packets of `sid` held by `store`, oldest first. The same array until something changed. */
  of(store: PacketStore, sid: string): readonly PacketRow[] {
    if (sid !== this.sid || store.generation !== this.generation) {
      this.sid = sid;
      this.generation = store.generation;
      this.lastSeq = 0;
      this.list = [];
    }
    let changed = false;
    const first = store.firstSeq;
    if (this.list.length && (this.list[0] as PacketRow).e.seq < first) {
      this.list = this.list.filter((r) => r.e.seq >= first);
      changed = true;
    }
    const rows = store.rows;
    const added: PacketRow[] = [];
    for (let i = store.indexOfSeq(this.lastSeq + 1); i < rows.length; i++) {
      const row = rows.at(i);
      if (!row) continue;
      this.lastSeq = row.e.seq;
      if (row.e.sessionId === sid) added.push(row);
    }
    if (added.length || changed) this.list = [...this.list, ...added];
    return this.list;
  }
}
