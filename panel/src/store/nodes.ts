/**
 * The target nodes sessions were opened on (the `session` event's `target`: one per node when the
 * proxy fronts a cluster). The views show node columns and filters only when there are several.
 */
import type { SessionView } from './model.js';

export interface NodeCount {
  /** The node's origin, as the session event names it. */
  node: string;
  /** `host:port`, what the views print. */
  label: string;
  open: number;
  seen: number;
}

/** Sessions per node, in the order the nodes first appear. */
export function nodeCounts(sessions: Iterable<SessionView>): NodeCount[] {
  const byNode = new Map<string, NodeCount>();
  for (const s of sessions) {
    if (!s.target) continue;
    let c = byNode.get(s.target);
    if (!c) byNode.set(s.target, (c = { node: s.target, label: nodeLabel(s.target), open: 0, seen: 0 }));
    c.seen++;
    if (s.endedAt === undefined) c.open++;
  }
  return [...byNode.values()];
}

/** `http://10.0.0.5:3000` -> `10.0.0.5:3000`; anything that is not a URL as it is. */
export function nodeLabel(origin: string): string {
  try {
    return new URL(origin).host || origin;
  } catch {
    return origin;
  }
}
