/**
 * `waitFor` / `events` / `history` filters: shared/match's event filters (docs/matching.md), an
 * object in the event stream's own words (`{ type: 'connect', nsp: '/' }`), or a predicate.
 */
import type { ProxyEvent } from '../../shared/events.js';
import { compileEventFilter, type ClientKeyOf, type EventFilter } from '../../shared/match/index.js';
import { SioProxyError } from './errors.js';

export type { EventFilter };
export type EventPredicate = (event: ProxyEvent) => boolean;

/** Compiles once; a malformed filter is a BAD_OPTION error naming its field. */
export function predicateOf(
  filter: EventFilter | EventPredicate | undefined,
  clientKeyOf: ClientKeyOf,
): EventPredicate {
  if (filter === undefined) return () => true;
  if (typeof filter === 'function') return filter;
  try {
    const matcher = compileEventFilter(filter, { clientKeyOf });
    return (event) => matcher.test(event);
  } catch (err) {
    throw new SioProxyError('BAD_OPTION', `filter: ${(err as Error).message}`, { cause: err });
  }
}

export function describeFilter(filter: EventFilter | EventPredicate): string {
  return typeof filter === 'function' ? 'a predicate' : JSON.stringify(filter);
}
