/**
 * The composer's recent compositions: the last few events sent, newest first, kept in the browser's
 * localStorage so they survive a reload, and sent again from the list. The same event sent twice is
 * one entry (moved to the top); the list is bounded.
 */
import type { EmitSpec } from '../source/control-client.js';

export const MAX_RECENT = 12;
export const RECENT_KEY = 'sio-proxy.recent-compositions';

/** What was sent (the session it went to is kept for the record; sending again uses the composer's). */
export interface Composition extends EmitSpec {
  sessionId: string;
  at: number;
}

/** The storage the list lives in (localStorage in the panel; a Map in tests). */
export interface KeyValue {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Two compositions are the same when they would send the same event the same way. */
function sameSend(a: Composition, b: Composition): boolean {
  return (
    a.direction === b.direction &&
    (a.nsp ?? '/') === (b.nsp ?? '/') &&
    a.event === b.event &&
    !!a.ack === !!b.ack &&
    JSON.stringify(a.args ?? []) === JSON.stringify(b.args ?? [])
  );
}

/** `list` with `c` at the top, its earlier copy removed, at most `max` long. */
export function remember(list: readonly Composition[], c: Composition, max = MAX_RECENT): Composition[] {
  return [c, ...list.filter((x) => !sameSend(x, c))].slice(0, max);
}

/** The stored list; empty when there is none, or it is not ours (anything malformed is dropped). */
export function loadRecent(storage: KeyValue | undefined): Composition[] {
  try {
    const value: unknown = JSON.parse(storage?.getItem(RECENT_KEY) ?? '[]');
    if (!Array.isArray(value)) return [];
    return value
      .filter(
        (c): c is Composition =>
          !!c &&
          typeof c === 'object' &&
          typeof c.event === 'string' &&
          (c.direction === 'c2s' || c.direction === 's2c') &&
          (c.args === undefined || Array.isArray(c.args)),
      )
      .slice(0, MAX_RECENT);
  } catch {
    return [];
  }
}

export function saveRecent(storage: KeyValue | undefined, list: readonly Composition[]): void {
  try {
    storage?.setItem(RECENT_KEY, JSON.stringify(list));
  } catch {
    // Storage full or refused (a private window): the list still works for this page's life.
  }
}
