/**
 * "The same event handled twice after a reconnect": a client EVENT that asked for an ACK, got none
 * before its session dropped, and was sent again (same namespace, name and args) by the same client
 * in a later session, by socket.io-client's `retries` or by the app re-emitting it. The server may
 * have handled the first one already (the ACK can be lost with the connection), so a handler that
 * is not idempotent runs twice. Cheap to track: only events with an ack id are remembered, per
 * session until their ACK, then per client for a while after the drop, both bounded.
 */
import type { AckEvent, PacketEvent } from '../../../shared/events.js';

const MAX_PENDING_PER_SESSION = 256;
const MAX_AFTER_DROP_PER_CLIENT = 256;
/** How long after a drop a resend still counts as one. */
export const AFTER_DROP_WINDOW_MS = 5 * 60_000;

interface Sent {
  seq: number;
  ts: number;
  sid: string;
  signature: string;
  event?: string;
  nsp: string;
}

export interface Duplicate {
  first: Sent;
  again: PacketEvent;
}

function signatureOf(e: PacketEvent): string | undefined {
  const sio = e.sio;
  if (!sio || (sio.type !== 'EVENT' && sio.type !== 'BINARY_EVENT')) return undefined;
  const args = typeof sio.args === 'string' ? sio.args : JSON.stringify(sio.args ?? null);
  return `${sio.nsp}\u0000${args}`;
}

export class DuplicateTracker {
  /** Unacknowledged client EVENTs, per session, by `nsp#id`. */
  private readonly pending = new Map<string, Map<string, Sent>>();
  /** Unacknowledged client EVENTs of sessions that ended, per client key. */
  private readonly afterDrop = new Map<string, Sent[]>();

  /** A client-to-server packet of `clientKey`'s session: returns the earlier send it repeats, if any. */
  packet(e: PacketEvent, clientKey: string): Duplicate | undefined {
    if (e.direction !== 'c2s' || !e.sio) return undefined;
    const dropped = this.afterDrop.get(clientKey);
    const wantsAck = e.sio.id !== undefined;
    if (!wantsAck && !dropped) return undefined;
    const signature = signatureOf(e);
    if (signature === undefined) return undefined;
    let found: Duplicate | undefined;
    if (dropped) {
      const fresh = dropped.filter((s) => e.ts - s.ts <= AFTER_DROP_WINDOW_MS);
      const i = fresh.findIndex((s) => s.signature === signature && s.sid !== e.sessionId);
      if (i >= 0) {
        found = { first: fresh[i] as Sent, again: e };
        fresh.splice(i, 1);
      }
      if (fresh.length) this.afterDrop.set(clientKey, fresh);
      else this.afterDrop.delete(clientKey);
    }
    if (wantsAck) {
      let map = this.pending.get(e.sessionId);
      if (!map) this.pending.set(e.sessionId, (map = new Map()));
      map.set(`${e.sio.nsp}#${e.sio.id}`, {
        seq: e.seq,
        ts: e.ts,
        sid: e.sessionId,
        signature,
        nsp: e.sio.nsp,
        ...(e.sio.event !== undefined ? { event: e.sio.event } : {}),
      });
      if (map.size > MAX_PENDING_PER_SESSION) {
        const oldest = map.keys().next();
        if (!oldest.done) map.delete(oldest.value);
      }
    }
    return found;
  }

  ack(e: AckEvent): void {
    if (e.direction !== 'c2s') return;
    this.pending.get(e.sessionId)?.delete(`${e.nsp}#${e.id}`);
  }

  /** The session ended: what it left unacknowledged may come back in the client's next session. */
  sessionEnded(sid: string, clientKey: string, ts: number): void {
    const map = this.pending.get(sid);
    this.pending.delete(sid);
    if (!map?.size) return;
    const list = [...(this.afterDrop.get(clientKey) ?? []), ...[...map.values()].map((s) => ({ ...s, ts }))];
    this.afterDrop.set(clientKey, list.slice(-MAX_AFTER_DROP_PER_CLIENT));
  }

  clear(): void {
    this.pending.clear();
    this.afterDrop.clear();
  }
}
