/**
 * The full payloads of events whose stream JSON was cut (see serialize.ts), by seq, for
 * `GET /api/packets/<seq>`. Bounded by total size, oldest evicted first, so that a chatty app with big
 * messages costs a fixed amount of memory however long the proxy runs. Sizes are counted in string
 * length (UTF-16 code units): what V8 holds for these mostly one-byte strings, without a pass to
 * count UTF-8 bytes on the relay's path.
 */

/** 64 MB of full payloads. */
export const DEFAULT_STORE_BYTES = 64 * 1024 * 1024;

export type Lookup = { found: true; json: string } | { found: false; evicted: boolean };

/**
 * A full payload, built only when asked for: most are never fetched, and building their JSON (base64
 * of attachments, the whole args) on the relay's path cost more than relaying them.
 */
export interface FullPayload {
  /** What it holds, in characters of the JSON it will become (about). */
  size: number;
  json(): string;
}

export class PayloadStore {
  /** Insertion order is seq order (events arrive in seq order), so the first key is the oldest. */
  private readonly items = new Map<number, FullPayload>();
  private total = 0;
  /** Highest seq evicted or refused, to tell "evicted" from "never cut" in a 404. */
  private lostUpTo = 0;

  constructor(readonly maxBytes = DEFAULT_STORE_BYTES) {}

  put(seq: number, payload: FullPayload): void {
    if (payload.size > this.maxBytes) {
      // Bigger than the whole store: keeping it would evict everything else for one payload.
      this.lostUpTo = Math.max(this.lostUpTo, seq);
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
      this.lostUpTo = Math.max(this.lostUpTo, oldSeq);
    }
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
