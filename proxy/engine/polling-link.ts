/**
 * The polling transport of one session: the client's requests in flight through the proxy. Each is
 * forwarded to the target as it came (PollingRelay); this keeps count of them, which tells the
 * session whether it is alive and whether the client overlapped two requests of a kind.
 */
import type { Link } from './link.js';

export type PollKind = 'get' | 'post';

export class PollingLink implements Link {
  readonly transport = 'polling' as const;
  private readonly inflight = { get: 0, post: 0 };

  /** A request started; true when another of its kind was already in flight. */
  started(kind: PollKind): boolean {
    return this.inflight[kind]++ > 0;
  }

  ended(kind: PollKind): void {
    this.inflight[kind]--;
  }

  get busy(): boolean {
    return this.inflight.get > 0 || this.inflight.post > 0;
  }

  /** Requests of each kind in flight now. */
  get requests(): Readonly<Record<PollKind, number>> {
    return this.inflight;
  }
}
