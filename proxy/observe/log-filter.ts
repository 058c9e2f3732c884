/**
 * The terminal log's `--filter`: its text syntax (shared/match/filter-syntax.ts, documented in
 * docs/matching.md) compiled by the shared matcher into a predicate over the bus's events.
 */
import type { ProxyEvent } from '../../shared/events.js';
import { compileEventFilter } from '../../shared/match/event-filter.js';
import { parseFilterExpr } from '../../shared/match/filter-syntax.js';

export { FilterError } from '../../shared/match/filter-syntax.js';

export type LogFilter = (event: ProxyEvent) => boolean;

/** Throws FilterError (a MatchError naming the term's key) for an expression it cannot read. */
export function parseFilter(expr: string | undefined): LogFilter {
  const filter = parseFilterExpr(expr);
  if (Object.keys(filter).length === 0) return () => true;
  return compileEventFilter(filter).test;
}
