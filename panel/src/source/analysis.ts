/**
 * The problem detectors of shared/analysis in the panel, for sources whose events do not carry the
 * proxy's `problem` events: a HAR file, an NDJSON capture recorded without them, the extension's
 * in-page capture. The same detectors as in the proxy, so the Problems view shows the same things
 * whatever the source. A source that carries them (the proxy's stream, a recording of it) gets only
 * the detectors of what a consumer alone sees (its own missed events).
 *
 * A problem found here has no seq of its own: it takes the seq of the event that raised it plus a
 * fraction, so it sorts right after that event and passes the store's cursor like any new event.
 */
import { Analyzer } from '../../../shared/analysis/analyzer.js';
import type { ProblemReport } from '../../../shared/analysis/detector.js';
import { allDetectors, localDetectors } from '../../../shared/analysis/detectors/index.js';
import type { ProblemEvent, ProxyEvent } from '../../../shared/events.js';

/** Who finds the problems in a source's events (see EventSource.problems). */
export type ProblemsFrom = 'source' | 'panel';

/** Problems raised by one event, at most: they take seqs seq + 1/64, seq + 2/64, ... */
const SEQ_STEP = 1 / 64;
const MAX_PER_EVENT = 63;

export class SourceAnalysis {
  private readonly analyzer: Analyzer;
  private found: ProblemReport[] = [];

  constructor(from: ProblemsFrom) {
    this.analyzer = new Analyzer(
      (p) => this.found.push(p),
      from === 'panel' ? allDetectors() : localDetectors(),
    );
  }

  /** The batch, with each problem it shows right after the event that raised it. */
  run(batch: readonly ProxyEvent[]): ProxyEvent[] {
    const out: ProxyEvent[] = [];
    for (const e of batch) {
      out.push(e);
      this.analyzer.observe(e);
      if (this.found.length === 0) continue;
      const found = this.found.slice(0, MAX_PER_EVENT);
      this.found = [];
      found.forEach((p, i) => out.push(stamp(p, e, i + 1)));
    }
    return out;
  }
}

function stamp(p: ProblemReport, at: ProxyEvent, n: number): ProblemEvent {
  return {
    ...p,
    seq: at.seq + n * SEQ_STEP,
    ts: at.ts,
    ...(at.importedFrom ? { importedFrom: at.importedFrom } : {}),
  };
}
