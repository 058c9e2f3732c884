/**
 * A reconnect storm: STORM_CLIENTS different clients' reconnect attempts (`attempt` events with
 * `attempt >= 1`) within STORM_WINDOW_MS, the signature of clients dropped by one cause (a target
 * restart, a balancer reload) that all wait the same delay: `randomizationFactor: 0` or a fixed
 * delay of the app's own. One problem per wave, raised when the wave is over (STORM_WINDOW_MS
 * without another attempt), with its count, its span and the spread of the clients' delays.
 *
 * Attempts are rare next to packets: the detector reads nothing else. State: the latest
 * STORM_CLIENTS attempts, and the wave in progress (its clients bounded by MAX_CLIENTS); nothing per
 * session.
 */
import type { AttemptEvent, ProxyEvent } from '../../events.js';
import type { Detector, DetectorContext, ProblemKind } from '../detector.js';
import { problem } from '../detector.js';

/**
 * socket.io-client's default jitter (randomizationFactor 0.5 on reconnectionDelay 1000) spreads the
 * first retries of clients dropped together over a second (0.5 to 1.5 s): ten within a quarter of
 * that takes some forty clients, while without jitter ten come within a few milliseconds.
 */
export const STORM_CLIENTS = 10;
export const STORM_WINDOW_MS = 250;
/** Clients counted by name in one wave; past it, attempts are counted only. */
const MAX_CLIENTS = 10_000;
/** Attempts the problem links to (the first ones). */
const MAX_SEQS = 50;

const FIX =
  'Many clients came back at the same moment after one drop: every client waited the same delay, so the server takes every handshake, every middleware run (a token check, a database read) and every room join at once, and under that load it may refuse or time out some of them, which come back together again on the next step of the backoff. socket.io-client spreads its retries with randomizationFactor (0.5 by default: each delay is random between half and one and a half of it). Keep it, or raise it; do not set it to 0, and do not reconnect on a fixed timer of your own: io(url, { reconnectionDelay: 1000, reconnectionDelayMax: 5000, randomizationFactor: 0.5 }). With very many clients (hundreds dropped together) raise reconnectionDelay and reconnectionDelayMax as well, so the wave spreads over more seconds.';

interface Recent {
  ts: number;
  seq: number;
  clientKey: string;
  delay: number;
  cause: string | undefined;
}

interface Wave {
  firstTs: number;
  lastTs: number;
  count: number;
  clients: Set<string>;
  seqs: number[];
  minDelay: number;
  maxDelay: number;
  causes: Map<string, number>;
}

const RECONNECT_STORM: ProblemKind = {
  kind: 'reconnect-storm',
  severity: 'warning',
  confidence: 'likely',
  fix: FIX,
};

export class ReconnectStorm implements Detector {
  readonly types = ['attempt'] as const;
  /** The latest attempts, oldest first (at most STORM_CLIENTS). */
  private readonly recent: Recent[] = [];
  private wave: Wave | undefined;

  observe(e: ProxyEvent, ctx: DetectorContext): void {
    if (e.type !== 'attempt' || e.attempt < 1) return;
    if (this.wave && e.ts - this.wave.lastTs > STORM_WINDOW_MS) this.end(ctx);
    const a: Recent = { ts: e.ts, seq: e.seq, clientKey: e.clientKey, delay: e.delay, cause: e.cause };
    if (this.wave) return this.join(this.wave, a);
    this.recent.push(a);
    if (this.recent.length > STORM_CLIENTS) this.recent.shift();
    if (this.isStorm(e)) {
      const wave = this.newWave(a.ts);
      for (const r of this.recent.splice(0)) this.join(wave, r);
      this.wave = wave;
    }
  }

  tick(now: number, ctx: DetectorContext): void {
    if (this.wave && now - this.wave.lastTs > STORM_WINDOW_MS) this.end(ctx);
  }

  /** The latest STORM_CLIENTS attempts are of as many clients and within the window. */
  private isStorm(e: AttemptEvent): boolean {
    const first = this.recent[0];
    if (this.recent.length < STORM_CLIENTS || !first || e.ts - first.ts > STORM_WINDOW_MS) return false;
    return new Set(this.recent.map((r) => r.clientKey)).size >= STORM_CLIENTS;
  }

  private newWave(ts: number): Wave {
    return {
      firstTs: ts,
      lastTs: ts,
      count: 0,
      clients: new Set(),
      seqs: [],
      minDelay: Infinity,
      maxDelay: -Infinity,
      causes: new Map(),
    };
  }

  private join(w: Wave, a: Recent): void {
    w.firstTs = Math.min(w.firstTs, a.ts);
    w.lastTs = Math.max(w.lastTs, a.ts);
    w.count++;
    if (w.clients.size < MAX_CLIENTS) w.clients.add(a.clientKey);
    if (w.seqs.length < MAX_SEQS) w.seqs.push(a.seq);
    w.minDelay = Math.min(w.minDelay, a.delay);
    w.maxDelay = Math.max(w.maxDelay, a.delay);
    const cause = a.cause ?? '';
    w.causes.set(cause, (w.causes.get(cause) ?? 0) + 1);
  }

  private end(ctx: DetectorContext): void {
    const w = this.wave;
    this.wave = undefined;
    if (!w) return;
    const span = w.lastTs - w.firstTs;
    // The most common reason of the drops ('' where the proxy did not see the drop's reason).
    const [cause, causeCount] = [...w.causes].sort((x, y) => y[1] - x[1])[0] ?? ['', 0];
    const clients = w.clients.size >= MAX_CLIENTS ? `${MAX_CLIENTS}+` : String(w.clients.size);
    const jitter = w.maxDelay - w.minDelay;
    ctx.report(
      problem(RECONNECT_STORM, {
        title: `${clients} clients reconnected within ${fmtSeconds(span)}${cause ? ` after "${cause}"` : ''}: a reconnect storm`,
        detail: `their delays since the drop span ${Math.round(w.minDelay)} to ${Math.round(w.maxDelay)} ms`,
        seqs: w.seqs,
        evidence: [
          `${w.count} reconnect attempts of ${clients} clients between ${isoTime(w.firstTs)} and ${isoTime(w.lastTs)} (${Math.round(span)} ms)`,
          cause
            ? `${causeCount} of them after a drop with reason "${cause}"`
            : `the reason of ${causeCount} of the drops is not known`,
          jitter <= STORM_WINDOW_MS
            ? `their delays since the drop span ${Math.round(jitter)} ms (${Math.round(w.minDelay)} to ${Math.round(w.maxDelay)} ms): the same delay for every client, no jitter`
            : `their delays since the drop span ${Math.round(jitter)} ms (${Math.round(w.minDelay)} to ${Math.round(w.maxDelay)} ms)`,
          `a storm is ${STORM_CLIENTS} clients or more within ${STORM_WINDOW_MS} ms`,
        ],
      }),
    );
  }
}

const fmtSeconds = (ms: number): string => `${(ms / 1000).toFixed(ms < 1000 ? 2 : 1)} s`;
const isoTime = (ts: number): string => new Date(ts).toISOString().slice(11, 23);
