/**
 * Runs the detectors over a stream of events and hands each problem they find to `report`. It owns
 * the per-session facts the detectors share (client key, maxPayload), decides which of a session's
 * two `close` events is its end, and bounds everything: sessions are forgotten when they end, and
 * past MAX_SESSIONS the oldest are forgotten first (a capture that never shows their close).
 * It also keeps the clock for the detectors that wait for something (an ACK, an upgrade): the
 * events' own time, and `tick(now)` from the proxy's timer for a session that has gone quiet.
 */
import type { ProxyEvent, ProxyEventType } from '../events.js';
import type { AnalysisOptions, Detector, DetectorContext, ProblemReport, SessionFacts } from './detector.js';
import { allDetectors } from './detectors/index.js';

export const MAX_SESSIONS = 50_000;
/** Ended sessions remembered, so that the second leg's close is not taken for an end. */
const MAX_ENDED = 4096;
/**
 * socket.io's documentation writes `socket.timeout(5000).emit(...)` in every acknowledgement example,
 * and apps copy it: an ACK later than that has most likely met a timeout error already.
 */
export const DEFAULT_ACK_TIMEOUT_MS = 5000;
/** engine.io-client probes right after the open packet: 5 s without an upgrade is not a slow network. */
export const DEFAULT_UPGRADE_WINDOW_MS = 5000;
/** How far the events' clock moves before the timed detectors look again. */
const TICK_MS = 250;

export const DEFAULT_ANALYSIS_OPTIONS: Readonly<AnalysisOptions> = {
  ackTimeoutMs: DEFAULT_ACK_TIMEOUT_MS,
  upgradeWindowMs: DEFAULT_UPGRADE_WINDOW_MS,
};

export class Analyzer {
  private readonly sessions = new Map<string, SessionFacts>();
  private readonly ended = new Set<string>();
  private readonly ctx: DetectorContext;
  /** The detectors of each event type, so that an event costs only the detectors that read it. */
  private readonly byType = new Map<ProxyEventType, Detector[]>();
  private readonly timed: Detector[];
  private lastTick = 0;

  constructor(
    report: (problem: ProblemReport) => void,
    private readonly detectors: readonly Detector[] = allDetectors(),
    options: Partial<AnalysisOptions> = {},
  ) {
    this.ctx = {
      session: (sid) => this.sessions.get(sid),
      report,
      options: { ...DEFAULT_ANALYSIS_OPTIONS, ...options },
    };
    this.timed = detectors.filter((d) => d.tick);
    for (const d of detectors) {
      for (const type of d.types) {
        const list = this.byType.get(type);
        if (list) list.push(d);
        else this.byType.set(type, [d]);
      }
    }
  }

  observe(e: ProxyEvent): void {
    this.record(e);
    // After the event, so that an ACK or a close at this instant counts before the windows judge.
    if (e.ts - this.lastTick >= TICK_MS) this.tick(e.ts);
  }

  private record(e: ProxyEvent): void {
    switch (e.type) {
      case 'problem':
        return; // ours, or the proxy's: never evidence of another
      case 'session':
        this.sessions.set(e.sessionId, {
          clientKey: e.clientKey,
          eio: e.eio,
          peer: `${e.handshake.address} ${String(e.handshake.headers['user-agent'] ?? '')}`,
          pingTimeout: e.open.pingTimeout,
          ...(e.open.maxPayload !== undefined ? { maxPayload: e.open.maxPayload } : {}),
        });
        if (this.sessions.size > MAX_SESSIONS) this.evictOldest();
        break;
      case 'close':
        if (this.ended.has(e.sessionId)) return;
        this.dispatch(e);
        this.end(e.sessionId);
        return;
      default:
        break;
    }
    this.dispatch(e);
  }

  /** Lets the timed detectors judge what should have come by `now` (epoch ms). */
  tick(now: number): void {
    if (now < this.lastTick) return;
    this.lastTick = now;
    for (const d of this.timed) d.tick?.(now, this.ctx);
  }

  /** Sessions currently tracked (for tests and diagnostics). */
  get size(): number {
    return this.sessions.size;
  }

  private dispatch(e: ProxyEvent): void {
    const list = this.byType.get(e.type);
    if (list) for (const d of list) d.observe(e, this.ctx);
  }

  private end(sid: string): void {
    this.ended.add(sid);
    if (this.ended.size > MAX_ENDED) {
      const oldest = this.ended.values().next();
      if (!oldest.done) this.ended.delete(oldest.value);
    }
    this.forget(sid);
  }

  private evictOldest(): void {
    const oldest = this.sessions.keys().next();
    if (!oldest.done) this.forget(oldest.value);
  }

  private forget(sid: string): void {
    this.sessions.delete(sid);
    for (const d of this.detectors) d.forget?.(sid);
  }
}
