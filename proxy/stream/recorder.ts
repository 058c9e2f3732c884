/**
 * `--record FILE`: every event appended to FILE as NDJSON while the proxy runs. Writes go through a
 * file stream whose buffer we bound: when the disk is slower than the events, events are dropped
 * (with a `dropped` line in their place and one warning) instead of growing memory or slowing the
 * relay. The file is opened synchronously so that a bad path fails at start, not at the first event.
 */
import { createWriteStream, openSync, type WriteStream } from 'node:fs';
import type { Logger } from '../log.js';
import type { EventStream } from './event-stream.js';
import { droppedJson } from './serialize.js';

/** Unwritten bytes (the file stream's `writableLength`) held before events are dropped. */
export const DEFAULT_RECORD_BUFFER = 16 * 1024 * 1024;

export interface RecorderOptions {
  maxBuffered?: number;
  log?: Logger;
}

export class Recorder {
  private readonly out: WriteStream;
  private readonly unsubscribe: () => void;
  private readonly maxBuffered: number;
  private dropped = 0;
  private droppedTotal = 0;
  private lastDroppedSeq = 0;
  private warned = false;
  private failed: Error | undefined;
  private closing: Promise<void> | undefined;

  /** Throws (ENOENT, EACCES, ...) when FILE cannot be opened for appending. */
  constructor(
    readonly file: string,
    stream: EventStream,
    private readonly opts: RecorderOptions = {},
  ) {
    this.maxBuffered = opts.maxBuffered ?? DEFAULT_RECORD_BUFFER;
    const fd = openSync(file, 'a');
    this.out = createWriteStream(file, { fd });
    this.out.on('error', (err) => {
      // A full disk or a vanished mount: say it once and stop recording; relaying goes on.
      if (this.failed) return;
      this.failed = err;
      this.opts.log?.warn(`--record ${file}: ${err.message}; recording stopped`);
      this.unsubscribe();
    });
    this.unsubscribe = stream.subscribe((json, seq) => this.write(json, seq));
  }

  /** On the relay's path: hand the line to the stream's buffer, or count it as dropped. */
  private write(json: string, seq: number): void {
    if (this.failed) return;
    if (this.out.writableLength > this.maxBuffered) {
      this.dropped++;
      this.droppedTotal++;
      this.lastDroppedSeq = seq;
      if (!this.warned) {
        this.warned = true;
        this.opts.log?.warn(`--record ${this.file}: the disk is slower than the events; dropping some`);
      }
      return;
    }
    this.flushDropped();
    this.out.write(`${json}\n`);
  }

  private flushDropped(): void {
    if (this.dropped === 0) return;
    this.out.write(`${droppedJson(this.dropped, 'recording too slow (disk)', this.lastDroppedSeq)}\n`);
    this.dropped = 0;
  }

  /** Stops taking events, writes what is buffered (and a last `dropped` line) and closes the file. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.unsubscribe();
      if (this.failed || this.out.destroyed) return resolve();
      this.flushDropped();
      if (this.droppedTotal > 0)
        this.opts.log?.warn(`--record ${this.file}: ${this.droppedTotal} event(s) dropped in all`);
      this.out.once('error', () => resolve());
      this.out.end(() => resolve());
    });
    return this.closing;
  }
}
