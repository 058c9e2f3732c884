/** The sessions sidebar: clients (grouped by clientKey), their attempts, their sessions. */
import { useMemo, useState } from 'react';
import { usePanel, useNow, useUi } from '../../app/context.js';
import { shortId } from '../../lib/format.js';
import { clientGroups, clientLabel, type ClientGroup } from '../../store/selectors.js';
import { AttemptChips } from './AttemptChips.js';
import { SessionItem } from './SessionItem.js';

/** Sessions shown per client before the older ones fold away. */
const RECENT = 3;

function Client({ group, now, hideClosed }: { group: ClientGroup; now: number; hideClosed: boolean }) {
  const [all, setAll] = useState(false);
  const selected = useUi((s) => s.session?.sid);
  const sessions = hideClosed ? group.sessions.filter((s) => s.endedAt === undefined) : group.sessions;
  const older = all ? 0 : Math.max(0, sessions.length - RECENT);
  return (
    <li
      className={`client${group.live ? ' live' : ''}`}
      data-testid="client-item"
      data-client={group.client.clientKey}
    >
      <div className="client-head">
        <span className={`dot ${group.live ? 'connected' : 'closed'}`} />
        <b>{clientLabel(group)}</b>
        <span className="muted mono" title={`clientKey ${group.client.clientKey}`}>
          {shortId(group.client.clientKey, 8)}
        </span>
        <span className="grow" />
        <span className="muted">
          {group.sessions.length} session{group.sessions.length === 1 ? '' : 's'}
        </span>
      </div>
      <AttemptChips attempts={group.client.attempts} />
      <ul className="sessions">
        {older > 0 && (
          <li className="older">
            <button className="link" onClick={() => setAll(true)}>
              {older} earlier session{older === 1 ? '' : 's'}
            </button>
          </li>
        )}
        {sessions.slice(older).map((s) => (
          <SessionItem key={s.sid} s={s} now={now} selected={s.sid === selected} />
        ))}
      </ul>
    </li>
  );
}

export function SessionsSidebar() {
  const version = usePanel((s) => s.version);
  const model = usePanel((s) => s.model);
  const wallClock = useNow(1000);
  // A live session of a capture file lasts until the capture's last event, not until now.
  const live = usePanel((s) => s.source.kind === 'live');
  const now = live ? wallClock : model.cursor.lastTs;
  const [hideClosed, setHideClosed] = useState(false);
  const groups = useMemo(() => clientGroups(model), [model, version]);
  const open = groups.reduce((n, g) => n + g.sessions.filter((s) => s.endedAt === undefined).length, 0);
  const shown = hideClosed ? groups.filter((g) => g.live) : groups;
  return (
    <aside className="sidebar" data-testid="sessions-sidebar">
      <div className="sidebar-head">
        <b>Sessions</b>
        <span className="muted">
          {open} open<span className="seen"> · {model.sessions.size} seen</span>
        </span>
        <span className="grow" />
        <label className="toggle">
          <input type="checkbox" checked={hideClosed} onChange={(e) => setHideClosed(e.target.checked)} />
          live only
        </label>
      </div>
      {shown.length === 0 ? (
        <div className="empty">No sessions yet. Point a Socket.IO client at the proxy.</div>
      ) : (
        <ul className="clients" data-testid="session-list">
          {shown.map((g) => (
            <Client key={g.client.clientKey} group={g} now={now} hideClosed={hideClosed} />
          ))}
        </ul>
      )}
    </aside>
  );
}
