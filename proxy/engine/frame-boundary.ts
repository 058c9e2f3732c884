/**
 * Finds where WebSocket messages end in a byte stream, reading frame headers only (RFC 6455 §5.2):
 * a relay that pipes bytes can hand the stream over to a parser at a message boundary, and never in
 * the middle of a frame or between the fragments of one message (control frames may sit between
 * fragments; data frames of another message may not).
 *
 * It runs on every chunk of every piped WebSocket, so it reads headers in place, byte by byte: no
 * closure, no `Buffer#copy` (which makes a Uint8Array view per call) and no BigInt per frame. Only a
 * header split across chunks is gathered in `header` (issue #9's latency A/B, docs/performance.md).
 */
export class FrameBoundary {
  /** Header bytes of the frame being read, when a chunk ended inside its header (made then: rare). */
  private header: Uint8Array | undefined;
  private headerLength = 0;
  /** Payload bytes of the current frame still to come. */
  private remaining = 0;
  private inPayload = false;
  /** A data frame without FIN went by: the message goes on in continuation frames. */
  private fragmented = false;
  /** Units read whole: messages (their last frame) and control frames, as a parser emits them. */
  units = 0;
  /** Payload bytes of the current (or last) message's data frames, as far as their headers say. */
  messageBytes = 0;
  /**
   * When above 0, `scan` stops just past the header of the data frame that takes a message over this
   * many payload bytes (once per message), and `overStart` says where in the chunk that header began
   * (0: in an earlier chunk): a reader can then skip the message without having gathered it.
   */
  limit = 0;
  overStart = 0;
  /** The current message went over `limit`. */
  private over = false;

  /** Between two messages: no frame half read, no fragmented message open. */
  get atBoundary(): boolean {
    return !this.inPayload && this.headerLength === 0 && !this.fragmented;
  }

  /**
   * Reads `chunk` and returns the offset just past the first message boundary in it when `stopAt`
   * is set (0 when the stream is at one already), else -1 after reading it whole; or, with `limit`,
   * the offset just past the header of a frame that takes its message over it. With `admits`,
   * each message that starts in `chunk` is shown to it first (its first byte at `at`, the rest of its
   * header not necessarily in `chunk`), and the scan stops at the start of the first one it refuses:
   * the returned offset is then that start. Bytes past the returned offset are left unread, for
   * whoever takes the stream over.
   */
  scan(chunk: Uint8Array, stopAt = false, admits?: (chunk: Uint8Array, at: number) => boolean): number {
    if (stopAt && this.atBoundary) return 0;
    const end = chunk.length;
    let i = 0;
    while (i < end) {
      if (
        admits !== undefined &&
        !this.inPayload &&
        this.headerLength === 0 &&
        !this.fragmented &&
        (chunk[i]! & 0x0f) < 0x08 &&
        !admits(chunk, i)
      )
        return i;
      if (this.inPayload) {
        const n = Math.min(this.remaining, end - i);
        this.remaining -= n;
        i += n;
        if (this.remaining > 0) return -1;
        this.inPayload = false;
        if (stopAt && this.atBoundary) return i;
        continue;
      }
      const start = this.headerLength === 0 ? i : 0;
      let crossed: boolean;
      if (this.headerLength === 0 && end - i >= 2 && end - i >= headerSize(chunk[i + 1]!)) {
        // The usual case: the whole header is in this chunk.
        crossed = this.frameStarts(chunk, i);
        i += headerSize(chunk[i + 1]!);
      } else {
        const h = (this.header ??= new Uint8Array(14));
        while (i < end && (this.headerLength < 2 || this.headerLength < headerSize(h[1]!)))
          h[this.headerLength++] = chunk[i++]!;
        if (this.headerLength < 2 || this.headerLength < headerSize(h[1]!)) return -1;
        this.headerLength = 0;
        crossed = this.frameStarts(h, 0);
      }
      if (crossed) {
        this.overStart = start;
        return i;
      }
      if (!this.inPayload && stopAt && this.atBoundary) return i;
    }
    return -1;
  }

  /** A frame whose header starts at `h[at]` (whole); true when it takes its message over `limit`. */
  private frameStarts(h: Uint8Array, at: number): boolean {
    const fin = (h[at]! & 0x80) !== 0;
    const opcode = h[at]! & 0x0f;
    const length = payloadLength(h, at);
    if (opcode < 0x08) {
      // A new message (a text or binary frame outside a fragmented one: inside, it is a protocol
      // error the peer fails on, and the message over the limit is not over yet).
      if (opcode !== 0 && !this.fragmented) this.over = false;
      this.fragmented = !fin; // control frames leave a fragmented message open
      this.messageBytes = opcode === 0 ? this.messageBytes + length : length;
    }
    if (opcode >= 0x08 || fin) this.units++;
    this.remaining = length;
    this.inPayload = length > 0;
    if (opcode >= 0x08 || this.limit === 0 || this.over || this.messageBytes <= this.limit) return false;
    return (this.over = true);
  }
}

/** The length of a frame header, from its second byte (payload length and mask bit). */
export function headerSize(second: number): number {
  const len7 = second & 0x7f;
  return 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (second & 0x80 ? 4 : 0);
}

/** The payload length of the frame whose header (whole) starts at `h[at]`. */
export function payloadLength(h: Uint8Array, at: number): number {
  const len7 = h[at + 1]! & 0x7f;
  return len7 === 126
    ? (h[at + 2]! << 8) | h[at + 3]!
    : len7 === 127
      ? uint32(h, at + 2) * 0x1_0000_0000 + uint32(h, at + 6)
      : len7;
}

function uint32(h: Uint8Array, at: number): number {
  return h[at]! * 0x100_0000 + ((h[at + 1]! << 16) | (h[at + 2]! << 8) | h[at + 3]!);
}
