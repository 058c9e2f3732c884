/**
 * The composer's recent sends (kept across reloads by the control driver): each can fill the composer
 * again or be sent again at once, to the composer's session (a reconnect gives the client a new one).
 */
import { formatTime } from '../../lib/format.js';
import type { Composition } from '../../store/recent-compositions.js';
import { useControl } from './use-control.js';

export function RecentCompositions({
  onUse,
  onSend,
  canSend,
}: {
  onUse(c: Composition): void;
  onSend(c: Composition): void;
  canSend: boolean;
}) {
  const recent = useControl((s) => s.recent);
  if (recent.length === 0) return null;
  return (
    <details className="recent-compositions" data-testid="recent-compositions" open>
      <summary>Recent ({recent.length})</summary>
      <ol>
        {recent.map((c) => (
          <li key={`${c.at}-${c.event}`} data-testid="recent-row">
            <span className="muted" title={`sent to ${c.sessionId} at ${formatTime(c.at)}`}>
              {c.direction === 'c2s' ? '↑' : '↓'}
            </span>
            <span className="mono">{c.nsp ?? '/'}</span>
            <b>{c.event}</b>
            <span className="mono held-args">{JSON.stringify(c.args ?? [])}</span>
            {c.ack && <span className="badge">ack</span>}
            <span className="grow" />
            <button className="btn" onClick={() => onUse(c)} data-testid="recent-use">
              Edit
            </button>
            <button
              className="btn"
              disabled={!canSend}
              onClick={() => onSend(c)}
              title="send it again, to the composer's session"
              data-testid="recent-send"
            >
              Send again
            </button>
          </li>
        ))}
      </ol>
    </details>
  );
}
