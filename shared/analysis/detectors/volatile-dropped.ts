/**
 * Beats of a regular series missing exactly while the polling transport could not be written: the
 * trace of `socket.volatile.emit` (or `io.volatile.emit`) over HTTP long-polling. socket.io drops a
 * volatile packet when `conn.transport.writable` is false, which over polling is the time between
 * one GET's answer and the next GET reaching the server; an ordinary packet emitted then is
 * buffered and arrives in the next answer together with the rest (a burst). The volatile flag is not
 * on the wire and a dropped packet never reaches it, so this is an inference, never certain.
 *
 * The signal, per session and server-to-client event name, over polling only:
 * - a regular series: MIN_BEATS packets of the event, at least half of their latest gaps within
 *   STABLE of their median (the interval);
 * - a gap of at least two intervals before a packet that came alone in its GET answer (no catch-up
 *   burst of that event: buffered packets would have come together), to a GET that had waited at
 *   least WAITED of an interval (a packet written at once was buffered before the GET came);
 * - every missing beat (the previous packet + k intervals) inside a not-writable window: from a GET
 *   answer to the next GET's arrival at the proxy (from the `http` events), within a quarter
 *   interval (the proxy's hops and timer jitter).
 * MIN_GAPS such gaps in one session make one problem per event name.
 *
 * Per packet: only server-to-client EVENT packets over polling do any work (two map lookups and a
 * few comparisons); the median is recomputed every MEDIAN_EVERY packets of a series.
 */
import type { HttpEvent, PacketEvent, ProxyEvent } from '../../events.js';
import type { Detector, DetectorContext, ProblemKind } from '../detector.js';
import { problem, quote } from '../detector.js';

/** Packets of an event before it counts as a regular series. */
export const MIN_BEATS = 10;
/** The middle half of the latest gaps within this fraction of their median. */
export const STABLE = 0.25;
/** Matching gaps in one session before a problem: one alone may be a coincidence. */
export const MIN_GAPS = 2;
const SAMPLES = 16;
const MEDIAN_EVERY = 4;
/**
 * The poll that carries the packet after a gap must have waited this fraction of an interval for
 * it: a packet written at once was already waiting for the poll (buffered, so not volatile), which
 * is what a server whose timer stalled together with the client's polls shows (one process, or one
 * starved machine).
 */
export const WAITED = 0.25;
/** Not-writable windows remembered per session. */
const WINDOWS = 8;
/** Event names followed per session (a session emitting hundreds of names is not a beat). */
const MAX_SERIES = 32;

const FIX =
  "A server-to-client event that came at a steady rate lost beats exactly while the polling transport could not be written (between one poll's answer and the next poll), and nothing caught up afterwards: the signature of socket.volatile.emit (or io.volatile.emit, or a check of socket.conn.transport.writable of the app's own). Volatile is meant to drop: socket.io discards a volatile packet when the transport is not writable, which over HTTP long-polling happens after every answer for the round trip of the next GET (and during an upgrade's pause), while an ordinary emit is buffered and delivered with the next answer. If every beat matters, emit without volatile (socket.emit('tick', data)); if only the latest value matters, volatile is right and the gaps are the price; to avoid the polling gaps altogether let clients use WebSocket (io(url, { transports: ['websocket'] }), or keep the upgrade working). Over WebSocket volatile packets are dropped only while the socket's write buffer is full, which this detector does not see.";

interface Window {
  from: number;
  to: number;
}

interface Series {
  count: number;
  last: number;
  lastSeq: number;
  gaps: number[];
  next: number;
  interval: number;
  /** Packets of this event since the session's last GET answer. */
  inAnswer: number;
  /** A long gap before the first packet of the current answer, judged when the answer is complete. */
  pending?: { prevTs: number; prevSeq: number; seq: number; gap: number };
  matched: number;
  evidence: string[];
  seqs: number[];
  reported: boolean;
}

interface SessionState {
  /** When the latest GET answer was complete (epoch ms). */
  answerEnd?: number;
  windows: Window[];
  series: Map<string, Series>;
}

const VOLATILE_DROPPED: ProblemKind = {
  kind: 'volatile-dropped',
  severity: 'warning',
  confidence: 'likely',
  fix: FIX,
};

export class VolatileDropped implements Detector {
  readonly types = ['packet', 'http'] as const;
  private readonly sessions = new Map<string, SessionState>();

  observe(e: ProxyEvent, ctx: DetectorContext): void {
    if (e.type === 'http') return this.answered(e, ctx);
    if (e.type !== 'packet' || e.direction !== 's2c') return;
    if (e.transport !== 'polling') {
      // Upgraded: the polling windows are over; WebSocket drops are not seen.
      this.sessions.delete(e.sessionId);
      return;
    }
    const event = e.sio?.type === 'EVENT' ? e.sio.event : undefined;
    if (event === undefined) return;
    this.packet(e, event);
  }

  forget(sid: string): void {
    this.sessions.delete(sid);
  }

