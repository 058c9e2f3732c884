/**
 * The sidebar as a flat list of rows, so it can be virtualised: a client's head (with its attempt
 * chips), the "N earlier sessions" fold, and each session shown. Rows keep their client, so the
 * view can wrap a run of rows of one client in that client's element.
 */
import type { SessionView } from '../../store/model.js';
import type { ClientGroup } from '../../store/selectors.js';

/** Sessions shown per client before the older ones fold away. */
export const RECENT = 3;

export type SidebarRow =
  | { kind: 'client'; key: string; group: ClientGroup }
  | { kind: 'older'; key: string; group: ClientGroup; count: number }
  | { kind: 'session'; key: string; group: ClientGroup; session: SessionView };

/**
 * `expanded`: clients whose earlier sessions the user unfolded; `node`: only the sessions opened on
 * that target node (and the clients that have one).
 */
export function sidebarRows(
  groups: readonly ClientGroup[],
  hideClosed: boolean,
  expanded: ReadonlySet<string>,
  node?: string,
): SidebarRow[] {
  const rows: SidebarRow[] = [];
  for (const group of groups) {
    if (hideClosed && !group.live) continue;
    const key = group.client.clientKey;
    let sessions = hideClosed ? group.sessions.filter((s) => s.endedAt === undefined) : group.sessions;
    if (node !== undefined) {
      sessions = sessions.filter((s) => s.target === node);
      if (!sessions.length) continue;
    }
    const older = expanded.has(key) ? 0 : Math.max(0, sessions.length - RECENT);
    rows.push({ kind: 'client', key: `c:${key}`, group });
    if (older > 0) rows.push({ kind: 'older', key: `o:${key}`, group, count: older });
    for (let i = older; i < sessions.length; i++) {
      const session = sessions[i] as SessionView;
      rows.push({ kind: 'session', key: `s:${session.sid}`, group, session });
    }
  }
  return rows;
}

/** Consecutive rows of one client: the view renders each run inside one client element. */
export function runsOf(rows: readonly SidebarRow[], first: number, last: number): [number, number][] {
  const runs: [number, number][] = [];
  for (let i = first; i < last; i++) {
    const run = runs[runs.length - 1];
    if (run && rows[i]?.group === rows[run[0]]?.group) run[1] = i + 1;
    else runs.push([i, i + 1]);
  }
  return runs;
}
