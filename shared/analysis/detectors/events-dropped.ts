/**
 * Events this observer never got (the stream's `dropped` marker). Not a problem of the app but of
 * the view of it: only a consumer of the stream sees these, so the panel runs this detector on every
 * source (see LOCAL_DETECTORS), the proxy never needs to.
 */
import type { Detector, ProblemKind } from '../detector.js';
import { problem } from '../detector.js';

const DROPPED: ProblemKind = {
  kind: 'dropped',
  severity: 'error',
  confidence: 'certain',
  fix: "The proxy's event stream sent faster than this viewer read, and skipped events rather than grow its queue without bound. GET /api/capture has them while the proxy's history holds them; a larger --history or fewer open viewers help.",
};

export const eventsDropped: Detector = {
  types: ['dropped'],
  observe(e, ctx) {
    if (e.type !== 'dropped') return;
    const from = Math.max(1, e.seq - e.count + 1);
    ctx.report(
      problem(DROPPED, {
        title: `the panel missed ${e.count} events`,
        detail: `${e.reason}. They are events ${from}..${e.seq}; GET /api/capture has them while the proxy's history holds them.`,
        seqs: [e.seq],
        evidence: [`dropped marker #${e.seq}: ${e.count} events (${from}..${e.seq})`],
      }),
    );
  },
};
