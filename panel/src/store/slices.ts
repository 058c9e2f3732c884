/**
 * The model's slices: the parts of it that change independently, each with a revision in the panel
 * store. A view subscribes to the revisions of the slices it reads, so a batch of packets re-renders
 * the packet views and the counters, not the rooms or the problems. Revisions only grow (a reset
 * bumps them all), so the sum of several is a revision of them together.
 *
 * Who writes each, all inside `applyEvents` (reduce.ts), in this order:
 * - sessions: sessions.ts (sessions by sid, clients by clientKey, their attempts and timelines);
 * - packets: packet-store.ts and acks.ts (the rows, their EVENT <-> ACK links), and the names seen;
 * - rooms: rooms.ts;
 * - problems: the analysis (problems.ts, duplicates.ts) into problem-log.ts;
 * - stats: stats.ts, with the panel's own counters (cursor, dropped), so it changes on every batch.
 */
export type Slice = 'sessions' | 'packets' | 'rooms' | 'problems' | 'stats';

export type Revisions = Readonly<Record<Slice, number>>;

/** One bit per slice, for a batch to say cheaply which slices it changed. A new slice: add it here. */
export const SLICE_BIT: Readonly<Record<Slice, number>> = {
  sessions: 1,
  packets: 2,
  rooms: 4,
  problems: 8,
  stats: 16,
};

const SLICES = Object.keys(SLICE_BIT) as Slice[];

export const ALL_SLICES = SLICES.reduce((mask, slice) => mask | SLICE_BIT[slice], 0);

export const INITIAL_REVISIONS: Revisions = Object.fromEntries(SLICES.map((s) => [s, 0])) as Revisions;

/** The revisions after a batch that changed the slices of `mask`; `revs` itself when it changed none. */
export function bumpRevisions(revs: Revisions, mask: number): Revisions {
  if (mask === 0) return revs;
  const next = { ...revs };
  for (const slice of SLICES) if (mask & SLICE_BIT[slice]) next[slice]++;
  return next;
}

/** A revision of `slices` together: it changes when any of them does. */
export function revisionOf(revs: Revisions, slices: readonly Slice[]): number {
  let sum = 0;
  for (const slice of slices) sum += revs[slice];
  return sum;
}
