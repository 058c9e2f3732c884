/**
 * Where the history keeps its batches: shared chunks of 1 MiB, reused once nothing reads them.
 *
 * Why: at 100 000 events a second the stream seals some 32 MB a second of batches, and the history
 * held each one for about a second, long enough for it to be promoted; it then died in the old
 * generation, where only a full collection frees it, and V8 starts one only once external memory has
 * grown by 64 MB: 30-70 MB of dead batches at any time (docs/performance.md, "RSS under load").
 * Copied into a chunk as it is sealed, the batch the observers are sent dies young, and the history's
 * memory is reused rather than churned.
 *
 * A chunk is reused only when the history holds no batch in it (`live`) and no snapshot taken while
 * it did is still being read (`pins`): a replay, a capture, a HAR export and the reader thread release
 * theirs when they are done. A snapshot never released costs the reuse of its chunks (the collector
 * frees them), never a reader's bytes.
 */
import { EventBatch, sharedSize } from './batch.js';

export const CHUNK_BYTES = 1 << 20;
/** Free chunks kept for reuse; beyond that they are left to the collector. */
const POOL_CHUNKS = 8;

export class Chunk {
  readonly buffer: SharedArrayBuffer;
  /** Bytes taken, from the start. */
  used = 0;
  /** Batches of the history in it. */
  live = 0;
  /** Snapshots being read that hold one of its batches. */
  pins = 0;
  pooled = false;

  constructor(bytes: number) {
    this.buffer = new SharedArrayBuffer(bytes);
  }
}

export class BatchArena {
  private current: Chunk | undefined;
  private readonly pool: Chunk[] = [];
  /** Chunks allocated so far (reuse shows as this staying put). */
  allocated = 0;
  /** Snapshots not released yet. */
  snapshots = 0;

  /** A copy of `batch` in a chunk, counted in the chunk's `live` until `drop`. */
  keep(batch: EventBatch): { batch: EventBatch; chunk: Chunk } {
    const { buffer, byteOffset = 0, byteLength, count, lastSeq } = batch.shared;
    const size = sharedSize(byteLength, count);
    const chunk = this.room(size);
    const at = chunk.used;
    new Uint8Array(chunk.buffer, at, size).set(new Uint8Array(buffer, byteOffset, size));
    chunk.used += size;
    chunk.live++;
    const kept = new EventBatch({ buffer: chunk.buffer, byteOffset: at, byteLength, count, lastSeq });
    return { batch: kept, chunk };
  }

  /** The history let go of a batch in `chunk`. */
  drop(chunk: Chunk): void {
    chunk.live--;
    this.recycle(chunk);
  }

  /** Holds `chunks` for a reader until the returned release (idempotent) is called. */
  pin(chunks: Iterable<Chunk>): () => void {
    const pinned = new Set(chunks);
    for (const chunk of pinned) chunk.pins++;
    this.snapshots++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.snapshots--;
      for (const chunk of pinned) {
        chunk.pins--;
        this.recycle(chunk);
      }
    };
  }

  private room(size: number): Chunk {
    if (size > CHUNK_BYTES) {
      this.allocated++;
      return new Chunk(size); // one batch alone; never pooled
    }
    if (this.current && this.current.used + size <= CHUNK_BYTES) return this.current;
    const full = this.current;
    const next = this.pool.pop();
    if (next) next.pooled = false;
    else this.allocated++;
    this.current = next ?? new Chunk(CHUNK_BYTES);
    if (full) this.recycle(full);
    return this.current;
  }

  private recycle(chunk: Chunk): void {
    if (chunk === this.current || chunk.live > 0 || chunk.pins > 0 || chunk.pooled) return;
    if (chunk.buffer.byteLength !== CHUNK_BYTES || this.pool.length >= POOL_CHUNKS) return;
    chunk.used = 0;
    chunk.pooled = true;
    this.pool.push(chunk);
  }
}
