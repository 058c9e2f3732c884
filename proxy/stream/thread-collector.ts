/**
 * A full collection of the reader thread's heap, soon after its readers let go of a snapshot.
 *
 * Why: the batches a replay, a capture or a HAR export reads are views of the history's shared
 * chunks (batch-arena.ts), and they outlive the reading in this thread's old generation. A shared
 * chunk's memory is freed only once no thread refers to it, and this thread allocates so little that
 * its own collector would not come for them for minutes: the proxy held 100-250 MB more after each
 * crowd of 20 observers, and climbed from crowd to crowd (`npm run bench`, "History replay under a
 * crowd"; docs/performance.md). The collection runs on this thread only, never on the relay's.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** At most one collection this often, however many snapshots are released. */
const QUIET_MS = 250;

export class ThreadCollector {
  private timer: NodeJS.Timeout | undefined;
  private readonly gc = exposeGc();

  /** A snapshot was released: collect once the releases have paused for QUIET_MS. */
  released(): void {
    if (!this.gc) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.gc?.(), QUIET_MS);
    this.timer.unref();
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
