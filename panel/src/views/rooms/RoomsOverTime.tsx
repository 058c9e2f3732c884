/**
 * Rooms over time: for each namespace, rooms as rows and members as columns; each cell is a strip
 * over the namespace's time span, filled while the member was in the room (inferred rooms dashed:
 * a guess from broadcasts). Its title says when it joined and left. The rooms table (the other
 * mode of the tab) lists the same rooms as text.
 */
import { useMemo, useRef } from 'react';
import { useController, useNow, usePanel, useSlices, useUi } from '../../app/context.js';
import { formatTime, shortId } from '../../lib/format.js';
import {
  freshEdges,
  isMember,
  stayEdgeKey,
  roomMatrices,
  type Interval,
  type MatrixRow,
  type Member,
  type RoomMatrix,
} from './room-matrix.js';
import './RoomsOverTime.css';

/** Columns shown per namespace; the rest are counted. */
export const MAX_COLUMNS = 60;
const STRIP = 96;

function intervalText(list: readonly Interval[]): string {
  return list
    .map((i) => `${formatTime(i.from)} – ${i.to === undefined ? 'now' : formatTime(i.to)}`)
    .join('\n');
}

/**
 * A stay whose join arrived live grows from its start; one whose leave did fades to its resting
 * colour (RoomsOverTime.css, only without prefers-reduced-motion): CSS animations, no script per frame.
 */
function stayClass(
  row: MatrixRow,
  member: string,
  i: Interval,
  fresh: ReadonlySet<string>,
): string | undefined {
  if (i.to !== undefined && fresh.has(stayEdgeKey(row.key, member, 'leave', i.to))) return 'rt-left';
  if (fresh.has(stayEdgeKey(row.key, member, 'join', i.from))) return 'rt-joined';
  return undefined;
}

function Cell({
  row,
  member,
  from,
  to,
  fresh,
}: {
  row: MatrixRow;
  member: Member;
  from: number;
  to: number;
  fresh: ReadonlySet<string>;
}) {
  const list = row.cells.get(member.id);
  if (!list) return <td className="rt-cell empty" />;
  const span = Math.max(to - from, 1);
  const x = (t: number) => ((t - from) / span) * STRIP;
  const now = isMember(row, member.id);
  return (
    <td
      className={`rt-cell ${row.source}${now ? ' now' : ''}`}
      data-testid="room-cell"
      data-room={row.room}
      data-member={member.id}
      data-source={row.source}
      data-member-now={now}
      title={`${member.kind} ${member.id} in ${row.room} (${row.source === 'inferred' ? 'inferred: a guess' : 'admin-ui'})\n${intervalText(list)}`}
    >
      <svg width={STRIP} height={12} aria-hidden="true">
        <line x1={0} y1={6} x2={STRIP} y2={6} className="rt-track" />
        {list.map((i, k) => (
          <rect
            key={k}
            className={stayClass(row, member.id, i, fresh)}
            x={x(i.from)}
            y={1}
            width={Math.max(2, x(i.to ?? to) - x(i.from))}
            height={10}
            rx={2}
          />
        ))}
      </svg>
      <span className="sr-only">{now ? 'member' : 'left'}</span>
    </td>
  );
}

function Matrix({ m, now, fresh }: { m: RoomMatrix; now: number; fresh: ReadonlySet<string> }) {
  const controller = useController();
  const selectSession = useUi((s) => s.selectSession);
  const to = Math.max(m.to, now);
  const members = m.members.slice(0, MAX_COLUMNS);
  const open = (member: Member) => {
    const { model } = controller.panel.getState();
    if (member.kind === 'session') return selectSession({ sid: member.id, nsp: m.nsp });
    for (const s of model.sessions.values())
      for (const n of Object.values(s.namespaces))
        if (n.socketId === member.id) return selectSession({ sid: s.sid, nsp: m.nsp });
  };
  return (
    <section className="rt-nsp" data-testid="rooms-over-time-nsp" data-nsp={m.nsp}>
      <h4>
        {m.nsp}{' '}
        <span className="muted">
          · {formatTime(m.from)} – {now > m.to ? 'now' : formatTime(m.to)}
        </span>
        {m.members.length > MAX_COLUMNS && (
          <span className="muted">
            {' '}
            · the first {MAX_COLUMNS} of {m.members.length} members (the table lists all)
          </span>
        )}
      </h4>
      <table className="rt-matrix">
        <thead>
          <tr>
            <th>room</th>
            {members.map((mem) => (
              <th key={mem.id} className="rt-member">
                <button className="link mono" title={`${mem.kind} ${mem.id}`} onClick={() => open(mem)}>
                  {shortId(mem.id, 6)}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {m.rows.map((row) => (
            <tr key={row.key} data-testid="rooms-over-time-row" data-room={row.room} data-source={row.source}>
              <th className="mono">
                {row.room}
                {row.source === 'inferred' && <span className="badge">guess</span>}
              </th>
              {members.map((mem) => (
                <Cell key={mem.id} row={row} member={mem} from={m.from} to={to} fresh={fresh} />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function RoomsOverTime() {
  const { model, rev } = useSlices('rooms');
  const withOwn = useUi((s) => s.showOwnRooms);
  const hideGuesses = useUi((s) => s.hideGuesses);
  const lastTs = usePanel((s) => s.model.cursor.lastTs);
  // Live, a stay that lasts runs to the clock; in a capture, to its last event.
  const live = usePanel((s) => s.source.kind === 'live' || s.source.kind === 'devtools');
  const clock = useNow(1000);
  const now = live ? Math.max(clock, lastTs) : lastTs;
  const matrices = useMemo(
    () => roomMatrices(model.roomHistory.changes, { withOwn, hideGuesses }),
    [model, rev, withOwn, hideGuesses],
  );
  // What was known when the view opened rests; what arrives live (not from a file) moves.
  const opened = useRef(model.cursor.lastSeq);
  const fresh = useMemo(
    () => (live ? freshEdges(model.roomHistory.changes, opened.current) : new Set<string>()),
    [model, rev, live],
  );
  if (matrices.length === 0) return <div className="empty">No room changes seen yet.</div>;
  return (
    <div className="rooms-over-time" data-testid="rooms-over-time">
      <p className="muted small legend">
        Each cell is the time since the namespace&apos;s first room change: filled while the member was in the
        room; dashed rooms are inferred from broadcasts (a guess), solid ones reported by @socket.io/admin-ui.
        {model.roomHistory.dropped > 0 && ` The oldest ${model.roomHistory.dropped} changes were dropped.`}
      </p>
      {matrices.map((m) => (
        <Matrix key={m.nsp} m={m} now={now} fresh={fresh} />
      ))}
    </div>
  );
}
