/**
 * The live sessions by sid. A session leaves the table when it closes, or when nothing crossed it for
 * longer than its own heartbeat allows (pingInterval + pingTimeout), which is when both peers would
 * have given up on it too.
 */
import { Session } from './session.js';

const SWEEP_EVERY_MS = 5_000;
/** Slack on top of the heartbeat window, so that the target always gives up before we forget. */
const GRACE_MS = 10_000;

export class SessionTable {
  private readonly sessions = new Map<string, Session>();
  private readonly sweeper: NodeJS.Timeout;
  private total = 0;
  /** Packets of sessions that left the table, so totals stay monotonic. */
  retiredPackets = 0;

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
  }

  delete(session: Session): void {
    if (this.sessions.get(session.sid) !== session) return;
    this.sessions.delete(session.sid);
    this.retiredPackets += session.counters.packets.c2s + session.counters.packets.s2c;
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
    for (const s of this.sessions.values()) {
      const window = (s.open.pingInterval || 25_000) + (s.open.pingTimeout || 20_000) + GRACE_MS;
      if (!s.wsOpen && s.inflight.get === 0 && s.inflight.post === 0 && now - s.lastSeen > window) {
        s.endBoth({ leg: 'client', kind: 'silence' });
        this.delete(s);
      }
    }
  }
}
