/**
 * Rooms as a bipartite graph, for namespaces small enough to read one: rooms in a column on the
 * left, members (socket ids from admin-ui, session ids of inferred groups) on the right, an edge
 * per membership. Members are ordered by the mean position of their rooms (one barycentre pass),
 * which keeps edges from crossing where the membership allows. Pure layout; RoomGraph.tsx draws it.
 */
import type { RoomView } from '../../store/model.js';

/** Beyond these, a graph is a hairball: the namespace is left to the table and the matrix. */
export const GRAPH_LIMITS = { rooms: 12, members: 24 };
export const GRAPH_ROW = 22;

export interface GraphNode {
  /** Rooms: the room's key; members: `socket:<id>` or `session:<sid>`. */
  id: string;
  label: string;
  /** Centre of the node, from the top of the graph. */
  y: number;
  /** Inferred rooms, and members known only from inferred rooms, are guesses. */
  guess: boolean;
}

export interface GraphMember extends GraphNode {
  member: string;
  kind: 'socket' | 'session';
}

export interface GraphEdge {
  room: string;
  member: string;
  y1: number;
  y2: number;
  guess: boolean;
}

export interface RoomGraph {
  nsp: string;
  rooms: GraphNode[];
  members: GraphMember[];
  edges: GraphEdge[];
  height: number;
}

export interface RoomGraphs {
  graphs: RoomGraph[];
  /** Namespaces over GRAPH_LIMITS, with their counts. */
  tooBig: { nsp: string; rooms: number; members: number }[];
}

/** The graph of each namespace of `rooms` (sorted by namespace and name, as roomList gives them). */
export function roomGraphs(rooms: readonly RoomView[], limits = GRAPH_LIMITS): RoomGraphs {
  const byNsp = new Map<string, RoomView[]>();
  for (const r of rooms) {
    let list = byNsp.get(r.nsp);
    if (!list) byNsp.set(r.nsp, (list = []));
    list.push(r);
  }
  const out: RoomGraphs = { graphs: [], tooBig: [] };
  for (const [nsp, list] of byNsp) {
    const memberOf = new Map<
      string,
      { member: string; kind: GraphMember['kind']; rooms: number[]; fact: boolean }
    >();
    list.forEach((r, i) => {
      for (const m of r.members) {
        const id = `${r.memberKind}:${m}`;
        let entry = memberOf.get(id);
        if (!entry) memberOf.set(id, (entry = { member: m, kind: r.memberKind, rooms: [], fact: false }));
        entry.rooms.push(i);
        if (r.source !== 'inferred') entry.fact = true;
      }
    });
    if (list.length > limits.rooms || memberOf.size > limits.members) {
      out.tooBig.push({ nsp, rooms: list.length, members: memberOf.size });
      continue;
    }
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    const members = [...memberOf.entries()].sort(
      ([a, x], [b, y]) => mean(x.rooms) - mean(y.rooms) || a.localeCompare(b),
    );
    const rows = Math.max(list.length, members.length);
    const height = rows * GRAPH_ROW;
    // The shorter column is centred against the longer one.
    const yOf = (i: number, n: number) => ((rows - n) * GRAPH_ROW) / 2 + i * GRAPH_ROW + GRAPH_ROW / 2;
    const roomNodes = list.map((r, i) => ({
      id: r.key,
      label: r.room,
      y: yOf(i, list.length),
      guess: r.source === 'inferred',
    }));
    const memberNodes: GraphMember[] = members.map(([id, m], i) => ({
      id,
      label: m.member,
      member: m.member,
      kind: m.kind,
      y: yOf(i, members.length),
      guess: !m.fact,
    }));
    const yOfMember = new Map(memberNodes.map((m) => [m.id, m.y]));
    const edges: GraphEdge[] = [];
    list.forEach((r, i) => {
      for (const m of r.members) {
        const id = `${r.memberKind}:${m}`;
        edges.push({
          room: r.key,
          member: id,
          y1: roomNodes[i]!.y,
          y2: yOfMember.get(id)!,
          guess: r.source === 'inferred',
        });
      }
    });
    out.graphs.push({ nsp, rooms: roomNodes, members: memberNodes, edges, height });
  }
  return out;
}

/** The graph in words, for its aria-label: each room with its members. */
export function graphSummary(g: RoomGraph): string {
  const names = new Map(g.members.map((m) => [m.id, m.label]));
  const rooms = g.rooms.map((r) => {
    const members = g.edges.filter((e) => e.room === r.id).map((e) => names.get(e.member));
    return `${r.label}${r.guess ? ' (inferred)' : ''}: ${members.join(', ')}`;
  });
  return `Namespace ${g.nsp}, ${g.rooms.length} room${g.rooms.length === 1 ? '' : 's'} and ${g.members.length} member${g.members.length === 1 ? '' : 's'}. ${rooms.join('; ')}.`;
}
