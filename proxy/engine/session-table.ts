/**
 * The live sessions by sid. A session leaves the table when it says it is closed; the table's sweep
 * gives each the time, and the session decides whether it has been silent for too long.
 */
import { Session } from './session.js';

const SWEEP_EVERY_MS = 5_000;
/** How many ended sessions, and for how long, still own the requests that come in their name. */
const ENDED_KEPT = 256;
const ENDED_KEPT_MS = 60_000;

export class SessionTable {
  private readonly sessions = new Map<string, Session>();
  private readonly ended = new Map<string, { session: Session; at: number }>();
  private readonly sweeper: NodeJS.Timeout;
  private total = 0;
  /** Packets of ended sessions no longer kept (the kept ones may still observe a late packet). */
  private expiredPackets = 0;

  constructor() {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_EVERY_MS);
    this.sweeper.unref();
  }

  get(sid: string | undefined): Session | undefined {
    return sid === undefined ? undefined : this.sessions.get(sid);
  }

  add(session: Session): void {
    this.sessions.set(session.sid, session);
    this.total++;
    session.onClosed(() => this.delete(session));
  }

  private delete(session: Session): void {
    if (this.sessions.get(session.sid) !== session) return;
    this.sessions.delete(session.sid);
    this.ended.set(session.sid, { session, at: Date.now() });
    if (this.ended.size > ENDED_KEPT) {
      const [sid, oldest] = this.ended.entries().next().value as [string, { session: Session }];
      this.expiredPackets += packetsOf(oldest.session);
      this.ended.delete(sid);
    }
  }

  /** Packets of sessions that left the table, so totals stay monotonic. */
  get retiredPackets(): number {
    let n = this.expiredPackets;
    for (const { session } of this.ended.values()) n += packetsOf(session);
    return n;
  }

  /**
   * A session that left the table lately. A client still sends in its name after the proxy saw it
   * end: its close packet after "xhr poll error" when the target went down, a poll already under way.
   */
  recentlyEnded(sid: string | undefined): Session | undefined {
    const e = sid === undefined ? undefined : this.ended.get(sid);
    return e && Date.now() - e.at < ENDED_KEPT_MS ? e.session : undefined;
  }

  get size(): number {
    return this.sessions.size;
  }

  get created(): number {
    return this.total;
  }

  values(): IterableIterator<Session> {
    return this.sessions.values();
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const now = Date.now();
    for (const s of this.sessions.values()) s.checkSilence(now);
  }
}

function packetsOf(session: Session): number {
  return session.counters.packets.c2s + session.counters.packets.s2c;
}
