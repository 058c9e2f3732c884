/**
 * A run of consecutive events as observers get them: one JSON array, `[e1,e2,...]`, encoded to UTF-8
 * once and shared by every WebSocket observer and the history.
 *
 * Why Buffers: with one string per event held in the history (100 000 of them by default), every
 * event's JSON outlived the young generation and was copied into the old one, and each observer
 * joined and encoded the same events again for its own messages. Profiles of the messages/s test
 * put that at about a third of the proxy's CPU. A batch's bytes live outside the JS heap, and the
 * per-event strings die young.
 *
 * Why shared memory: the observers may be served from a thread of their own (reader-thread.ts),
 * which gets the held batches themselves, not copies: a batch's bytes and its events' lengths sit in
 * one SharedArrayBuffer, which a postMessage shares rather than copies (allocating one costs what
 * `Buffer.from` of the same text does).
 */
export class EventBatch {
  /** The message: a JSON array of the events, UTF-8. */
  readonly bytes: Buffer;
  readonly count: number;
  readonly lastSeq: number;
  /** Each event's JSON length in UTF-16 units, to split the decoded text again (late readers only). */
  private readonly lengths: Uint32Array;

  constructor(jsons: readonly string[], lastSeq: number);
  constructor(shared: SharedBatch);
  constructor(jsonsOrShared: readonly string[] | SharedBatch, lastSeq = 0) {
    if (!Array.isArray(jsonsOrShared)) {
      const shared = jsonsOrShared as SharedBatch;
      this.count = shared.count;
      this.lastSeq = shared.lastSeq;
      const at = shared.byteOffset ?? 0;
      this.bytes = Buffer.from(shared.buffer, at, shared.byteLength);
      this.lengths = new Uint32Array(shared.buffer, at + lengthsAt(shared.byteLength), shared.count);
      return;
    }
    const jsons = jsonsOrShared as readonly string[];
    // The brackets are written around the joined text, not concatenated to it: `[${joined}]` is a
    // cons string, which counting its bytes would flatten into a second copy of the batch's text.
    const joined = jsons.join(',');
    // V8 encodes UTF-8 a character at a time (about a quarter of a batch's cost in profiles), while
    // counting the bytes is cheaper, and when there are as many bytes as characters the text is
    // ASCII, whose Latin-1 encoding is the same bytes, copied.
    const inner = Buffer.byteLength(joined, 'utf8');
    const byteLength = inner + 2;
    const buffer = new SharedArrayBuffer(sharedSize(byteLength, jsons.length));
    this.bytes = Buffer.from(buffer, 0, byteLength);
    this.bytes[0] = 0x5b; // [
    this.bytes.write(joined, 1, inner, inner === joined.length ? 'latin1' : 'utf8');
    this.bytes[byteLength - 1] = 0x5d; // ]
    this.lengths = new Uint32Array(buffer, lengthsAt(byteLength), jsons.length);
    for (let i = 0; i < jsons.length; i++) this.lengths[i] = jsons[i]!.length;
    this.count = jsons.length;
    this.lastSeq = lastSeq;
  }

  /** What another thread needs to read this batch, its memory shared (see above). */
  get shared(): SharedBatch {
    return {
      buffer: this.bytes.buffer as SharedArrayBuffer,
      byteOffset: this.bytes.byteOffset,
      byteLength: this.bytes.length,
      count: this.count,
      lastSeq: this.lastSeq,
    };
  }

  /** The message for its events from the `skip`-th on: its own bytes when that is all of them. */
  message(skip = 0): Buffer | string {
    return skip === 0 ? this.bytes : `[${this.json(skip).join(',')}]`;
  }

  /** The events' JSON from the `skip`-th on, as serialised (decoded again: not on the relay's path). */
  json(skip = 0): string[] {
    const text = this.bytes.toString('utf8', 1, this.bytes.length - 1);
    const out: string[] = [];
    let at = 0;
    for (let i = 0; i < this.count; i++) {
      const length = this.lengths[i]!;
      if (i >= skip) out.push(text.slice(at, at + length));
      at += length + 1; // and the comma
    }
    return out;
  }
}

/**
 * A batch as posted to another thread: its SharedArrayBuffer holds, from `byteOffset` (a multiple of
 * 4; 0 when absent), the bytes, then the lengths (the history's batches sit in shared chunks:
 * batch-arena.ts).
 */
export interface SharedBatch {
  buffer: SharedArrayBuffer;
  byteOffset?: number;
  byteLength: number;
  count: number;
  lastSeq: number;
}

/** The lengths start on the first 4-byte boundary after the bytes (a Uint32Array's alignment). */
function lengthsAt(byteLength: number): number {
  return (byteLength + 3) & ~3;
}

/** The shared memory a batch takes, bytes and lengths: a multiple of 4. */
export function sharedSize(byteLength: number, count: number): number {
  return lengthsAt(byteLength) + 4 * count;
}
