/**
 * The rooms of each small namespace as a bipartite graph (bipartite.ts): rooms left, members right,
 * an edge per membership, inferred ones dashed. A click on a member selects its session. The rooms
 * table ("now") lists the same, and each graph's aria-label says it in words.
 */
import { useRef } from 'react';
import { shortId } from '../../lib/format.js';
import type { RoomView } from '../../store/model.js';
import { GRAPH_LIMITS, GRAPH_ROW, graphSummary, roomGraphs, type GraphMember } from './bipartite.js';
import './RoomGraph.css';

const WIDTH = 520;
const ROOM_X = 170;
const MEMBER_X = 350;

/**
 * Which edges appeared while the graph was open (live): those fade in (RoomGraph.css, without
 * prefers-reduced-motion). An edge that goes and comes back is new again; what the first render
 * (or a file) shows is not.
 */
function useNewEdges(keys: readonly string[], live: boolean): ReadonlySet<string> {
  const state = useRef<{ seen: Map<string, boolean>; opened: boolean }>({ seen: new Map(), opened: false });
  const { seen, opened } = state.current;
  const now = new Set(keys);
  for (const k of seen.keys()) if (!now.has(k)) seen.delete(k);
  for (const k of keys) if (!seen.has(k)) seen.set(k, opened && live);
  state.current.opened = true;
  return new Set(keys.filter((k) => seen.get(k)));
}

export function RoomGraph({
  rooms,
  live,
  onMember,
}: {
  rooms: readonly RoomView[];
  /** A live source: edges that appear move. */
  live: boolean;
  onMember: (m: GraphMember, nsp: string) => void;
}) {
  const { graphs, tooBig } = roomGraphs(rooms);
  const fresh = useNewEdges(
    graphs.flatMap((g) => g.edges.map((e) => `${e.room}|${e.member}`)),
    live,
  );
  return (
    <div className="room-graph" data-testid="room-graph">
      {graphs.map((g) => (
        <section key={g.nsp} data-testid="room-graph-nsp" data-nsp={g.nsp}>
          <h4>{g.nsp}</h4>
          <svg
            width={WIDTH}
            height={g.height + 4}
            viewBox={`0 -2 ${WIDTH} ${g.height + 4}`}
            role="img"
            aria-label={graphSummary(g)}
          >
            {g.edges.map((e) => (
              <line
                key={`${e.room}|${e.member}`}
                className={`rg-edge${e.guess ? ' guess' : ''}${fresh.has(`${e.room}|${e.member}`) ? ' rg-new' : ''}`}
                data-testid="room-graph-edge"
                data-room={g.rooms.find((r) => r.id === e.room)?.label}
                data-member={g.members.find((m) => m.id === e.member)?.member}
                x1={ROOM_X + 6}
                y1={e.y1}
                x2={MEMBER_X - 6}
                y2={e.y2}
              />
            ))}
            {g.rooms.map((r) => (
              <g key={r.id} className={`rg-room${r.guess ? ' guess' : ''}`}>
                <circle cx={ROOM_X} cy={r.y} r={5} />
                <text x={ROOM_X - 10} y={r.y} textAnchor="end" dominantBaseline="middle">
                  {r.label}
                </text>
              </g>
            ))}
            {g.members.map((m) => (
              <g
                key={m.id}
                className={`rg-member${m.guess ? ' guess' : ''}`}
                onClick={() => onMember(m, g.nsp)}
                role="button"
              >
                <title>{`${m.kind} ${m.member} (click: select its session)`}</title>
                <rect x={MEMBER_X - 5} y={m.y - 5} width={10} height={10} rx={2} />
                <text x={MEMBER_X + 10} y={m.y} dominantBaseline="middle">
                  {shortId(m.member, 10)}
                </text>
              </g>
            ))}
          </svg>
        </section>
      ))}
      {tooBig.map((t) => (
        <p key={t.nsp} className="muted" data-testid="room-graph-too-big">
          {t.nsp}: {t.rooms} rooms and {t.members} members, too many for a graph (at most {GRAPH_LIMITS.rooms}{' '}
          rooms and {GRAPH_LIMITS.members} members): see the table or the matrix over time.
        </p>
      ))}
      {graphs.length === 0 && tooBig.length === 0 && <div className="empty">No rooms known.</div>}
      <div style={{ height: GRAPH_ROW }} />
    </div>
  );
}
