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
  /** The Engine.IO protocol version the session speaks (from its handshake). */
  eio: number;
  /**
   * Who opened it: the address and user agent of its handshake. Stays the same across the sessions
   * of one process or browser even where `clientKey` cannot link them (a new io() per attempt).
   */
  peer: string;
  /** The target's `maxPayload` (Engine.IO 4 only). */
  maxPayload?: number;
  /** The open packet's `pingTimeout`: how long the pinging side waits for the pong. */
  pingTimeout: number;
}

export interface DetectorContext {
  /** The session's facts, when its `session` event was seen and it has not ended. */
  session(sid: string): SessionFacts | undefined;
  report(problem: ProblemReport): void;
  /** The analyzer's windows (defaults in analyzer.ts). */
  readonly options: Readonly<AnalysisOptions>;
}

/** The time windows of the detectors that wait for something that should come. */
export interface AnalysisOptions {
  /** How long an EVENT that asked for an acknowledgement waits for its ACK before it is a problem. */
  ackTimeoutMs: number;
  /** How long a polling session offered `websocket` may go without completing an upgrade. */
  upgradeWindowMs: number;
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
  /**
   * Time passed (`now`, epoch ms): report what did not come in time. Called by the analyzer as the
   * events' clock advances, and by the proxy on a timer so that a quiet session is judged too.
   */
  tick?(now: number, ctx: DetectorContext): void;
}

/** `connect` → `"connect"`; quotes a name for a title. */
export const quote = (s: string): string => JSON.stringify(s);

/** What every problem of one kind shares: stated once per kind, beside its fix text. */
export interface ProblemKind {
  kind: string;
  severity: ProblemEvent['severity'];
  confidence: ProblemEvent['confidence'];
  /** What it means and how to fix it (ProblemEvent.fix); absent where each occurrence states its own. */
  fix?: string;
}

/** What one occurrence adds to its kind; `fix` and `confidence` only where an occurrence differs. */
export interface ProblemOccurrence extends Partial<Pick<ProblemKind, 'fix' | 'confidence'>> {
  title: string;
  detail?: string | undefined;
  sessionId?: string | undefined;
  seqs: number[];
  evidence: string[];
}

/** A problem of `kind` at one occurrence; a `detail` or `sessionId` that is undefined is left out. */
export function problem(kind: ProblemKind, o: ProblemOccurrence): ProblemReport {
  return {
    type: 'problem',
    kind: kind.kind,
    severity: kind.severity,
    title: o.title,
    fix: o.fix ?? kind.fix ?? '',
    ...(o.detail !== undefined ? { detail: o.detail } : {}),
    ...(o.sessionId !== undefined ? { sessionId: o.sessionId } : {}),
    seqs: o.seqs,
    confidence: o.confidence ?? kind.confidence,
    evidence: o.evidence,
  };
}
