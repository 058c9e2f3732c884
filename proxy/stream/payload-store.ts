/**
 * The full payloads of events whose stream JSON was cut (see serialize.ts), by seq, for
 * `GET /api/packets/<seq>` and `GET /api/search`. Bounded by total size, oldest evicted first, so that a chatty app with big
 * messages costs a fixed amount of memory however long the proxy runs. Sizes are counted in string
 * length (UTF-16 code units): what V8 holds for these mostly one-byte strings, without a pass to
 * count UTF-8 bytes on the relay's path.
 */

/** 64 MB of full payloads. */
export const DEFAULT_STORE_BYTES = 64 * 1024 * 1024;

/** The most of the store one payload may take: a quarter (16 MB by default). */
export const MAX_SHARE = 4;

export type Lookup = { found: true; json: string } | { found: false; evicted: boolean };

/**
 * A full payload, built only when asked for: most are never fetched, and building their JSON (base64
 * of attachments, the whole args) on the relay's path cost more than relaying them.
 */
export interface FullPayload {
  /** What it holds, in characters of the JSON it will become (about). */
  size: number;
  json(): string;
  /** A packet's: what the panel's text filter searches, whole (GET /api/search, payload-search.ts). */
  packet?: SearchablePayload;
}

export interface SearchablePayload {
  event: string | undefined;
  /** The packet's searched text (shared/match/text.ts), built when a search reaches it. */
  text(): string;
}

export interface HeldPacket {
  seq: number;
  size: number;
  packet: SearchablePayload;
}

/**
 * Seqs of lost packet payloads remembered for counting (`lostPackets`), at least: as many as the
 * packets a panel holds, so the count over a panel's range is exact unless more were lost since.
 */
export const LOST_SEQS_KEPT = 200_000;

export class PayloadStore {
  /** Insertion order is seq order (events arrive in seq order), so the first key is the oldest. */
  private readonly items = new Map<number, FullPayload>();
  private total = 0;
  /** Highest seq evicted or refused, to tell "evicted" from "never cut" in a 404. */
  private lostUpTo = 0;
  /** Seqs of packet payloads evicted or refused, ascending: the newest LOST_SEQS_KEPT at least. */
  private lostSeqs: number[] = [];

  constructor(readonly maxBytes = DEFAULT_STORE_BYTES) {}

  put(seq: number, payload: FullPayload): void {
    if (payload.size > this.maxBytes / MAX_SHARE) {
      // Keeping it would evict most of the others for one payload, and hold the decoded text of a
      // huge message (several times its size) until other payloads push it out.
      this.lost(seq, payload);
      return;
    }
    this.items.set(seq, payload);
    this.total += payload.size;
    while (this.total > this.maxBytes) {
      const oldest = this.items.entries().next().value;
      if (!oldest) break;
      const [oldSeq, old] = oldest;
      this.items.delete(oldSeq);
      this.total -= old.size;
      this.lost(oldSeq, old);
    }
  }

  private lost(seq: number, payload: FullPayload): void {
    this.lostUpTo = Math.max(this.lostUpTo, seq);
    if (!payload.packet) return;
    // Evictions come in seq order. A refused payload is newer than every one still held, so those
    // evicted after it go before it: the insertion point is at most a few places from the end.
    const seqs = this.lostSeqs;
    let i = seqs.length;
    while (i > 0 && (seqs[i - 1] as number) > seq) i--;
    seqs.splice(i, 0, seq);
    if (seqs.length >= 2 * LOST_SEQS_KEPT) this.lostSeqs = seqs.slice(-LOST_SEQS_KEPT);
  }

  /** The held packet payloads with `from <= seq <= to`, in seq order, as they are now. */
  packets(from: number, to: number): HeldPacket[] {
    const out: HeldPacket[] = [];
    for (const [seq, payload] of this.items) {
      if (seq > to) break;
      if (seq >= from && payload.packet) out.push({ seq, size: payload.size, packet: payload.packet });
    }
    return out;
  }

  /** How many packet payloads with `from <= seq <= to` were evicted or refused (see LOST_SEQS_KEPT). */
  lostPackets(from: number, to: number): number {
    return lowerBound(this.lostSeqs, to + 1) - lowerBound(this.lostSeqs, from);
  }

  get(seq: number): Lookup {
    const payload = this.items.get(seq);
    if (payload !== undefined) return { found: true, json: payload.json() };
    return { found: false, evicted: seq <= this.lostUpTo };
  }

  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.items.size;
  }
}

/** Index of the first element >= `value` in ascending `a`. */
function lowerBound(a: readonly number[], value: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
