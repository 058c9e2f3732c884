/**
 * Acknowledgements that never come, or come late: an EVENT that asked for an ACK (it has an ack id)
 * and got none within the window (`ackTimeoutMs`), and an ACK that arrived after it. The side that
 * received the EVENT should have answered: its handler never called its callback, or threw first.
 *
 * Bounded and cheap: only EVENTs with an ack id are remembered, in one queue in arrival order (so a
 * tick looks only at the oldest), resolved by the `ack` events the protocol core derives.
 */
import type { AckEvent, Direction, PacketEvent, ProxyEvent } from '../../events.js';
import type { Detector, DetectorContext, ProblemKind } from '../detector.js';
import { problem, quote } from '../detector.js';

/** Unanswered EVENTs remembered at once, over all sessions; past it the oldest are let go unjudged. */
export const MAX_PENDING_ACKS = 100_000;
/** EVENTs already reported as unanswered, remembered so that their late ACK can be linked. */
const MAX_OVERDUE = 10_000;

const FIX_MISSING =
  "An EVENT asked for an acknowledgement and no ACK came back: the receiving side's handler never calls its callback (a code path that returns early, an async handler that throws before answering, or no handler for this name at all). The emitting side waits forever (a plain callback) or gets a timeout error (socket.timeout(ms).emit, emitWithAck, ackTimeout). Make every path of the handler answer, errors included: socket.on('event', async (data, callback) => { try { callback({ ok: true, result: await work(data) }); } catch (err) { callback({ ok: false, error: String(err) }); } }).";

const FIX_LATE =
  "The ACK came, but later than the window a client usually waits (socket.timeout(5000).emit(...) in socket.io's examples): by then the emitting side has most likely taken the timeout error path, and this late answer is dropped. Make the handler answer sooner (reply first, then do the slow work), or give the emit a longer timeout: socket.timeout(30000).emit('event', data, (err, res) => { ... }), or the client's ackTimeout option.";

interface Pending {
  sid: string;
  key: string;
  seq: number;
  ts: number;
  direction: Direction;
  nsp: string;
  event: string | undefined;
  /** Acknowledged, or its session ended: skipped when the queue reaches it. */
  settled: boolean;
}

const isEvent = (e: PacketEvent) => e.sio?.type === 'EVENT' || e.sio?.type === 'BINARY_EVENT';
/** Client and server number their acks separately: the direction is part of the key. */
const keyOf = (direction: Direction, nsp: string, id: number) => `${direction}${nsp}#${id}`;
const answerer = (d: Direction) => (d === 'c2s' ? 'the server' : 'the client');
const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

const ACK_LATE: ProblemKind = { kind: 'ack-late', severity: 'warning', confidence: 'likely', fix: FIX_LATE };

const ACK_TIMEOUT: ProblemKind = {
  kind: 'ack-timeout',
  severity: 'warning',
  confidence: 'likely',
  fix: FIX_MISSING,
};

export class AckTimeout implements Detector {
  readonly types = ['packet', 'ack'] as const;
  /** Per session, its pending EVENTs by key. */
  private readonly bySession = new Map<string, Map<string, Pending>>();
  /** Every pending EVENT, oldest first (from `head`). */
  private queue: Pending[] = [];
  private head = 0;
  /** Reported as unanswered, by `sid key`, until their late ACK (or the cap). */
  private readonly overdue = new Map<string, Pending>();

  observe(e: ProxyEvent, ctx: DetectorContext): void {
    if (e.type === 'packet') this.packet(e, ctx);
    else if (e.type === 'ack') this.ack(e, ctx);
  }

  forget(sid: string): void {
    const map = this.bySession.get(sid);
    if (!map) return;
    for (const p of map.values()) p.settled = true;
    this.bySession.delete(sid);
  }

