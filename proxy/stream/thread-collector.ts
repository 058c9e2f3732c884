/**
 * A full collection of the reader thread's heap, soon after its readers let go of a snapshot, and
 * after every 64 MB of live batches.
 *
 * Why: the batches a replay, a capture or a HAR export reads are views of the history's shared
 * chunks (batch-arena.ts), and they outlive the reading in this thread's old generation. A shared
 * chunk's memory is freed only once no thread refers to it, and this thread allocates so little that
 * its own collector would not come for them for minutes: the proxy held 100-250 MB more after each
 * crowd of 20 observers, and climbed from crowd to crowd (`npm run bench`, "History replay under a
 * crowd"; docs/performance.md); with five observers under load, 254 MB against 200 MB. The
 * collection runs on this thread only, never on the relay's.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** A collection waits for the releases to pause this long: one for a crowd, not one each. */
const QUIET_MS = 250;
/**
 * Live batches received between two collections (their bytes). They are shared memory too, and an
 * observer's queue can keep one long enough for it to reach the old generation.
 */
const RECEIVED_BYTES = 64 * 1024 * 1024;

export class ThreadCollector {
  private timer: NodeJS.Timeout | undefined;
  private received = 0;
  private readonly gc = exposeGc();

  /** A snapshot was released: collect once the releases have paused for QUIET_MS. */
  released(): void {
    if (!this.gc) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.collect(), QUIET_MS);
    this.timer.unref();
  }

  /** A live batch of `bytes` arrived: collect after every RECEIVED_BYTES of them. */
  receivedBatch(bytes: number): void {
    this.received += bytes;
    if (this.received >= RECEIVED_BYTES && this.timer === undefined) this.released();
  }

  private collect(): void {
    this.timer = undefined;
    this.received = 0;
    this.gc?.();
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

/**
 * V8's own `gc`, for this thread's isolate: the flag exposes it to contexts made afterwards (it is
 * process-wide, and changes nothing else). Undefined where the flag cannot be set.
 */
function exposeGc(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}
