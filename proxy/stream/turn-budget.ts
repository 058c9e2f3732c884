/**
 * One budget of bytes per turn of the event loop, shared by the readers of the history (observers
 * replaying it, capture downloads): however many start at once, together they write at most
 * `perTurn` bytes between two chances of the relay to run, so a crowd of dashboards opening over a
 * full history costs each ack a fraction of a millisecond, not the crowd's sum. Beyond it a reader
 * waits for a later turn (first come, first served). Searches use one of one unit: a slice a turn.
 */
export class TurnBudget {
  private used = 0;
  private readonly waiting: Array<{ bytes: number; go: () => void }> = [];
  private turn: NodeJS.Immediate | undefined;

  constructor(readonly perTurn: number) {}

  /** Resolves when `bytes` may be written: at once while this turn has budget left. */
  take(bytes: number): Promise<void> {
    if (this.used < this.perTurn && this.waiting.length === 0) {
      this.used += bytes;
      this.next();
      return Promise.resolve();
    }
    return new Promise((go) => {
      this.waiting.push({ bytes, go });
      this.next();
    });
  }

  private next(): void {
    this.turn ??= setImmediate(() => {
      this.turn = undefined;
      this.used = 0;
      while (this.waiting.length > 0 && this.used < this.perTurn) {
        const { bytes, go } = this.waiting.shift()!;
        this.used += bytes;
        go();
      }
      if (this.used > 0) this.next();
    });
  }
}

/** 128 KB a turn: about 0.1 ms of socket writes. */
export const REPLAY_BYTES_PER_TURN = 128 * 1024;
