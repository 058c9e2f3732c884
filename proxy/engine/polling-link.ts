/**
 * The polling transport of one session: the client's requests in flight through the proxy. Each is
 * forwarded to the target as it came (PollingRelay) until intervention terminates the link's wire
 * (polling-wire.ts), which then answers for itself. This keeps count of the client's requests, which
 * tells the session whether it is alive and whether the client overlapped two requests of a kind.
 */
import type { Link } from './link.js';
import type { PollingWire } from './polling-wire.js';
import type { Session } from './session.js';

export type PollKind = 'get' | 'post';

export class PollingLink implements Link {
  readonly transport = 'polling' as const;
  private readonly inflight = { get: 0, post: 0 };
  /** The session and its wire, for a session that opened on polling through this proxy. */
  owner: Session | undefined;
  wire: PollingWire | undefined;
  /** The seq of the last packet event the wire reported (an emit's answer names it). */
  lastSeq = 0;

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
