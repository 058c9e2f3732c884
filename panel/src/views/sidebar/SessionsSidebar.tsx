/**
 * The sessions sidebar: clients (grouped by clientKey), their attempts, their sessions. Virtualised
 * over a flat list of rows (sidebar-rows.ts): thousands of clients keep a few dozen elements.
 */
import { memo, useMemo, useRef, useState, type ReactNode } from 'react';
import { usePanel, useNow, useSlices, useUi } from '../../app/context.js';
import { shortId } from '../../lib/format.js';
import type { NodeCount } from '../../store/nodes.js';
import type { SessionView } from '../../store/model.js';
import { sessionsLayout } from '../../store/sessions-layout.js';
import { clientLabel, type ClientGroup } from '../../store/selectors.js';
import { usePaced } from '../use-paced.js';
import { useMeasuredWindow, type MeasuredWindow } from '../useMeasuredWindow.js';
import { AttemptChips } from './AttemptChips.js';
import { SessionItem } from './SessionItem.js';
import { runsOf, shownSession, sidebarRows, type ClientRow, type SidebarRow } from './sidebar-rows.js';
import './SessionsSidebar.css';

/** Heights (px) assumed for rows not rendered yet; the rendered ones are measured. */
const ESTIMATE: Record<SidebarRow['kind'], number> = { client: 24, older: 20, session: 78, node: 24 };

/** A node's header when the sidebar is grouped by node: its sessions open and seen. */
function NodeHead({
  count,
  top,
  rowKey,
  measure,
}: {
  count: NodeCount;
  top: number;
  rowKey: string;
  measure: MeasuredWindow['measure'];
}) {
  return (
    <li
      className="node-head"
      data-testid="node-group"
      data-node={count.node}
      data-row-key={rowKey}
      ref={measure}
      style={{ top }}
      title={count.node || 'sessions that name no target node'}
    >
      <b className="mono">{count.label}</b>
      <span className="grow" />
      <span className="muted" data-testid="node-group-count">
        {count.open} open · {count.seen} seen
      </span>
    </li>
  );
}

const ClientTop = memo(function ClientTop({ group }: { group: ClientGroup }) {
  return (
    <>
      <div className="client-head">
        <span className={`dot ${group.live ? 'connected' : 'closed'}`} />
        <b title={`clientKey ${group.client.clientKey}`}>{clientLabel(group)}</b>
        {/* The proxy's keys are short ids worth showing; in-page capture's are long and read worse cut. */}
        {group.client.clientKey.length <= 12 && (
          <span className="muted mono" title={`clientKey ${group.client.clientKey}`}>
            {shortId(group.client.clientKey, 8)}
          </span>
        )}
        <span className="grow" />
        <span className="muted">
          {group.sessions.length} session{group.sessions.length === 1 ? '' : 's'}
        </span>
      </div>
      <AttemptChips attempts={group.client.attempts} />
    </>
  );
});

/** A checkbox with its label, in the sidebar's head. */
function Toggle(props: {
  checked: boolean;
  set: (on: boolean) => void;
  testId?: string;
  title?: string;
  children: ReactNode;
}) {
  return (
    <label className="toggle" {...(props.title ? { title: props.title } : {})}>
      <input
        type="checkbox"
        {...(props.testId ? { 'data-testid': props.testId } : {})}
        checked={props.checked}
        onChange={(e) => props.set(e.target.checked)}
      />
      {props.children}
    </label>
  );
}

interface RunProps {
  rows: readonly SidebarRow[];
  /** The sessions as they are now: rows place a session, its item shows the current one. */
  sessions: ReadonlyMap<string, SessionView>;
  from: number;
  to: number;
  win: MeasuredWindow;
  now: number;
  selected: string | undefined;
  expand: (clientKey: string) => void;
  /** Several target nodes: each session says which. */
  showNode: boolean;
}

/** Rows `from`..`to` (one client's) in that client's element, at the first row's offset. */
function ClientRun({ rows, sessions, from, to, win, now, selected, expand, showNode }: RunProps) {
  const group = (rows[from] as ClientRow).group;
  const head = rows[from]?.kind === 'client' ? (rows[from] as ClientRow) : undefined;
  const end = (i: number) => {
    const next = rows[i + 1];
    return next?.kind === 'node' || next?.group !== group ? ' client-end' : '';
  };
  const items = [];
  for (let i = head ? from + 1 : from; i < to; i++) {
    const row = rows[i] as ClientRow;
    if (row.kind === 'older')
      items.push(
        <li key={row.key} className={`older${end(i)}`} data-row-key={row.key} ref={win.measure}>
          <button className="link" onClick={() => expand(group.client.clientKey)}>
            {row.count} earlier session{row.count === 1 ? '' : 's'}
          </button>
        </li>,
      );
    else if (row.kind === 'session')
      items.push(
        <SessionItem
          key={row.key}
          s={shownSession(row, sessions)}
          now={now}
          selected={row.session.sid === selected}
          rowKey={row.key}
          className={end(i)}
          measure={win.measure}
          showNode={showNode}
        />,
      );
  }
  return (
    <li
      className={`client${group.live ? ' live' : ''}`}
      data-testid="client-item"
      data-client={group.client.clientKey}
      style={{ top: win.top(from) }}
    >
      {head && (
        <div className={`client-top${end(from)}`} data-row-key={head.key} ref={win.measure}>
          <ClientTop group={group} />
        </div>
      )}
      {items.length > 0 && <ul className="sessions">{items}</ul>}
    </li>
  );
}

