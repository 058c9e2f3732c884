/**
 * The session selected on the timeline, in one line, with the ways to open it: its socket view,
 * its packets (the packet table, filtered to it by the selection) and its sequence diagram.
 */
import { usePanel, useUi } from '../../app/context.js';
import { formatDuration, formatTime } from '../../lib/format.js';
import { sessionState } from '../../store/selectors.js';
import { upgradedAt } from './lanes.js';

export function SelectedSession() {
  const sid = useUi((s) => s.session?.sid);
  const session = usePanel((s) => (sid ? s.model.sessions.get(sid) : undefined));
  const setTab = useUi((s) => s.setTab);
  if (!session) return null;
  const state = sessionState(session);
  const upgraded = upgradedAt(session);
  return (
    <div className="tl-selected" data-testid="timeline-selected" data-sid={session.sid}>
      <span className="mono">{session.sid}</span>
      <span className="muted">
        {formatTime(session.startedAt)}
        {session.endedAt !== undefined && ` · ${formatDuration(session.endedAt - session.startedAt)}`} ·{' '}
        {session.firstTransport}
        {upgraded !== undefined &&
          ` → websocket after ${formatDuration(upgraded - session.startedAt)}`} ·{' '}
        {state.kind === 'closed' ? `closed: ${state.reason}` : state.kind}
      </span>
      <span className="grow" />
      <button className="btn" onClick={() => setTab('socket')} data-testid="open-socket-view">
        Socket view
      </button>
      <button className="btn" onClick={() => setTab('packets')} data-testid="open-packets">
        Packets
      </button>
      <button className="btn" onClick={() => setTab('sequence')} data-testid="open-sequence">
        Sequence
      </button>
    </div>
  );
}
