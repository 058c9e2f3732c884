/**
 * A heartbeat far slower than the rest: a ping answered by its pong (as the proxy sees them) more
 * than SLOW_FACTOR times the median round trip of the latest heartbeats of every session, and over
 * SLOW_FLOOR_MS. Engine.IO 4 servers ping and clients answer; Engine.IO 3 clients ping. A late pong
 * means the answering side's event loop (or its network) was stalled; a little more and the session
 * ends with "ping timeout".
 *
 * A pong that never comes is `missed-pong`: the session closes with "ping timeout" on the pinging
 * side while its last ping is still unanswered. It is judged here because this detector already
 * holds each session's unanswered ping: the close costs one lookup, the packets nothing more.
 *
 * Per packet: one comparison for any packet that is not a heartbeat. The median is computed only
 * for a round trip already over the floor.
 */
import type { CloseEvent, PacketEvent, ProxyEvent } from '../../events.js';
import type { Detector, DetectorContext, ProblemKind } from '../detector.js';
import { problem } from '../detector.js';

export const SLOW_FLOOR_MS = 1000;
export const SLOW_FACTOR = 10;
/** Round trips the median is taken over (the latest, every session), and how many it needs. */
const SAMPLES = 64;
const MIN_SAMPLES = 10;

const MISSED_FIX =
  'The answering side (the client, with socket.io@3 and @4; the server with Engine.IO 3) never answered the last ping, so the pinging side gave up after pingTimeout and ended the session with "ping timeout"; the client then reconnects, and what was in flight is lost. Under load this is an event loop blocked for longer than pingTimeout (a long synchronous loop, a huge JSON.parse or JSON.stringify, a flood of messages handled synchronously, a throttled background tab), or a network that stalled. Find the blocking work (node --cpu-prof, the browser\'s Performance panel) and move it off the main thread (a Worker, or chunks with setImmediate / setTimeout); send fewer, smaller messages. Raising pingTimeout (new Server(httpServer, { pingTimeout: 30000 })) only hides the stall.';

const FIX =
  'A heartbeat took far longer than the others: the side that answers the ping (the client, with socket.io@3 and @4) did not get to it in time because its event loop was blocked (a long synchronous task, a large JSON.parse, a throttled background tab) or its network stalled. If it takes longer than pingInterval + pingTimeout (25 s + 20 s by default) the session ends with "ping timeout" and the client reconnects. Move heavy work off the main thread (a Worker, or chunks with setTimeout), keep messages small; pingTimeout can be raised on the server (new Server(httpServer, { pingTimeout: 30000 })) but that only hides the stall.';

interface Ping {
  seq: number;
  ts: number;
}

const MISSED_PONG: ProblemKind = {
  kind: 'missed-pong',
  severity: 'warning',
  confidence: 'likely',
  fix: MISSED_FIX,
};

const SLOW_HEARTBEAT: ProblemKind = {
  kind: 'slow-heartbeat',
  severity: 'warning',
  confidence: 'likely',
  fix: FIX,
};

export class SlowHeartbeat implements Detector {
  readonly types = ['packet', 'close'] as const;
  /** Per session, its unanswered ping. */
  private readonly pings = new Map<string, Ping>();
  private readonly reported = new Set<string>();
  private readonly samples: number[] = [];
  private next = 0;

  observe(e: ProxyEvent, ctx: DetectorContext): void {
    if (e.type === 'close') return this.closed(e, ctx);
    if (e.type !== 'packet' || (e.engine !== 'ping' && e.engine !== 'pong') || e.data === 'probe') return;
    const session = ctx.session(e.sessionId);
    if (!session) return;
    // Engine.IO 4: the server pings (s2c); Engine.IO 3: the client does.
    const pingDirection = session.eio === 3 ? 'c2s' : 's2c';
    if (e.engine === 'ping') {
      if (e.direction === pingDirection) this.pings.set(e.sessionId, { seq: e.seq, ts: e.ts });
      return;
    }
    const ping = this.pings.get(e.sessionId);
    if (!ping || e.direction === pingDirection) return;
    this.pings.delete(e.sessionId);
    const rtt = e.ts - ping.ts;
    if (rtt > SLOW_FLOOR_MS && !this.reported.has(e.sessionId)) this.judge(e, ping, rtt, ctx);
    this.add(rtt);
  }

  forget(sid: string): void {
    this.pings.delete(sid);
    this.reported.delete(sid);
  }

  /** The session ended on a heartbeat timeout with its last ping unanswered: the pong was missed. */
  private closed(e: CloseEvent, ctx: DetectorContext): void {
    const ping = this.pings.get(e.sessionId);
    const session = ctx.session(e.sessionId);
    if (!ping || !session) return;
    // The side that pings is the one that gives up on the pong: the server with Engine.IO 4.
    const pinger = session.eio === 3 ? 'client' : 'server';
    const reason = pinger === 'server' ? e.serverReason : e.clientReason;
    if (reason !== 'ping timeout') return;
    const answerer = pinger === 'server' ? 'the client' : 'the server';
    const waited = e.ts - ping.ts;
    const median = this.median();
    ctx.report(
      problem(MISSED_PONG, {
        title: `${answerer} never answered ping #${ping.seq}: the session ended with "ping timeout" ${(waited / 1000).toFixed(1)} s later`,
        detail: `${answerer}'s event loop or network stalled for longer than pingTimeout (${session.pingTimeout} ms)`,
        sessionId: e.sessionId,
        seqs: [ping.seq, e.seq],
        evidence: [
          `ping #${ping.seq} from the ${pinger} got no pong in ${Math.round(waited)} ms`,
          `pingTimeout is ${session.pingTimeout} ms (the target's open packet)`,
          `the session closed: ${e.description ?? reason}`,
          ...(median !== undefined
            ? [
                `the median of the latest ${this.samples.length} heartbeats (every session) is ${Math.round(median)} ms`,
              ]
            : []),
        ],
      }),
    );
  }

  private median(): number | undefined {
    if (this.samples.length < MIN_SAMPLES) return undefined;
    const sorted = [...this.samples].sort((a, b) => a - b);
    return sorted[sorted.length >> 1];
  }

  private add(rtt: number): void {
    if (this.samples.length < SAMPLES) this.samples.push(rtt);
    else this.samples[this.next] = rtt;
    this.next = (this.next + 1) % SAMPLES;
  }

  private judge(e: PacketEvent, ping: Ping, rtt: number, ctx: DetectorContext): void {
    const median = this.median();
    if (median === undefined || rtt < median * SLOW_FACTOR) return;
    this.reported.add(e.sessionId);
    const answerer = e.direction === 'c2s' ? 'the client' : 'the server';
    ctx.report(
      problem(SLOW_HEARTBEAT, {
        title: `a heartbeat took ${(rtt / 1000).toFixed(1)} s; the median is ${Math.round(median)} ms: ${answerer} answered late`,
        detail: `${answerer}'s event loop or network stalled; much longer and the session ends with "ping timeout"`,
        sessionId: e.sessionId,
        seqs: [ping.seq, e.seq],
        evidence: [
          `ping #${ping.seq} was answered by pong #${e.seq} ${Math.round(rtt)} ms later`,
          `the median of the latest ${this.samples.length} heartbeats (every session) is ${Math.round(median)} ms`,
        ],
      }),
    );
  }
}
