/**
 * The timeline as a table, for screen readers and for reading: per client, each session with its
 * transport, its close (who, why, whether the client comes back by itself) and the wait that
 * followed (attempt number, failed attempts). Capped at MAX_ROWS rows; the sessions sidebar lists
 * every session.
 */
import type { ReactElement } from 'react';
import { useUi } from '../../app/context.js';
import { formatDuration, formatTime } from '../../lib/format.js';
import type { Gap, Lane, SessionBar } from './lanes.js';
import type { LaneMark } from './marks.js';

export const MAX_ROWS = 1000;
/** Marks listed per session; the rest are counted. */
export const MAX_MARKS = 20;

/** The transport column: `polling → websocket after 120 ms`. */
export function transportText(s: SessionBar): string {
  if (s.first === 'websocket') return 'websocket';
  return s.upgradedAt !== undefined
    ? `polling → websocket after ${formatDuration(s.upgradedAt - s.start)}`
    : 'polling';
}

export function closeText(s: SessionBar): string {
  if (!s.close) return 'open';
  const again =
    s.close.reconnects === undefined
      ? ''
      : s.close.reconnects
        ? ', reconnects by itself'
        : ', does not reconnect by itself';
  return `closed by the ${s.close.by}: ${s.close.reason}${again}`;
}

export function gapText(g: Gap): string {
  const failed = g.failed ? `, ${g.failed} failed attempt${g.failed === 1 ? '' : 's'}` : '';
  const guess = g.guess ? ' (guess)' : '';
  return g.connectedAttempt !== undefined
    ? `reconnect #${g.connectedAttempt} after ${formatDuration(g.to - g.from)}${failed}${guess}`
    : `no reconnect yet${failed}`;
}

const NO_MARKS: ReadonlyMap<string, readonly LaneMark[]> = new Map();

/** The marks column: the first MAX_MARKS marks with their time, then how many more. */
export function marksText(marks: readonly LaneMark[] | undefined): { mark?: LaneMark; text: string }[] {
  if (!marks) return [];
  const lines: { mark?: LaneMark; text: string }[] = marks
    .slice(0, MAX_MARKS)
    .map((m) => ({ mark: m, text: `${formatTime(m.ts)} ${m.title}` }));
  if (marks.length > MAX_MARKS) lines.push({ text: `and ${marks.length - MAX_MARKS} more` });
  return lines;
}

export function TimelineTable({
  lanes,
  now,
  marks = NO_MARKS,
}: {
  lanes: readonly Lane[];
  now: number;
  marks?: ReadonlyMap<string, readonly LaneMark[]>;
}) {
  const selectSession = useUi((s) => s.selectSession);
  const rows: ReactElement[] = [];
  let total = 0;
  for (const lane of lanes) {
    lane.sessions.forEach((s, i) => {
      total++;
      if (rows.length >= MAX_ROWS) return;
      const gap = lane.gaps.find((g) => g.from === s.end);
      rows.push(
        <tr
          key={s.sid}
          data-testid="timeline-row"
          data-sid={s.sid}
          data-client={lane.key}
          data-start={s.start}
          data-end={s.end}
          data-upgraded={s.upgradedAt}
        >
          <td>{i === 0 ? lane.label : ''}</td>
          <td>
            <button className="link mono" onClick={() => selectSession({ sid: s.sid })}>
              {s.sid}
            </button>
            {s.guess && <span className="badge">guess</span>}
          </td>
          <td>{formatTime(s.start)}</td>
          <td>{formatDuration((s.end ?? now) - s.start)}</td>
          <td data-testid="timeline-transport">{transportText(s)}</td>
          <td data-testid="timeline-close">{closeText(s)}</td>
          <td
            data-testid="timeline-gap"
            data-failed={gap?.attempts
              .filter((a) => a.failed)
              .map((a) => a.ts)
              .join(' ')}
          >
            {gap ? gapText(gap) : ''}
          </td>
          <td data-testid="timeline-marks">
            {marksText(marks.get(s.sid)).map((line, k) => (
              <div key={k} data-testid="timeline-mark" data-kind={line.mark?.kind} data-ts={line.mark?.ts}>
                {line.text}
              </div>
            ))}
          </td>
        </tr>,
      );
    });
  }
  return (
    <div className="tl-table-wrap">
      <table className="grid" data-testid="timeline-table">
        <caption className="muted">
          Sessions by client, oldest first
          {total > MAX_ROWS ? ` (the first ${MAX_ROWS} of ${total}; the sidebar lists all)` : ''}
        </caption>
        <thead>
          <tr>
            <th>client</th>
            <th>session</th>
            <th>started</th>
            <th>lasted</th>
            <th>transport</th>
            <th>close</th>
            <th>then</th>
            <th>rooms, proxy, problems</th>
          </tr>
        </thead>
        <tbody>{rows}</tbody>
      </table>
    </div>
  );
}
