/**
 * A session's lifecycle: handshake, upgrade probe and result, connect per namespace, heartbeats and
 * drains folded into counts, disconnects with the reason in both vocabularies (explained, and
 * whether socket.io-client reconnects by itself) and the leg that caused it, the close, then the
 * client's next attempt; and what the proxy did to it (rules, verdicts, emits, faults).
 */
import { useController, useUi } from '../../app/context.js';
import { formatDuration, formatOffset, formatTime, shortId } from '../../lib/format.js';
import type { AttemptView, InferredReasons, SessionView, TimelineItem } from '../../store/model.js';
import { explainReasons } from '../../store/selectors.js';
import { InterventionLine } from '../control/InterventionLine.js';
import { Alternatives, InferenceNote } from './Inference.js';

/** Both reasons explained, the ones the wire cannot tell from them, and how sure the stream is. */
function Reasons({
  clientReason,
  serverReason,
  active,
  ...inferred
}: {
  clientReason: string;
  serverReason: string;
  active?: boolean | undefined;
} & InferredReasons) {
  const r = explainReasons(clientReason, serverReason, active);
  return (
    <div className={`reasons${inferred.confidence === 'guess' ? ' guess' : ''}`}>
      <div>
        client: <code>{r.clientReason}</code>
        <Alternatives of={inferred.clientReasonAlternatives} />
        {r.clientText && <span className="muted"> — {r.clientText}</span>}
      </div>
      <div>
        server: <code>{r.serverReason}</code>
        <Alternatives of={inferred.serverReasonAlternatives} />
        {r.serverText && <span className="muted"> — {r.serverText}</span>}
      </div>
      {r.reconnects !== undefined && (
        <div className={r.reconnects ? 'ok' : 'warn'}>
          {r.reconnects
            ? 'socket.io-client reconnects by itself'
            : 'socket.io-client does not reconnect by itself: the app must call socket.connect()'}
        </div>
      )}
      <InferenceNote confidence={inferred.confidence} evidence={inferred.evidence} />
    </div>
  );
}

/**
 * Drains alone (no heartbeat among them) say only that a write was flushed: shown as a count on the
 * line before them instead of a line of their own, so the lifecycle reads without gaps.
 */
function foldDrains(items: readonly TimelineItem[]): { item: TimelineItem; drains: number }[] {
  const rows: { item: TimelineItem; drains: number }[] = [];
  for (const item of items) {
    const last = rows[rows.length - 1];
    if (item.kind === 'quiet' && item.pings === 0 && item.pongs === 0 && last) last.drains += item.drains;
    else rows.push({ item, drains: 0 });
  }
  return rows;
}

