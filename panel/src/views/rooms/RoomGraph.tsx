/**
 * The rooms of each small namespace as a bipartite graph (bipartite.ts): rooms left, members right,
 * an edge per membership, inferred ones dashed. A click on a member selects its session. The rooms
 * table ("now") lists the same, and each graph's aria-label says it in words.
 */
import { shortId } from '../../lib/format.js';
import type { RoomView } from '../../store/model.js';
import { GRAPH_LIMITS, GRAPH_ROW, graphSummary, roomGraphs, type GraphMember } from './bipartite.js';
import './RoomGraph.css';

const WIDTH = 520;
const ROOM_X = 170;
const MEMBER_X = 350;

export function RoomGraph({
  rooms,
  onMember,
}: {
  rooms: readonly RoomView[];
  onMember: (m: GraphMember, nsp: string) => void;
}) {
  const { graphs, tooBig } = roomGraphs(rooms);
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
                className={`rg-edge${e.guess ? ' guess' : ''}`}
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