  private packet(e: PacketEvent, event: string): void {
    let state = this.sessions.get(e.sessionId);
    if (!state) this.sessions.set(e.sessionId, (state = { windows: [], series: new Map() }));
    let s = state.series.get(event);
    if (!s) {
      if (state.series.size >= MAX_SERIES) return;
      s = {
        count: 0,
        last: 0,
        lastSeq: 0,
        gaps: [],
        next: 0,
        interval: 0,
        inAnswer: 0,
        matched: 0,
        evidence: [],
        seqs: [],
        reported: false,
      };
      state.series.set(event, s);
    }
    if (s.count > 0 && s.inAnswer === 0) {
      // Gaps inside one answer are ~0 and say nothing of the rate; the long gaps of dropped beats
      // are sampled too (the median and its half ignore them while they are the minority).
      const gap = e.ts - s.last;
      if (s.count >= MIN_BEATS && s.interval > 0 && gap >= 1.75 * s.interval)
        s.pending = { prevTs: s.last, prevSeq: s.lastSeq, seq: e.seq, gap };
      this.sample(s, gap);
    }
    s.count++;
    s.inAnswer++;
    s.last = e.ts;
    s.lastSeq = e.seq;
  }

  private sample(s: Series, gap: number): void {
    if (s.gaps.length < SAMPLES) s.gaps.push(gap);
    else s.gaps[s.next] = gap;
    s.next = (s.next + 1) % SAMPLES;
    if (s.gaps.length >= MIN_BEATS - 1 && s.next % MEDIAN_EVERY === 0) s.interval = stableMedian(s.gaps);
  }

  /** A GET was answered: the window before it is known, and the packets it carried can be judged. */
  private answered(e: HttpEvent, ctx: DetectorContext): void {
    if (e.method !== 'GET' || e.sessionId === undefined) return;
    const state = this.sessions.get(e.sessionId);
    const end = e.startedAt + e.duration;
    if (!state) return;
    if (state.answerEnd !== undefined && e.startedAt > state.answerEnd) {
      if (state.windows.length >= WINDOWS) state.windows.shift();
      state.windows.push({ from: state.answerEnd, to: e.startedAt });
    }
    state.answerEnd = end;
    for (const [event, s] of state.series) {
      const pending = s.pending;
      if (pending && s.inAnswer === 1 && !s.reported && e.duration >= s.interval * WAITED)
        this.judge(e.sessionId, event, s, state, pending, ctx, e.duration);
      s.pending = undefined;
      s.inAnswer = 0;
    }
  }

  private judge(
    sid: string,
    event: string,
    s: Series,
    state: SessionState,
    p: NonNullable<Series['pending']>,
    ctx: DetectorContext,
    waited: number,
  ): void {
    const interval = s.interval;
    const missing = Math.round(p.gap / interval) - 1;
    if (missing < 1) return;
    const tol = interval / 4;
    const windows: Window[] = [];
    for (let k = 1; k <= missing; k++) {
      const beat = p.prevTs + k * interval;
      const w = state.windows.find((x) => beat >= x.from - tol && beat <= x.to + tol);
      if (!w) return;
      if (!windows.includes(w)) windows.push(w);
    }
    s.matched++;
    s.seqs.push(p.prevSeq, p.seq);
    if (s.evidence.length < 3) {
      const spans = windows.map((w) => `${Math.round(w.to - w.from)} ms`).join(', ');
      s.evidence.push(
        `a gap of ${Math.round(p.gap)} ms (${missing} missing) between packets #${p.prevSeq} and #${p.seq}, over a window of ${spans} with no poll waiting at the target, and #${p.seq} came alone, to a poll that had waited ${Math.round(waited)} ms for it`,
      );
    }
    if (s.matched < MIN_GAPS) return;
    s.reported = true;
    ctx.report(
      problem(VOLATILE_DROPPED, {
        title: `${quote(event)} every ~${Math.round(interval)} ms lost beats while polling could not be written: volatile packets dropped?`,
        detail: `The server sent ${quote(event)} at a steady ~${Math.round(interval)} ms; ${s.matched} gaps of whole intervals fell exactly between a poll's answer and the next poll, with no burst after them. The volatile flag is not on the wire: this is inferred from the timing.`,
        sessionId: sid,
        seqs: s.seqs.slice(0, 16),
        evidence: [
          `${s.count} packets of ${quote(event)} from the server over polling; the median gap of the latest ${s.gaps.length} is ${Math.round(interval)} ms`,
          ...s.evidence,
          'buffered (non-volatile) packets would have come together in the next answer; these did not come at all',
        ],
      }),
    );
  }
}

/**
 * The median of `gaps`, or 0 when fewer than half of them lie within STABLE of it (no steady rate).
 * The median and the half ignore the long gaps of dropped beats while they are the minority.
 */
function stableMedian(gaps: readonly number[]): number {
  const sorted = [...gaps].sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1] ?? 0;
  if (median <= 0) return 0;
  let near = 0;
  for (const g of sorted) if (Math.abs(g - median) <= median * STABLE) near++;
  return near * 2 >= sorted.length ? median : 0;
}