function Item({ item, start, drains }: { item: TimelineItem; start: number; drains: number }) {
  const controller = useController();
  const seq = item.kind === 'quiet' ? undefined : item.seq;
  const jump = seq !== undefined ? () => controller.jumpTo(seq) : undefined;
  let what: React.ReactNode;
  let tone = '';
  switch (item.kind) {
    case 'handshake':
      what = <>handshake over {item.transport}</>;
      break;
    case 'upgrade':
      tone = item.stage === 'failure' ? 'bad' : item.stage === 'success' ? 'good' : '';
      what = (
        <>
          upgrade {item.stage === 'probe' ? 'probe' : item.stage} ({item.leg} leg)
          {item.reason ? `: ${item.reason}` : ''}
        </>
      );
      break;
    case 'connect':
      tone = 'good';
      what = (
        <>
          connect <b>{item.nsp}</b> as <code>{item.socketId}</code>
          {item.recovered && <span className="badge">recovered</span>}
        </>
      );
      break;
    case 'connect_error':
      tone = 'bad';
      what = (
        <>
          connect_error <b>{item.nsp}</b>: {item.message}
        </>
      );
      break;
    case 'quiet': {
      const parts = [
        item.pings ? `${item.pings} ping${item.pings > 1 ? 's' : ''}` : '',
        item.pongs ? `${item.pongs} pong${item.pongs > 1 ? 's' : ''}` : '',
        item.drains ? `${item.drains} drain${item.drains > 1 ? 's' : ''}` : '',
      ].filter(Boolean);
      tone = 'quiet';
      what = (
        <>
          {parts.join(', ')}
          {item.until > item.ts && (
            <span className="muted"> over {formatDuration(item.until - item.ts)}</span>
          )}
        </>
      );
      break;
    }
    case 'disconnect':
      tone = 'bad';
      what = (
        <>
          disconnect <b>{item.nsp}</b>, started by the {item.leg === 'client' ? 'client' : 'server'} leg
          <div className="muted">{item.description}</div>
          <Reasons {...reasonsOf(item)} />
        </>
      );
      break;
    case 'intervention':
      tone = 'intervened';
      what = <InterventionLine item={item} />;
      break;
    case 'close':
      tone = 'bad';
      what = (
        <>
          {item.leg} leg closed: <code>{item.reason}</code> (the {item.first} leg ended first)
          {item.description && <div className="muted">{item.description}</div>}
          {item.leg === item.first && <Reasons {...reasonsOf(item)} />}
        </>
      );
      break;
  }
  return (
    <li className={`tl-item ${item.kind} ${tone}`} data-testid="timeline-item" data-kind={item.kind}>
      <span className="tl-time" title={formatTime(item.ts)}>
        {formatOffset(item.ts - start)}
      </span>
      <span className="tl-what">
        {what}
        {drains > 0 && (
          <span className="muted small" title="writes flushed (WebSocket drained or a poll answered)">
            {' '}
            · {drains} drain{drains > 1 ? 's' : ''}
          </span>
        )}
      </span>
      {jump && (
        <button className="link tl-jump" onClick={jump} title="show in the packets">
          #{seq}
        </button>
      )}
    </li>
  );
}

/** What a disconnect or close line hands to its reasons. */
function reasonsOf(item: Extract<TimelineItem, { kind: 'disconnect' | 'close' }>) {
  return {
    clientReason: item.clientReason,
    serverReason: item.serverReason,
    active: item.active,
    confidence: item.confidence,
    evidence: item.evidence,
    clientReasonAlternatives: item.clientReasonAlternatives,
    serverReasonAlternatives: item.serverReasonAlternatives,
  };
}

function Next({ a, start }: { a: AttemptView; start: number }) {
  const selectSession = useUi((s) => s.selectSession);
  const ok = a.outcome === 'connected';
  return (
    <li
      className={`tl-item attempt ${ok ? 'good' : 'bad'}${a.confidence === 'guess' ? ' guess' : ''}`}
      data-testid="timeline-item"
      data-kind="next-attempt"
    >
      <span className="tl-time">{formatOffset(a.ts - start)}</span>
      <span className="tl-what">
        reconnect attempt #{a.attempt} after {formatDuration(a.delay)}
        {a.cause ? ` (cause: ${a.cause})` : ''} —{' '}
        {ok ? 'connected' : `failed${a.error ? `: ${a.error}` : ''}`}
        {ok && a.sessionId && (
          <>
            {' '}
            as session{' '}
            <button className="link mono" onClick={() => selectSession({ sid: a.sessionId as string })}>
              {shortId(a.sessionId, 10)}
            </button>
          </>
        )}
        <InferenceNote confidence={a.confidence} evidence={a.evidence} />
      </span>
    </li>
  );
}

export function Timeline({ session, next }: { session: SessionView; next: readonly AttemptView[] }) {
  return (
    <ol className="timeline" data-testid="timeline">
      {foldDrains(session.timeline).map(({ item, drains }, i) => (
        <Item key={i} item={item} start={session.startedAt} drains={drains} />
      ))}
      {next.map((a) => (
        <Next key={a.seq} a={a} start={session.startedAt} />
      ))}
    </ol>
  );
}