export function SessionsSidebar() {
  // Every batch that touches sessions re-renders the sidebar, which then costs the rows shown: the
  // layout (and the rows) are derived again only when it moved, and SessionItem skips the sessions
  // that did not change.
  const { model } = useSlices('sessions');
  const wallClock = useNow(1000);
  // A live session of a capture file lasts until the capture's last event, not until now.
  const live = usePanel((s) => s.source.kind === 'live');
  const lastTs = usePanel((s) => (live ? 0 : s.model.cursor.lastTs));
  const now = live ? wallClock : lastTs;
  const selected = useUi((s) => s.session?.sid);
  const [hideClosed, setHideClosed] = useState(false);
  const hideGuesses = useUi((s) => s.hideGuesses);
  const setHideGuesses = useUi((s) => s.setHideGuesses);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  // Sessions that come by the hundred (heartbeats of sessions whose start left the history, each
  // adding its session) move the rows at a reader's pace; each item shows its session as it is now.
  // A clear or a new source (fewer clients) shows at once.
  const { groups, nodes, open } = usePaced(
    sessionsLayout(model),
    undefined,
    (shown, next) => next.groups.length < shown.groups.length,
  );
  const [nodeShown, setNode] = useState<string | undefined>(undefined);
  const node = nodes.some((n) => n.node === nodeShown) ? nodeShown : undefined;
  const [groupByNode, setGroupByNode] = useState(false);
  const grouped = groupByNode && nodes.length > 1;
  const rows = useMemo(
    () => sidebarRows(groups, hideClosed, expanded, node, grouped ? nodes : undefined),
    [groups, hideClosed, expanded, node, grouped, nodes],
  );
  const keys = useMemo(() => rows.map((r) => r.key), [rows]);
  const scroller = useRef<HTMLElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const win = useMeasuredWindow(scroller, list, keys, (i) => ESTIMATE[(rows[i] as SidebarRow).kind]);
  const expand = (clientKey: string) => setExpanded((e) => new Set(e).add(clientKey));
  return (
    <aside className="sidebar" data-testid="sessions-sidebar" ref={scroller}>
      <div className="sidebar-head">
        <b>Sessions</b>
        <span className="muted">
          {open} open<span className="seen"> · {model.sessions.size} seen</span>
        </span>
        <span className="grow" />
        {nodes.length > 1 && (
          <select
            data-testid="node-filter"
            title="only the sessions opened on one target node"
            value={node ?? ''}
            onChange={(e) => setNode(e.target.value || undefined)}
          >
            <option value="">all {nodes.length} nodes</option>
            {nodes.map((n) => (
              <option key={n.node} value={n.node}>
                {n.label} ({n.open} open)
              </option>
            ))}
          </select>
        )}
        {nodes.length > 1 && (
          <Toggle
            testId="group-by-node"
            title="sessions under a header per target node"
            checked={groupByNode}
            set={setGroupByNode}
          >
            by node
          </Toggle>
        )}
        <Toggle checked={hideClosed} set={setHideClosed}>
          live only
        </Toggle>
        <Toggle
          testId="hide-guesses"
          title="hide reconnects the proxy could only guess"
          checked={hideGuesses}
          set={setHideGuesses}
        >
          no guesses
        </Toggle>
      </div>
      {rows.length === 0 ? (
        <div className="empty">No sessions yet. Point a Socket.IO client at the proxy.</div>
      ) : (
        <ul
          className="clients"
          data-testid="session-list"
          ref={list}
          style={{ height: win.top(rows.length) }}
        >
          {runsOf(rows, win.first, win.last).map(([from, to]) => {
            const row = rows[from] as SidebarRow;
            if (row.kind === 'node')
              return (
                <NodeHead
                  key={row.key}
                  rowKey={row.key}
                  count={row.count}
                  top={win.top(from)}
                  measure={win.measure}
                />
              );
            return (
              <ClientRun
                key={`${row.node ?? ''} ${row.group.client.clientKey}`}
                showNode={nodes.length > 1}
                rows={rows}
                sessions={model.sessions}
                from={from}
                to={to}
                win={win}
                now={now}
                selected={selected}
                expand={expand}
              />
            );
          })}
        </ul>
      )}
    </aside>
  );
}
