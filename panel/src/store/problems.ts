/**
 * Problems: the proxy's `error` events, plus hints derived from the wire where they are cheap and
 * clearly right: a namespace that refused the client, a failed upgrade, a payload over the target's
 * maxPayload (a packet bigger than the open packet's `maxPayload`, or a session closed with HTTP 413
 * / WebSocket 1009), a reserved event name on the wire, an event sent again after a reconnect
 * (duplicates.ts), and events the stream dropped. Each names the packets it concerns.
 */
import type { CloseEvent, PacketEvent, ProxyEvent } from '../../../shared/events.js';
import type { SessionView } from './model.js';
import type { PacketStore } from './packet-store.js';
import type { DuplicateTracker } from './duplicates.js';
import type { ProblemLog } from './problem-log.js';

/**
 * Names socket.io reserves on both sides (`socket.emit` throws for them): on the wire they come from a
 * custom or broken client or server, and a listener for the lifecycle event of that name would fire.
 */
export const RESERVED_EVENTS: ReadonlySet<string> = new Set([
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'newListener',
  'removeListener',
]);

/** How far back to look for the packet a 413/1009 close refused. */
const OVERSIZE_LOOKBACK_ROWS = 5000;
const OVERSIZE_LOOKBACK_MS = 5000;

export interface ProblemsContext {
  problems: ProblemLog;
  sessions: ReadonlyMap<string, SessionView>;
  packets: PacketStore;
  duplicates: DuplicateTracker;
}

export function reduceProblems(ctx: ProblemsContext, e: ProxyEvent): void {
  const log = ctx.problems;
  switch (e.type) {
    case 'error':
      log.add({
        kind: 'error',
        severity: 'error',
        ts: e.ts,
        ...(e.sessionId ? { sessionId: e.sessionId } : {}),
        title: e.message,
        ...(e.received !== undefined ? { detail: `received: ${e.received}` } : {}),
        seqs: [e.seq],
      });
      return;
    case 'connect_error':
      log.add({
        kind: 'connect_error',
        severity: 'warning',
        ts: e.ts,
        sessionId: e.sessionId,
        title: `namespace ${e.nsp} refused the client: ${e.message}`,
        ...(e.data !== undefined ? { detail: `data: ${JSON.stringify(e.data)}` } : {}),
        seqs: [e.seq],
      });
      return;
    case 'upgrade':
      if (e.stage !== 'failure') return;
      log.add({
        kind: 'upgrade-failed',
        severity: 'warning',
        ts: e.ts,
        sessionId: e.sessionId,
        title: `upgrade to WebSocket failed on the ${e.leg} leg${e.reason ? `: ${e.reason}` : ''}`,
        detail: 'the client stays on HTTP long-polling',
        seqs: [e.seq],
      });
      return;
    case 'dropped':
      log.add({
        kind: 'dropped',
        severity: 'error',
        ts: e.ts,
        title: `the panel missed ${e.count} events`,
        detail: `${e.reason}. They are events ${Math.max(1, e.seq - e.count + 1)}..${e.seq}; GET /api/capture has them while the proxy's history holds them.`,
        seqs: [e.seq],
      });
      return;
    case 'ack':
      ctx.duplicates.ack(e);
      return;
    case 'close':
      onClose(ctx, e);
      return;
    case 'packet':
      onPacket(ctx, e);
      return;
    default:
      return;
  }
}

function onPacket(ctx: ProblemsContext, e: PacketEvent): void {
  const session = ctx.sessions.get(e.sessionId);
  const maxPayload = session?.open?.maxPayload;
  if (e.direction === 'c2s' && maxPayload !== undefined && e.size > maxPayload) {
    ctx.problems.add({
      kind: 'payload-too-large',
      severity: 'error',
      ts: e.ts,
      sessionId: e.sessionId,
      title: `a ${e.size}-byte packet is over the target's maxPayload (${maxPayload} bytes)`,
      detail:
        'the target refuses it (HTTP 413 or WebSocket close 1009) and closes the session: raise maxHttpBufferSize or send less',
      seqs: [e.seq],
    });
  }
  const event = e.sio?.event;
  if (event !== undefined && RESERVED_EVENTS.has(event)) {
    ctx.problems.add({
      kind: 'reserved-event',
      severity: 'warning',
      ts: e.ts,
      sessionId: e.sessionId,
      title: `"${event}" is a reserved event name`,
      detail: `socket.emit() refuses it; sent ${e.direction === 'c2s' ? 'by the client' : 'by the server'} anyway, it reaches listeners meant for the lifecycle event`,
      seqs: [e.seq],
    });
  }
  if (session) {
    const dup = ctx.duplicates.packet(e, session.clientKey);
    if (dup) {
      ctx.problems.add({
        kind: 'handled-twice',
        severity: 'warning',
        ts: e.ts,
        sessionId: e.sessionId,
        title: `"${dup.first.event ?? '?'}" sent again after a reconnect`,
        detail: `first sent in session ${dup.first.sid} (seq ${dup.first.seq}) with no ACK before the drop; the server may have handled it already and now handles it twice`,
        seqs: [dup.first.seq, e.seq],
      });
    }
  }
}

function onClose(ctx: ProblemsContext, e: CloseEvent): void {
  const session = ctx.sessions.get(e.sessionId);
  // Both legs close; the session's end is the first of them (sessions.ts has recorded it already).
  if (session?.close && session.close.seq !== e.seq) return;
  if (session) ctx.duplicates.sessionEnded(e.sessionId, session.clientKey, e.ts);
  const text = `${e.description ?? ''} ${e.reason}`;
  if (!/\b(413|1009)\b|maxHttpBufferSize/.test(text)) return;
  const culprit = largestRecentC2S(ctx.packets, e.sessionId, e.ts);
  ctx.problems.add({
    kind: 'payload-too-large',
    severity: 'error',
    ts: e.ts,
    sessionId: e.sessionId,
    title: "session closed: a payload over the target's maxHttpBufferSize",
    detail: `${e.description ?? e.reason}${culprit ? `; the largest recent client packet is ${culprit.e.size} bytes` : ''}`,
    seqs: culprit ? [culprit.e.seq, e.seq] : [e.seq],
  });
}

function largestRecentC2S(packets: PacketStore, sid: string, before: number) {
  let best: ReturnType<PacketStore['bySeq']>;
  const end = packets.size;
  for (let i = end - 1; i >= 0 && i >= end - OVERSIZE_LOOKBACK_ROWS; i--) {
    const row = packets.rows.at(i);
    if (!row || before - row.e.ts > OVERSIZE_LOOKBACK_MS) break;
    if (row.e.sessionId === sid && row.e.direction === 'c2s' && (!best || row.e.size > best.e.size))
      best = row;
  }
  return best;
}
