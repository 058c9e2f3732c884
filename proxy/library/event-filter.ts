/**
 * `waitFor` / `events` / `history` filters: an object in the event stream's own vocabulary
 * (`{ type: 'connect', nsp: '/' }`). Placeholder until shared/match/ lands.
 */
import type { ProxyEvent } from '../../shared/events.js';

export type EventFilter = Record<string, unknown>;

export function compileEventFilter(filter: EventFilter): (event: ProxyEvent) => boolean {
  const entries = Object.entries(filter);
  return (event) => entries.every(([k, v]) => (event as unknown as Record<string, unknown>)[k] === v);
}

export function describeFilter(filter: EventFilter | ((e: ProxyEvent) => boolean)): string {
  return typeof filter === 'function' ? 'a predicate' : JSON.stringify(filter);
}
