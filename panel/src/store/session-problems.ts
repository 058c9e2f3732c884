/**
 * What the sidebar marks on a session with problems: how many (repeats included), of which kinds,
 * and the worst severity. Computed once per change of the problem log (or of the muted kinds) for
 * every session at once, since every visible sidebar row asks.
 */
import type { Problem } from './model.js';
import type { ProblemLog } from './problem-log.js';

export interface SessionProblemMark {
  count: number;
  /** Kinds by occurrences, the most frequent first. */
  kinds: string[];
  severity: Problem['severity'];
}

/** Marks by session id; muted kinds (folded away in the Problems view) do not count. */
export function sessionProblemMarks(
  problems: readonly Problem[],
  muted: readonly string[] = [],
): Map<string, SessionProblemMark> {
  const counts = new Map<string, { count: number; byKind: Map<string, number>; error: boolean }>();
  for (const p of problems) {
    if (p.sessionId === undefined || muted.includes(p.kind)) continue;
    let c = counts.get(p.sessionId);
    if (!c) counts.set(p.sessionId, (c = { count: 0, byKind: new Map(), error: false }));
    c.count += p.count;
    c.byKind.set(p.kind, (c.byKind.get(p.kind) ?? 0) + p.count);
    if (p.severity === 'error') c.error = true;
  }
  const marks = new Map<string, SessionProblemMark>();
  for (const [sid, c] of counts) {
    const kinds = [...c.byKind].sort((a, b) => b[1] - a[1]).map(([kind]) => kind);
    marks.set(sid, { count: c.count, kinds, severity: c.error ? 'error' : 'warning' });
  }
  return marks;
}

let cached:
  | { log: ProblemLog; version: number; muted: readonly string[]; marks: Map<string, SessionProblemMark> }
  | undefined;

/** `sessionProblemMarks` of a log, recomputed only when the log or the muted kinds changed. */
export function sessionProblemMarksOf(
  log: ProblemLog,
  muted: readonly string[],
): Map<string, SessionProblemMark> {
  if (cached?.log !== log || cached.version !== log.version || cached.muted !== muted)
    cached = { log, version: log.version, muted, marks: sessionProblemMarks(log.list(), muted) };
  return cached.marks;
}
