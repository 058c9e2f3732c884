/**
 * A run of consecutive events as observers get them: one JSON array, `[e1,e2,...]`, encoded to UTF-8
 * once and shared by every WebSocket observer and the history.
 *
 * Why Buffers: with one string per event held in the history (100 000 of them by default), every
 * event's JSON outlived the young generation and was copied into the old one, and each observer
 * joined and encoded the same events again for its own messages. Profiles of the messages/s test
 * put that at about a third of the proxy's CPU. A batch's bytes live outside the JS heap, and the
 * per-event strings die young.
 */
export class EventBatch {
  /** The message: a JSON array of the events, UTF-8. */
  readonly bytes: Buffer;
  readonly count: number;
  readonly lastSeq: number;
  /** Each event's JSON length in UTF-16 units, to split the decoded text again (late readers only). */
  private readonly lengths: number[];

  constructor(jsons: readonly string[], lastSeq: number) {
    this.bytes = utf8(`[${jsons.join(',')}]`);
    this.count = jsons.length;
    this.lastSeq = lastSeq;
    this.lengths = jsons.map((j) => j.length);
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
 * `Buffer.from(text, 'utf8')`, faster for ASCII: V8 encodes UTF-8 a character at a time (about a
 * quarter of a batch's cost in profiles), while counting the bytes is cheaper, and when there are as
 * many bytes as characters the text is ASCII, whose Latin-1 encoding is the same bytes, copied.
 */
function utf8(text: string): Buffer {
  return Buffer.byteLength(text, 'utf8') === text.length
    ? Buffer.from(text, 'latin1')
    : Buffer.from(text, 'utf8');
}
