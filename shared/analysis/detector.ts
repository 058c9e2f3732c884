/**
 * What a problem detector is: a small object fed every event, in order, that reports a problem when
 * the events before show one. Detectors are browser-safe (no I/O, no Node APIs) so that the proxy
 * (proxy/observe/analysis.ts) and the panel (panel/src/source/analysis.ts) run the same code.
 *
 * They run on the proxy's relay path: each must be O(1) per event, allocate only when it reports,
 * and keep per-session state only until `forget(sid)`, which the analyzer calls when the session
 * ends (or is evicted past the analyzer's cap).
 */
import type { ProblemEvent, ProxyEvent, ProxyEventType } from '../events.js';

/** A problem before it is stamped with `seq` and `ts`. */
export type ProblemReport = Omit<ProblemEvent, 'seq' | 'ts' | 'importedFrom'>;

/** What the analyzer knows of a session, from its `session` event. */
export interface SessionFacts {
  clientKey: string;
  /** The target's `maxPayload` (Engine.IO 4 only). */
  maxPayload?: number;
}

export interface DetectorContext {
  /** The session's facts, when its `session` event was seen and it has not ended. */
  session(sid: string): SessionFacts | undefined;
  report(problem: ProblemReport): void;
}

export interface Detector {
  /** The event types it reads: the analyzer hands it no others (most events concern no detector). */
  readonly types: readonly ProxyEventType[];
  /**
   * The events of its `types`, in order. A `close` event arrives once per session (the first of
   * the two legs' closes), with the session's facts still readable.
   */
  observe(e: ProxyEvent, ctx: DetectorContext): void;
  /** The session is over: drop what is kept for it. */
  forget?(sid: string): void;
}

/** `connect` → `"connect"`; quotes a name for a title. */
export const quote = (s: string): string => JSON.stringify(s);
