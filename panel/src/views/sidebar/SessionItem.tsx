/**
 * One Engine.IO session in the sidebar: sid, EIO version, transport and upgrade, address and user
 * agent, namespaces with their socket ids and state, duration, packets and bytes each way.
 */
import { memo } from 'react';
import { usePanel, useUi } from '../../app/context.js';
import { formatBytes, formatCount, formatDuration, hueOf, shortId } from '../../lib/format.js';
import type { SessionView } from '../../store/model.js';
import { nodeLabel } from '../../store/nodes.js';
import { clientIdentity, sessionState, shortUserAgent } from '../../store/selectors.js';
import { SessionProblemsBadge } from './SessionProblemsBadge.js';
import { SessionMarks } from '../control/SessionMarks.js';

function transportText(s: SessionView): string {
  if (s.upgrade?.stage === 'success' && s.firstTransport !== s.transport)
    return `${s.firstTransport} → ${s.transport}`;
  if (s.upgrade?.stage === 'probe') return `${s.transport} (upgrading…)`;
  if (s.upgrade?.stage === 'failure') return `${s.transport} (upgrade failed)`;
  return s.transport;
}

export const SessionItem = memo(function SessionItem({
  s,
  now,
  selected,
  rowKey,
  className = '',
  measure,
  showNode = false,
}: {
  s: SessionView;
  now: number;
  selected: boolean;
  /** The sidebar's virtualisation measures the item by this key. */
  rowKey?: string;
  className?: string;
  measure?: (el: HTMLElement | null) => (() => void) | undefined;
  /** Name the target node the session was opened on (the proxy fronts several). */
  showNode?: boolean;
}) {
  const selectSession = useUi((st) => st.selectSession);
  const sourceState = usePanel((st) => (s.source ? st.model.sources.get(s.source) : undefined));
  const setTab = useUi((st) => st.setTab);
  const state = sessionState(s);
  const { address, userAgent } = clientIdentity(s);
  const duration = formatDuration(Math.max(0, (s.endedAt ?? Math.max(now, s.lastAt)) - s.startedAt));
  const namespaces = Object.values(s.namespaces);
  return (
    <li
      className={`session ${state.kind}${selected ? ' selected' : ''}${className}`}
      ref={measure}
      data-row-key={rowKey}
      data-testid="session-item"
      data-sid={s.sid}
      data-state={state.kind}
      onClick={() => selectSession(selected ? undefined : { sid: s.sid })}
      title={selected ? 'click to show every session' : 'click to show only this session'}
    >
      <div className="s-line">
        <i className="swatch" style={{ background: `hsl(${hueOf(s.sid)} 60% 50%)` }} />
        <span className={`dot ${state.kind}`} />
        <span className="mono sid" title={s.sid}>
          {shortId(s.sid, 10)}
        </span>
        {s.eio && <span className="badge">EIO{s.eio}</span>}
        <SessionProblemsBadge sid={s.sid} />
        <span className="grow" />
        <span className="muted">{duration}</span>
      </div>
      <SessionMarks sid={s.sid} />
      <div className="s-line small" title={userAgent}>
        <span className="transport">{transportText(s)}</span>
        {showNode && s.target && (
          <span className="node" data-testid="session-node" title={`target node ${s.target}`}>
            · {nodeLabel(s.target)}
          </span>
        )}
        {s.source && (
          <span
            className={`node${sourceState === 'gone' ? ' gone' : ''}`}
            data-testid="session-source"
            title={`relayed by proxy ${s.source}${sourceState === 'gone' ? ', which is gone' : ''}`}
          >
            · proxy {s.source}
            {sourceState === 'gone' ? ' (gone)' : ''}
          </span>
        )}
        {address && <span className="muted">· {address}</span>}
        {userAgent && <span className="muted ua">· {shortUserAgent(userAgent)}</span>}
      </div>
      {namespaces.length > 0 && (
        <ul className="namespaces">
          {namespaces.map((n) => (
            <li
              key={n.nsp}
              className={`ns ${n.state}`}
              data-testid="namespace-item"
              onClick={(ev) => {
                ev.stopPropagation();
                selectSession({ sid: s.sid, nsp: n.nsp });
                setTab('socket');
              }}
              title="open the socket view"
            >
              <span className="nsp">{n.nsp}</span>
              {n.socketId && <span className="mono muted">{shortId(n.socketId, 8)}</span>}
              <span className={`ns-state ${n.state}`}>
                {n.state === 'connected'
                  ? n.recovered
                    ? 'connected (recovered)'
                    : 'connected'
                  : n.state === 'refused'
                    ? `refused: ${n.error?.message ?? ''}`
                    : n.state === 'disconnected'
                      ? (n.disconnect?.clientReason ?? 'disconnected')
                      : 'connecting…'}
              </span>
            </li>
          ))}
        </ul>
      )}
      {state.kind === 'closed' && (
        <div className="s-line closed-reason" title={state.description}>
          closed: {state.reason}
          {state.description ? ` — ${state.description}` : ''}
        </div>
      )}
      <div className="s-line counters small">
        <span className="c2s" title="client → server">
          ↑ {formatCount(s.packets.c2s)} · {formatBytes(s.bytes.c2s)}
        </span>
        <span className="s2c" title="server → client">
          ↓ {formatCount(s.packets.s2c)} · {formatBytes(s.bytes.s2c)}
        </span>
        {s.raw && <span className="badge">raw Engine.IO</span>}
      </div>
    </li>
  );
});
