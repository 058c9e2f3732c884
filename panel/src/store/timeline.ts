/**
 * A session's lifecycle as the socket view shows it. Heartbeats and drains are the bulk of a long
 * session's events and say little one by one, so consecutive ones fold into a single `quiet` item
 * with counts; the list is capped, keeping the handshake and the latest items.
 */
import type { InterventionEvent } from '../../../shared/events.js';
import type { TimelineItem } from './model.js';

export const MAX_TIMELINE = 300;

export function appendTimeline(list: readonly TimelineItem[], item: TimelineItem): readonly TimelineItem[] {
  const next = [...list, item];
  if (next.length <= MAX_TIMELINE) return next;
  // Keep the first item (the handshake) and the most recent ones.
  return [next[0] as TimelineItem, ...next.slice(next.length - MAX_TIMELINE + 1)];
}

export type QuietKind = 'ping' | 'pong' | 'drain';

/** Counts a heartbeat or a drain into the trailing `quiet` item, or starts one. */
export function foldQuiet(
  list: readonly TimelineItem[],
  kind: QuietKind,
  ts: number,
): readonly TimelineItem[] {
  const last = list[list.length - 1];
  const add = (q: { pings: number; pongs: number; drains: number }) => ({
    pings: q.pings + (kind === 'ping' ? 1 : 0),
    pongs: q.pongs + (kind === 'pong' ? 1 : 0),
    drains: q.drains + (kind === 'drain' ? 1 : 0),
  });
  if (last?.kind === 'quiet') {
    const next = list.slice(0, -1);
    next.push({ ...last, until: ts, ...add(last) });
    return next;
  }
  return appendTimeline(list, { kind: 'quiet', ts, until: ts, ...add({ pings: 0, pongs: 0, drains: 0 }) });
}

/**
 * Adds an intervention, folded into the previous line when that is the same action (a latency fault
 * delays every message: one line with a count, not hundreds).
 */
export function foldIntervention(
  list: readonly TimelineItem[],
  e: InterventionEvent,
): readonly TimelineItem[] {
  const last = list[list.length - 1];
  if (last?.kind === 'intervention' && last.action === e.action) {
    const next = list.slice(0, -1);
    next.push({ ...last, count: last.count + 1, until: e.ts, detail: e.detail });
    return next;
  }
  return appendTimeline(list, {
    kind: 'intervention',
    ts: e.ts,
    seq: e.seq,
    action: e.action,
    detail: e.detail,
    count: 1,
    until: e.ts,
  });
}
