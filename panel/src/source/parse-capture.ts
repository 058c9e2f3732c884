/**
 * A capture file as events: NDJSON (GET /api/capture, `--record FILE`, the panel's own export) or HAR
 * (GET /api/har, or Chrome DevTools' "Save all as HAR with content", through shared/har.ts).
 *
 * `--record` appends to an existing file, so one NDJSON file may hold several proxy runs, each with
 * seqs from 1. Their seqs are shifted to follow on (the references inside `ack` events too), so that
 * every run shows up rather than the last one replacing the others.
 */
import type { ProxyEvent } from '../../../shared/events.js';
import { harToEvents, type Har } from '../../../shared/har.js';

export interface ParsedCapture {
  format: 'ndjson' | 'har';
  events: ProxyEvent[];
  /** Lines that were not events (blank lines excepted). */
  badLines: number;
  /** Proxy runs found in the file (seq starting over). */
  runs: number;
}

export function parseCapture(text: string): ParsedCapture {
  const har = asHar(text);
  if (har) return { format: 'har', events: harToEvents(har), badLines: 0, runs: 1 };
  const events: ProxyEvent[] = [];
  let badLines = 0;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    try {
      const value: unknown = JSON.parse(trimmed);
      if (isEvent(value)) events.push(value);
      else badLines++;
    } catch {
      badLines++;
    }
  }
  const runs = joinRuns(events);
  return { format: 'ndjson', events, badLines, runs };
}

function asHar(text: string): Har | undefined {
  const start = text.trimStart();
  if (!start.startsWith('{') || !/^\{\s*"log"\s*:/.test(start)) return undefined;
  try {
    const value = JSON.parse(start) as { log?: { entries?: unknown } };
    return Array.isArray(value.log?.entries) ? (value as Har) : undefined;
  } catch {
    return undefined;
  }
}

export function isEvent(value: unknown): value is ProxyEvent {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { type?: unknown; seq?: unknown; ts?: unknown };
  return typeof v.type === 'string' && Number.isFinite(v.seq) && Number.isFinite(v.ts);
}

/** Shifts the seqs of each run after the first so that seqs only increase. Returns the number of runs. */
function joinRuns(events: ProxyEvent[]): number {
  let runs = events.length ? 1 : 0;
  let offset = 0;
  let last = -Infinity;
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as ProxyEvent;
    let seq = e.seq + offset;
    if (seq <= last) {
      runs++;
      offset = last;
      seq = e.seq + offset;
    }
    last = seq;
    if (offset === 0) continue;
    events[i] =
      e.type === 'ack'
        ? { ...e, seq, eventSeq: e.eventSeq + offset, ackSeq: e.ackSeq + offset }
        : { ...e, seq };
  }
  return runs;
}
