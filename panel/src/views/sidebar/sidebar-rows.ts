/**
 * The sidebar as a flat list of rows, so it can be virtualised: a client's head (with its attempt
 * chips), the "N earlier sessions" fold, and each session shown; grouped by node, a header per node
 * before its clients. Rows keep their client, so the view can wrap a run of rows of one client in
 * that client's element.
 */
import type { SessionView } from '../../store/model.js';
import type { NodeCount } from '../../store/nodes.js';
import type { ClientGroup } from '../../store/selectors.js';

/** Sessions shown per client before the older ones fold away. */
export const RECENT = 3;

/** A client's rows; `node` set when grouped by node (a client with sessions on two nodes is under both). */
export type ClientRow =
  | { kind: 'client'; key: string; group: ClientGroup; node?: string }
  | { kind: 'older'; key: string; group: ClientGroup; count: number; node?: string }
  /** `session` as of the layout the rows were derived from: it places the row; show the current one by sid. */
  | { kind: 'session'; key: string; group: ClientGroup; session: SessionView; node?: string };

/** A node's header when grouped by node (`count.node` '' for the sessions that name no node). */
export interface NodeRow {
  kind: 'node';
  key: string;
  count: NodeCount;
}

export type SidebarRow = ClientRow | NodeRow;

/** The header of sessions that name no node (a capture's, while others do). */
const NO_NODE = '';

/**
 * `expanded`: clients whose earlier sessions the user unfolded; `node`: only the sessions opened on
 * that target node (and the clients that have one); `byNode`: a header per node (with its counts),
 * each followed by its clients and only their sessions on that node.
 */
export function sidebarRows(
  groups: readonly ClientGroup[],
  hideClosed: boolean,
  expanded: ReadonlySet<string>,
  node?: string,
  byNode?: readonly NodeCount[],
): SidebarRow[] {
  const rows: SidebarRow[] = [];
  if (!byNode) {
    for (const group of groups) clientRows(rows, group, hideClosed, expanded, node);
    return rows;
  }
  const headers = node === undefined ? byNode : byNode.filter((c) => c.node === node);
  for (const count of headers) {
    const at = rows.length;
    for (const group of groups) clientRows(rows, group, hideClosed, expanded, count.node, count.node);
    if (rows.length > at) rows.splice(at, 0, { kind: 'node', key: `n:${count.node}`, count });
  }
  if (node === undefined) {
    // Sessions that name no node still show, under a header of their own.
    const at = rows.length;
    for (const group of groups) clientRows(rows, group, hideClosed, expanded, NO_NODE, NO_NODE);
    if (rows.length > at) {
      const count = { node: NO_NODE, label: 'no node', open: 0, seen: 0 };
      for (const group of groups)
        for (const s of group.sessions)
          if (s.target === undefined) {
            count.seen++;
            if (s.endedAt === undefined) count.open++;
          }
      rows.splice(at, 0, { kind: 'node', key: 'n:', count });
    }
  }
  return rows;
}

/**
 * One client's rows: its head, the fold, its recent sessions. `only`: sessions of that node ('' for
 * those naming none); `under`: the node header it is listed under (part of its keys).
 */
function clientRows(
  rows: SidebarRow[],
  group: ClientGroup,
  hideClosed: boolean,
  expanded: ReadonlySet<string>,
  only?: string,
  under?: string,
): void {
  if (hideClosed && !group.live) return;
  const key = group.client.clientKey;
  let sessions = hideClosed ? group.sessions.filter((s) => s.endedAt === undefined) : group.sessions;
  if (only !== undefined) {
    sessions = sessions.filter((s) => (s.target ?? NO_NODE) === only);
    if (!sessions.length) return;
  }
  const older = expanded.has(key) ? 0 : Math.max(0, sessions.length - RECENT);
  const at = under === undefined ? {} : { node: under };
  const scope = under === undefined ? '' : `${under} `;
  rows.push({ kind: 'client', key: `c:${scope}${key}`, group, ...at });
  if (older > 0) rows.push({ kind: 'older', key: `o:${scope}${key}`, group, count: older, ...at });
  for (let i = older; i < sessions.length; i++) {
    const session = sessions[i] as SessionView;
    rows.push({ kind: 'session', key: `s:${session.sid}`, group, session, ...at });
  }
}

/** What a session row shows: its session as it is now (rows are derived per layout, not per packet). */
export function shownSession(
  row: Extract<SidebarRow, { kind: 'session' }>,
  sessions: ReadonlyMap<string, SessionView>,
): SessionView {
  return sessions.get(row.session.sid) ?? row.session;
}

/**
 * Consecutive rows of one client (or one node header alone): the view renders each run inside one
 * element. A header between two runs of the same client keeps them apart.
 */
export function runsOf(rows: readonly SidebarRow[], first: number, last: number): [number, number][] {
  const runs: [number, number][] = [];
  for (let i = first; i < last; i++) {
    const run = runs[runs.length - 1];
    const row = rows[i];
    const start = run && rows[run[0]];
    if (run && row && start && row.kind !== 'node' && start.kind !== 'node' && row.group === start.group)
      run[1] = i + 1;
    else runs.push([i, i + 1]);
  }
  return runs;
}