  tick(now: number, ctx: DetectorContext): void {
    const window = ctx.options.ackTimeoutMs;
    while (this.head < this.queue.length) {
      const p = this.queue[this.head]!;
      if (!p.settled && now - p.ts < window) break;
      this.head++;
      if (p.settled) continue;
      p.settled = true;
      this.bySession.get(p.sid)?.delete(p.key);
      this.reportMissing(p, now, ctx);
    }
    this.compact();
  }

  private packet(e: PacketEvent, ctx: DetectorContext): void {
    const id = e.sio?.id;
    if (id === undefined || !isEvent(e) || !ctx.session(e.sessionId)) return;
    // The proxy's own emits: their ACK is taken out of the stream (the control API reports it).
    if (e.injected) return;
    const sio = e.sio!;
    const key = keyOf(e.direction, sio.nsp, id);
    let map = this.bySession.get(e.sessionId);
    if (!map) this.bySession.set(e.sessionId, (map = new Map()));
    const p: Pending = {
      sid: e.sessionId,
      key,
      seq: e.seq,
      ts: e.ts,
      direction: e.direction,
      nsp: sio.nsp,
      event: sio.event,
      settled: false,
    };
    const previous = map.get(key);
    if (previous) previous.settled = true; // an id reused (a new connection numbering from 0 again)
    map.set(key, p);
    this.queue.push(p);
    if (this.queue.length - this.head > MAX_PENDING_ACKS) {
      const oldest = this.queue[this.head++]!;
      oldest.settled = true;
      this.bySession.get(oldest.sid)?.delete(oldest.key);
    }
  }

  private ack(e: AckEvent, ctx: DetectorContext): void {
    const key = keyOf(e.direction, e.nsp, e.id);
    const pending = this.bySession.get(e.sessionId)?.get(key);
    if (pending) {
      pending.settled = true;
      this.bySession.get(e.sessionId)?.delete(key);
    }
    const overdue = this.overdue.get(`${e.sessionId} ${key}`);
    if (overdue) this.overdue.delete(`${e.sessionId} ${key}`);
    if (e.latency <= ctx.options.ackTimeoutMs) return;
    const name = quote(e.event ?? overdue?.event ?? '?');
    ctx.report(
      problem(ACK_LATE, {
        title: `the ACK for ${name} came after ${seconds(e.latency)}, later than ${seconds(ctx.options.ackTimeoutMs)}`,
        detail: `${answerer(e.direction)} answered ${name} (namespace ${e.nsp}, ack id ${e.id}) only after ${seconds(e.latency)}`,
        sessionId: e.sessionId,
        seqs: [e.eventSeq, e.ackSeq],
        evidence: [
          `packet #${e.eventSeq} asked for an ACK (id ${e.id}); packet #${e.ackSeq} answered it ${Math.round(e.latency)} ms later`,
          `the window is ${ctx.options.ackTimeoutMs} ms`,
        ],
      }),
    );
  }

  private reportMissing(p: Pending, now: number, ctx: DetectorContext): void {
    const name = quote(p.event ?? '?');
    const who = answerer(p.direction);
    const window = ctx.options.ackTimeoutMs;
    ctx.report(
      problem(ACK_TIMEOUT, {
        title: `no ACK for ${name} within ${seconds(window)}: ${who} should answer`,
        detail: `${p.direction === 'c2s' ? 'the client' : 'the server'} emitted ${name} on ${p.nsp} with a callback; ${who}'s handler has not called it`,
        sessionId: p.sid,
        seqs: [p.seq],
        evidence: [
          `packet #${p.seq} is an EVENT ${name} with ack id ${p.key.slice(p.key.lastIndexOf('#') + 1)}`,
          `no ACK for it in ${Math.round(now - p.ts)} ms (the window is ${window} ms), and the session is still open`,
        ],
      }),
    );
    this.overdue.set(`${p.sid} ${p.key}`, p);
    if (this.overdue.size > MAX_OVERDUE) {
      const oldest = this.overdue.keys().next();
      if (!oldest.done) this.overdue.delete(oldest.value);
    }
  }

  /** Drops the judged head of the queue once it is most of it (amortised O(1) per EVENT). */
  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
