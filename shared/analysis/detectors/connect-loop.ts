/**
 * A client that keeps trying a namespace that keeps refusing it: LOOP_COUNT CONNECT_ERRORs for one
 * namespace from one peer (address and user agent, across its sessions: socket.io-client opens a new
 * Engine.IO session for each try once its only namespace was refused) within LOOP_WINDOW_MS.
 * socket.io-client does not retry a refused namespace by itself, so this is the app calling
 * socket.connect() again from its connect_error handler (or a new io() each time) against a
 * middleware that refuses every attempt.
 */
import type { ConnectErrorEvent, ProxyEvent } from '../../events.js';
import type { Detector, DetectorContext, ProblemKind } from '../detector.js';
import { problem } from '../detector.js';

export const LOOP_COUNT = 5;
export const LOOP_WINDOW_MS = 10_000;
/** Client and namespace pairs followed at once. */
const MAX_TRACKED = 10_000;

const FIX =
  'The client retries a namespace whose middleware refuses it every time, in a tight loop: each attempt costs the server a middleware run (often a database or token check) and changes nothing. A refusal (next(new Error(...)) in io.use or io.of(nsp).use) is final for socket.io-client, which does not retry by itself: do not call socket.connect() from the connect_error handler unconditionally. Fix what the client sends first (refresh the token: socket.auth = { token: await refresh() }), retry with a backoff, or stop and tell the user; on the server, send the reason in err.data so the client can tell a bad token from an outage.';

interface Tries {
  /** Times of the latest refusals, oldest first (at most LOOP_COUNT). */
  times: number[];
  seqs: number[];
  reported: boolean;
}

const CONNECT_LOOP: ProblemKind = {
  kind: 'connect-loop',
  severity: 'warning',
  confidence: 'likely',
  fix: FIX,
};

export class ConnectLoop implements Detector {
  readonly types = ['connect_error', 'connect'] as const;
  private readonly tries = new Map<string, Tries>();

  observe(e: ProxyEvent, ctx: DetectorContext): void {
    if (e.type !== 'connect_error' && e.type !== 'connect') return;
    const session = ctx.session(e.sessionId);
    if (!session) return;
    const key = `${session.peer} ${e.nsp}`;
    if (e.type === 'connect') {
      this.tries.delete(key); // it got in: a new run of refusals starts from zero
      return;
    }
    this.refused(e, key, ctx);
  }

  private refused(e: ConnectErrorEvent, key: string, ctx: DetectorContext): void {
    let t = this.tries.get(key);
    if (!t) {
      t = { times: [], seqs: [], reported: false };
      this.tries.set(key, t);
      if (this.tries.size > MAX_TRACKED) {
        const oldest = this.tries.keys().next();
        if (!oldest.done) this.tries.delete(oldest.value);
      }
    }
    t.times.push(e.ts);
    t.seqs.push(e.seq);
    if (t.times.length > LOOP_COUNT) {
      t.times.shift();
      t.seqs.shift();
    }
    const span = e.ts - (t.times[0] ?? e.ts);
    if (t.reported || t.times.length < LOOP_COUNT || span > LOOP_WINDOW_MS) return;
    t.reported = true;
    ctx.report(
      problem(CONNECT_LOOP, {
        title: `refused ${LOOP_COUNT} times in ${(span / 1000).toFixed(1)} s on ${e.nsp}, and the client keeps trying: ${e.message}`,
        detail: `the namespace ${e.nsp} answers every CONNECT with "${e.message}"`,
        sessionId: e.sessionId,
        seqs: [...t.seqs],
        evidence: [
          `${LOOP_COUNT} CONNECT_ERRORs for ${e.nsp} within ${Math.round(span)} ms, to sessions from one address and user agent`,
          'socket.io-client does not retry a refused namespace by itself: the app does',
        ],
      }),
    );
  }
}
