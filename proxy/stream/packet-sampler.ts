/**
 * Under overload the event stream samples packet events rather than take CPU from the relay
 * (issue #14): when serialising, holding and batching every event would cost more than `budget` of
 * the wall time, only 1 `packet` event in `every` goes on into the stream (history, observers,
 * captures, HAR, recordings); the others are counted, exactly, per session, direction and event
 * name, and skip all of the stream's work. Every other event (session, close, ack, problem,
 * intervention, ...) and every packet the proxy injected or edited is always kept. A `sampling`
 * event, published on the bus like any other, says when sampling starts, when its rate changes and
 * when it ends, with the counts.
 *
 * What the stream's work costs is measured on 1 event in 64 (a clock read before and after), and
 * judged once per `windowMs`: the clock is read per packet only while sampling.
 */
import type {
  Direction,
  ProxyEvent,
  SamplingCount,
  SamplingEvent,
  UnstampedEvent,
} from '../../shared/events.js';

export interface SamplingOptions {
  /** Publishes the `sampling` notices (the proxy's bus), on a later microtask. */
  emit: (event: UnstampedEvent) => void;
  /** The share of wall time the stream's per-event work may take (default 0.25). */
  budget?: number;
  /** How often the load is judged, in ms (default 250). */
  windowMs?: number;
  /** The most packets one kept packet may stand for (default 1024). */
  maxEvery?: number;
  /** Milliseconds, monotonic; tests pass their own. */
  now?: () => number;
}

/** Distinct event names counted per session and direction; the rest are counted under OTHER_NAMES. */
const MAX_NAMES = 100;
export const OTHER_NAMES = '(other names)';
/** 1 event in this many (a power of two) is timed. */
const TIME_EVERY = 64;

type Counts = Map<string, { c2s: Map<string, number>; s2c: Map<string, number> }>;

export class PacketSampler {
  /** 1 packet event in `every` is kept; 1 when not sampling. */
  every = 1;
  private readonly emit: (event: UnstampedEvent) => void;
  private readonly budget: number;
  private readonly windowMs: number;
  private readonly maxEvery: number;
  private readonly now: () => number;
  private windowStart: number;
  private arrived = 0;
  private timedCost = 0;
  private timed = 0;
  /** ms of stream work per event, from the last window with timed events. */
  private costPerEvent = 0;
  private tick = 0;
  // While sampling: since which seq, what was counted and left out.
  private since = 0;
  private counted = 0;
  private until = 0;
  private leftOut = 0;
  private packets = 0;
  private counts: Counts = new Map();

  constructor(opts: SamplingOptions) {
    this.emit = opts.emit;
    this.budget = opts.budget ?? 0.25;
    this.windowMs = opts.windowMs ?? 250;
    this.maxEvery = opts.maxEvery ?? 1024;
    this.now = opts.now ?? (() => performance.now());
    this.windowStart = this.now();
  }

  /** On the relay's path, for every event: whether the stream keeps it (else it was counted). */
  admit(event: ProxyEvent): boolean {
    this.arrived++;
    if (this.every === 1) return true;
    if (event.type !== 'packet' || event.injected || event.edited) return true;
    this.count(event.sessionId, event.direction, event.sio?.event ?? event.engine);
    this.until = event.seq;
    if (this.now() - this.windowStart >= this.windowMs) this.judge(event.seq);
    if (this.every === 1 || this.packets++ % this.every === 0) return true;
    this.leftOut++;
    return false;
  }

  /** Before the stream's work on a kept event: a start time for `done`, or -1 when not timed. */
  start(): number {
    return (++this.tick & (TIME_EVERY - 1)) === 0 ? this.now() : -1;
  }

  /** After it: `seq` is the event's. */
  done(started: number, seq: number): void {
    if (started < 0) return;
    const end = this.now();
    this.timedCost += end - started;
    this.timed++;
    if (end - this.windowStart >= this.windowMs) this.judge(seq + 1);
  }

  /**
   * Ends the window: what observing every event of it would have cost, against the budget, sets
   * `every` (a power of two, so that a load near a boundary does not flip it every window).
   * `nextSeq`: the first seq the new rate applies to.
   */
  private judge(nextSeq: number): void {
    const end = this.now();
    const elapsed = end - this.windowStart;
    if (this.timed > 0) this.costPerEvent = this.timedCost / this.timed;
    const wanted = (this.costPerEvent * this.arrived) / (this.budget * elapsed);
    this.windowStart = end;
    this.arrived = this.timedCost = this.timed = 0;
    let every = 1;
    while (every < wanted && every < this.maxEvery) every *= 2;
    if (every === this.every) return;
    const started = this.every === 1;
    this.every = every;
    if (started) {
      this.since = nextSeq;
      this.until = nextSeq - 1;
      this.counted = this.leftOut = this.packets = 0;
      this.counts = new Map();
    }
    const notice = this.notice(wanted);
    queueMicrotask(() => this.emit(notice));
  }

  private notice(wanted: number): Omit<SamplingEvent, 'seq' | 'ts'> {
    const on = this.every > 1;
    const share = Math.round(wanted * this.budget * 100);
    return {
      type: 'sampling',
      state: on ? 'on' : 'off',
      every: this.every,
      since: this.since,
      until: this.until,
      counted: this.counted,
      leftOut: this.leftOut,
      counts: on && this.counted === 0 ? [] : countsOf(this.counts),
      reason: on
        ? `observing every packet would take about ${share}% of the proxy's time (budget ${Math.round(this.budget * 100)}%): 1 packet event in ${this.every} is kept, the others are counted`
        : `observing every packet fits the budget again (about ${share}% of the proxy's time)`,
    };
  }

  private count(sessionId: string, direction: Direction, name: string): void {
    this.counted++;
    let session = this.counts.get(sessionId);
    if (!session) this.counts.set(sessionId, (session = { c2s: new Map(), s2c: new Map() }));
    const names = session[direction];
    const key = names.has(name) || names.size < MAX_NAMES ? name : OTHER_NAMES;
    names.set(key, (names.get(key) ?? 0) + 1);
  }
}

function countsOf(counts: Counts): SamplingCount[] {
  const out: SamplingCount[] = [];
  for (const [sessionId, dirs] of counts)
    for (const direction of ['c2s', 's2c'] as const)
      for (const [name, count] of dirs[direction]) out.push({ sessionId, direction, name, count });
  return out;
}
