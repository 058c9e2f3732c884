/**
 * "The same event handled twice after a reconnect": a client EVENT that asked for an ACK, got none
 * before its session dropped, and was sent again (same namespace, name and args) by the same client
 * in a later session, by socket.io-client's `retries` or by the app re-emitting it. The server may
 * have handled the first one already (the ACK can be lost with the connection), so a handler that is
 * not idempotent runs twice.
 *
 * Cheap on the relay's path: only client EVENTs with an ack id are remembered (a map entry holding a
 * reference to their reading, whose args stay unparsed), per session until their ACK; the args are serialised only when a session
 * drops with some unanswered, and a later packet is compared only while its client has such
 * leftovers. Everything is bounded.
 */
import type { AckEvent, CloseEvent, PacketEvent, ProxyEvent, SioInfo } from '../../events.js';
import type { Detector, DetectorContext, ProblemKind } from '../detector.js';
import { problem, quote } from '../detector.js';

const MAX_PENDING_PER_SESSION = 256;
const MAX_AFTER_DROP_PER_CLIENT = 256;
const MAX_CLIENTS_AFTER_DROP = 10_000;
/** How long after a drop a resend still counts as one. */
export const AFTER_DROP_WINDOW_MS = 5 * 60_000;

interface Sent {
  seq: number;
  ts: number;
  sid: string;
  nsp: string;
  event: string | undefined;
  /** The packet's reading: its args are read (parsed, when they are still wire text) only at a drop. */
  sio: SioInfo;
}

/** An EVENT's key until its ACK: the id alone in the main namespace (no string built per packet). */
const ackKey = (nsp: string, id: number): number | string => (nsp === '/' ? id : `${nsp}#${id}`);

interface Dropped extends Omit<Sent, 'sio'> {
  signature: string;
}

function signature(nsp: string, args: unknown): string {
  return `${nsp}\u0000${typeof args === 'string' ? args : JSON.stringify(args ?? null)}`;
}

const isEvent = (e: PacketEvent) => e.sio?.type === 'EVENT' || e.sio?.type === 'BINARY_EVENT';

const HANDLED_TWICE: ProblemKind = {
  kind: 'handled-twice',
  severity: 'warning',
  confidence: 'likely',
  fix: 'An event that asked for an acknowledgement got none before the connection dropped, and the client sent it again after reconnecting (socket.io-client retries, or the app re-emits). The server may have handled the first one already (its ACK was lost with the connection): make the handler idempotent (an id in the payload, checked on the server), or do not resend without checking.',
};

export class HandledTwice implements Detector {
  readonly types = ['packet', 'ack', 'close'] as const;
  /** Unacknowledged client EVENTs, per session, by ackKey. */
  private readonly pending = new Map<string, Map<number | string, Sent>>();
  /** Unacknowledged client EVENTs of sessions that ended, per client key. */
  private readonly afterDrop = new Map<string, Dropped[]>();

  observe(e: ProxyEvent, ctx: DetectorContext): void {
    if (e.type === 'packet') this.packet(e, ctx);
    else if (e.type === 'ack') this.ack(e);
    else if (e.type === 'close') this.ended(e, ctx);
  }

  forget(sid: string): void {
    this.pending.delete(sid);
  }

  private packet(e: PacketEvent, ctx: DetectorContext): void {
    if (e.direction !== 'c2s' || !e.sio || !isEvent(e)) return;
    const session = ctx.session(e.sessionId);
    if (!session) return;
    const sio = e.sio;
    if (this.afterDrop.size > 0) this.compare(e, session.clientKey, ctx);
    if (sio.id === undefined) return;
    let map = this.pending.get(e.sessionId);
    if (!map) this.pending.set(e.sessionId, (map = new Map()));
    map.set(ackKey(sio.nsp, sio.id), {
      seq: e.seq,
      ts: e.ts,
      sid: e.sessionId,
      nsp: sio.nsp,
      event: sio.event,
      sio,
    });
    if (map.size > MAX_PENDING_PER_SESSION) {
      const oldest = map.keys().next();
      if (!oldest.done) map.delete(oldest.value);
    }
  }

  /** Whether `e` repeats an event its client left unanswered when an earlier session dropped. */
  private compare(e: PacketEvent, clientKey: string, ctx: DetectorContext): void {
    const dropped = this.afterDrop.get(clientKey);
    if (!dropped || !e.sio) return;
    const fresh = dropped.filter((s) => e.ts - s.ts <= AFTER_DROP_WINDOW_MS);
    const sig = signature(e.sio.nsp, e.sio.args);
    const i = fresh.findIndex((s) => s.signature === sig && s.sid !== e.sessionId);
    const first = i >= 0 ? fresh.splice(i, 1)[0] : undefined;
    if (fresh.length) this.afterDrop.set(clientKey, fresh);
    else this.afterDrop.delete(clientKey);
    if (!first) return;
    ctx.report(
      problem(HANDLED_TWICE, {
        title: `${quote(first.event ?? '?')} sent again after a reconnect`,
        detail: `first sent in session ${first.sid} (seq ${first.seq}) with no ACK before the drop; the server may have handled it already and now handles it twice`,
        sessionId: e.sessionId,
        seqs: [first.seq, e.seq],
        evidence: [
          `packet #${first.seq} in session ${first.sid} asked for an ACK and got none before the session ended`,
          `packet #${e.seq} from the same client has the same namespace, name and args`,
        ],
      }),
    );
  }

  private ack(e: AckEvent): void {
    if (e.direction !== 'c2s') return;
    this.pending.get(e.sessionId)?.delete(ackKey(e.nsp, e.id));
  }

  /** The session ended: what it left unacknowledged may come back in the client's next session. */
  private ended(e: CloseEvent, ctx: DetectorContext): void {
    const map = this.pending.get(e.sessionId);
    const session = ctx.session(e.sessionId);
    if (!map?.size || !session) return;
    const left: Dropped[] = [...map.values()].map(({ sio, ...s }) => ({
      ...s,
      ts: e.ts,
      signature: signature(s.nsp, sio.args),
    }));
    const key = session.clientKey;
    const list = [...(this.afterDrop.get(key) ?? []), ...left].slice(-MAX_AFTER_DROP_PER_CLIENT);
    this.afterDrop.delete(key); // re-inserted last: the map stays ordered by the latest drop
    this.afterDrop.set(key, list);
    // Oldest drop first: forget clients that did not come back within the window, and past the cap.
    for (const [client, sent] of this.afterDrop) {
      const stale = e.ts - (sent[sent.length - 1]?.ts ?? 0) > AFTER_DROP_WINDOW_MS;
      if (!stale && this.afterDrop.size <= MAX_CLIENTS_AFTER_DROP) break;
      this.afterDrop.delete(client);
    }
  }
}
