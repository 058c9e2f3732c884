/** `error` events (the proxy could not read or relay something) as problems, linked to the error. */
import type { Detector } from '../detector.js';

export const proxyError: Detector = {
  types: ['error'],
  observe(e, ctx) {
    if (e.type !== 'error') return;
    ctx.report({
      type: 'problem',
      kind: 'error',
      severity: 'error',
      title: e.message,
      fix: 'The proxy relayed the traffic as it came but could not make sense of this part of it (or the target refused a request). The message says what; the event holds what was received.',
      ...(e.received !== undefined ? { detail: `received: ${e.received}` } : {}),
      ...(e.sessionId ? { sessionId: e.sessionId } : {}),
      seqs: [e.seq],
      confidence: 'certain',
      evidence: [`error event #${e.seq}`],
    });
  },
};
