/**
 * Reads the WebSocket frames of one direction from a copy of the bytes the relay forwards. ws's own
 * Receiver does the parsing (masking, fragments, permessage-deflate with the parameters the two
 * peers negotiated), so we read exactly what the peer will read, without re-framing anything.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { extension, PerMessageDeflate, Receiver } from 'ws';

export interface FrameTapHandlers {
  message(data: Buffer, isBinary: boolean): void;
  /** A close frame went by (the sender's code, 1005 when it gave none). */
  close(code: number): void;
  error(err: Error): void;
}

/** Observation never limits what the peers may send; the target enforces its own maxPayload. */
const NO_LIMIT = 0;

export class FrameTap {
  private readonly receiver: InstanceType<typeof Receiver>;
  private failed = false;
  private readonly masked: boolean;

  /**
   * `fromClient`: frames the client sends (masked). `response`: the target's 101 answer, whose
   * Sec-WebSocket-Extensions says whether and how frames are compressed.
   */
  constructor(fromClient: boolean, response: IncomingHttpHeaders, handlers: FrameTapHandlers) {
    this.masked = fromClient;
    this.receiver = new Receiver({
      isServer: fromClient,
      binaryType: 'nodebuffer',
      extensions: negotiatedExtensions(response, fromClient),
      maxPayload: NO_LIMIT,
      // The peer validates UTF-8 itself; a bad frame shows up as its close, not as our error.
      skipUTF8Validation: true,
      allowSynchronousEvents: true,
    });
    this.receiver.on('message', (data: Buffer, isBinary: boolean) => handlers.message(data, isBinary));
    this.receiver.on('conclude', (code: number) => handlers.close(code));
    this.receiver.on('error', (err: Error) => {
      this.failed = true;
      handlers.error(err);
    });
  }

  /**
   * `chunk` is the very Buffer the relay's pipe writes to the other peer, and the pipe may still hold
   * it in its write queue (the other peer reads slower than this one sends). ws's Receiver unmasks a
   * frame's payload in place, in a view of the chunk when the frame fits in it: masked chunks are
   * copied first, or the peer would get half-unmasked frames. The target's frames are not masked and
   * the Receiver only reads them (inflating and joining fragments make new Buffers).
   */
  write(chunk: Buffer): void {
    if (!this.failed) this.receiver.write(this.masked ? Buffer.from(chunk) : chunk);
  }
}

function negotiatedExtensions(response: IncomingHttpHeaders, fromClient: boolean): Record<string, unknown> {
  const header = response['sec-websocket-extensions'];
  if (!header) return {};
  const offers = extension.parse(header)[PerMessageDeflate.extensionName];
  if (!offers?.length) return {};
  // The client's frames are read as the server reads them, and the other way round; the parameters
  // are the ones the target's answer settled on.
  const deflate = new PerMessageDeflate({ isServer: fromClient, maxPayload: NO_LIMIT });
  deflate.params = deflate.normalizeParams(offers)[0] ?? null;
  return { [PerMessageDeflate.extensionName]: deflate };
}
