/** `error` events (the proxy could not read or relay something) as problems, linked to the error. */
import type { Detector, ProblemKind } from '../detector.js';
import { problem } from '../detector.js';

const ERROR: ProblemKind = {
  kind: 'error',
  severity: 'error',
  confidence: 'certain',
  fix: 'The proxy relayed the traffic as it came but could not make sense of this part of it (or the target refused a request). The message says what; the event holds what was received.',
};

export const proxyError: Detector = {
  types: ['error'],
  observe(e, ctx) {
    if (e.type !== 'error') return;
    ctx.report(
      problem(ERROR, {
        title: e.message,
        detail: e.received !== undefined ? `received: ${e.received}` : undefined,
        sessionId: e.sessionId || undefined,
        seqs: [e.seq],
        evidence: [`error event #${e.seq}`],
      }),
    );
  },
};
