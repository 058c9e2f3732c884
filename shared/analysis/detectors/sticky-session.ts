/**
 * Sticky sessions missing: the target answers "Session ID unknown" for a sid it handshook moments
 * ago. With one server that only happens after it restarted or closed the session; behind a load
 * balancer with several nodes it is the classic sign that the requests of one session reach
 * different nodes (the handshake went to one, this poll or the WebSocket to another).
 */
import type { ProxyEvent } from '../../events.js';
import type { Detector, DetectorContext } from '../detector.js';

const UNKNOWN = /Session ID unknown|"code":1\b/;

const FIX =
  "The target does not know a session it opened itself: with several Socket.IO nodes behind a load balancer, the requests of one session must all reach the node that handshook it. Enable sticky sessions on the balancer (nginx: ip_hash or hash $remote_addr; HAProxy: cookie io prefix; a cloud load balancer's session affinity; Node's cluster module: @socket.io/sticky), and share events between nodes with an adapter (@socket.io/redis-adapter). Or skip HTTP long-polling, whose many requests are what needs stickiness: io(url, { transports: ['websocket'] }).";

export class StickySession implements Detector {
  readonly types = ['error', 'http'] as const;
  private readonly reported = new Set<string>();

  observe(e: ProxyEvent, ctx: DetectorContext): void {
    let text: string | undefined;
    if (e.type === 'error') text = e.message;
    else if (e.type === 'http' && e.status === 400) text = e.responseBody;
    else return;
    const sid = e.sessionId;
    if (!sid || !text || !UNKNOWN.test(text) || this.reported.has(sid)) return;
    if (!ctx.session(sid)) return; // a sid this capture never saw opened: a stale client, not this
    this.reported.add(sid);
    ctx.report({
      type: 'problem',
      kind: 'sticky-session',
      severity: 'error',
      title: 'the target answered "Session ID unknown" for a session it opened',
      fix: FIX,
      detail: 'the client gets a 400 and reconnects with a new session, again and again under load',
      sessionId: sid,
      seqs: [e.seq],
      confidence: 'likely',
      evidence: [
        `session ${sid} was handshook by the target in this capture`,
        `${e.type} #${e.seq}: ${text.slice(0, 120)}`,
      ],
    });
  }

  forget(sid: string): void {
    this.reported.delete(sid);
  }
}
