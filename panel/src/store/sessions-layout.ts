/**
 * What the views that place sessions derive from the sessions slice: clients with their sessions,
 * sessions per target node, sessions open. Derived once per layout revision (sessions.ts), not per
 * packet: with 10,000 idle sessions, heartbeats bump the slice hundreds of times a second while the
 * layout stays put, and walking every session on each bump cost the sidebar its frames.
 */
import { nodeCounts, type NodeCount } from './nodes.js';
import type { PanelModel } from './reduce.js';
import { clientGroups, type ClientGroup } from './selectors.js';

export interface SessionsLayout {
  groups: ClientGroup[];
  nodes: NodeCount[];
  /** Sessions open among the groups'. */
  open: number;
}

const derived = new WeakMap<PanelModel, { layout: number; value: SessionsLayout }>();
let derivations = 0;

/** The model's layout, the same object until its layout revision moves. */
export function sessionsLayout(model: PanelModel): SessionsLayout {
  const hit = derived.get(model);
  if (hit?.layout === model.layout) return hit.value;
  derivations++;
  const groups = clientGroups(model);
  let open = 0;
  for (const g of groups) for (const s of g.sessions) if (s.endedAt === undefined) open++;
  const value = { groups, nodes: nodeCounts(model.sessions.values()), open };
  derived.set(model, { layout: model.layout, value });
  return value;
}

/** How many times a layout was derived (tests count them: a heartbeat must not cause one). */
export function layoutDerivations(): number {
  return derivations;
}
