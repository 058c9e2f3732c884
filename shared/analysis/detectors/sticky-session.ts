/**
 * Sticky sessions missing: the target answers "Session ID unknown" for a sid it handshook moments
 * ago. With one server that only happens after it restarted or closed the session; behind a load
 * balancer with several nodes it is the classic sign that the requests of one session reach
 * different nodes (the handshake went to one, this poll or the WebSocket to another).
 */
import type { ProxyEvent } from '../../events.js';
import type { Detector, DetectorContext, ProblemKind } from '../detector.js';
import { problem } from '../detector.js';

const UNKNOWN = /Session ID unknown|"code":1\b/;

const FIX =
  "The target does not know a session it opened itself: with several Socket.IO nodes behind a load balancer, the requests of one session must all reach the node that handshook it. Enable sticky sessions on the balancer (nginx: ip_hash or hash $remote_addr; HAProxy: cookie io prefix; a cloud load balancer's session affinity; Node's cluster module: @socket.io/sticky), and share events between nodes with an adapter (@socket.io/redis-adapter). Or skip HTTP long-polling, whose many requests are what needs stickiness: io(url, { transports: ['websocket'] }).";

/** The handshake of a session, as the evidence names it. */
interface Handshake {
  seq: number;
  ts: number;
  transport: string;
  target: string;
}

const STICKY_SESSION: ProblemKind = {
  kind: 'sticky-session',
  severity: 'error',
  confidence: 'likely',
  fix: FIX,
};

export class StickySession implements Detector {
  readonly types = ['session', 'error', 'http'] as const;
  private readonly reported = new Set<string>();
  /** Live sessions' handshakes (the analyzer forgets each with its session, and bounds them). */
  private readonly handshakes = new Map<string, Handshake>();

  observe(e: ProxyEvent, ctx: DetectorContext): void {
    let text: string | undefined;
    if (e.type === 'session') {
      this.handshakes.set(e.sessionId, { seq: e.seq, ts: e.ts, transport: e.transport, target: e.target });
      return;
    }
    if (e.type === 'error') text = e.message;
    else if (e.type === 'http' && e.status === 400)
      text = `${e.method} ${e.url} answered 400 ${e.responseBody ?? ''}`;
    else return;
    const sid = e.sessionId;
    if (!sid || !text || !UNKNOWN.test(text) || this.reported.has(sid)) return;
    if (!ctx.session(sid)) return; // a sid this capture never saw opened: a stale client, not this
    this.reported.add(sid);
    const hs = this.handshakes.get(sid);
    const after = hs ? `${Math.round(e.ts - hs.ts)} ms after its handshake` : 'after its handshake';
    ctx.report(
      problem(STICKY_SESSION, {
        title: 'the target answered "Session ID unknown" for a session it opened',
        detail: `refused ${after}: the client gets a 400 and reconnects with a new session, again and again under load`,
        sessionId: sid,
        seqs: hs ? [hs.seq, e.seq] : [e.seq],
        evidence: [
          hs
            ? `session ${sid} was handshook by the target (#${hs.seq}, over ${hs.transport}, at ${hs.target})`
            : `session ${sid} was handshook by the target in this capture`,
          `${after}, ${e.type} #${e.seq}: ${text.slice(0, 160)}`,
          'engine.io answers "Session ID unknown" (code 1) only for a sid it does not hold: another node got this request, or this one lost the session',
        ],
      }),
    );
  }

  forget(sid: string): void {
    this.reported.delete(sid);
    this.handshakes.delete(sid);
  }
}
