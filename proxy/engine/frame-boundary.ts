/**
 * Finds where WebSocket messages end in a byte stream, reading frame headers only (RFC 6455 §5.2):
 * a relay that pipes bytes can hand the stream over to a parser at a message boundary, and never in
 * the middle of a frame or between the fragments of one message (control frames may sit between
 * fragments; data frames of another message may not).
 */
export class FrameBoundary {
  /** Header bytes of the frame being read, when a chunk ended inside its header. */
  private header = Buffer.alloc(14);
  private headerLength = 0;
  /** Payload bytes of the current frame still to come. */
  private remaining = 0;
  private inPayload = false;
  /** A data frame without FIN went by: the message goes on in continuation frames. */
  private fragmented = false;
  /** Units read whole: messages (their last frame) and control frames, as a parser emits them. */
  units = 0;

  /** Between two messages: no frame half read, no fragmented message open. */
  get atBoundary(): boolean {
    return !this.inPayload && this.headerLength === 0 && !this.fragmented;
  }

  /**
   * Reads `chunk` and returns the offset just past the first message boundary in it when `stopAt`
   * is set (0 when the stream is at one already), else -1 after reading it whole. Bytes past the
   * returned offset are left unread, for whoever takes the stream over.
   */
  scan(chunk: Buffer, stopAt = false): number {
    if (stopAt && this.atBoundary) return 0;
    let i = 0;
    while (i < chunk.length) {
      if (this.inPayload) {
        const n = Math.min(this.remaining, chunk.length - i);
        this.remaining -= n;
        i += n;
        if (this.remaining > 0) return -1;
        this.inPayload = false;
        if (stopAt && this.atBoundary) return i;
        continue;
      }
      const need = this.headerNeeds(chunk, i);
      if (need > chunk.length - i + this.headerLength) {
        chunk.copy(this.header, this.headerLength, i);
        this.headerLength += chunk.length - i;
        return -1;
      }
      const take = need - this.headerLength;
      chunk.copy(this.header, this.headerLength, i, i + take);
      i += take;
      this.frameStarts();
      if (!this.inPayload && stopAt && this.atBoundary) return i;
    }
    return -1;
  }

  /** The whole header's length, from the bytes of it known (held ones first, then `chunk` at `i`). */
  private headerNeeds(chunk: Buffer, i: number): number {
    const byteAt = (k: number) =>
      k < this.headerLength ? this.header[k]! : (chunk[i + k - this.headerLength] ?? -1);
    const second = byteAt(1);
    if (second < 0) return Number.POSITIVE_INFINITY; // not even the length byte yet: hold what there is
    const len7 = second & 0x7f;
    const masked = (second & 0x80) !== 0;
    return 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (masked ? 4 : 0);
  }

  private frameStarts(): void {
    const h = this.header;
    const fin = (h[0]! & 0x80) !== 0;
    const opcode = h[0]! & 0x0f;
    const len7 = h[1]! & 0x7f;
    const length = len7 === 126 ? h.readUInt16BE(2) : len7 === 127 ? Number(h.readBigUInt64BE(2)) : len7;
    this.headerLength = 0;
    if (opcode < 0x08) this.fragmented = !fin; // control frames leave a fragmented message open
    if (opcode >= 0x08 || fin) this.units++;
    this.remaining = length;
    this.inPayload = length > 0;
  }
}
