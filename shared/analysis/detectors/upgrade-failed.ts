/** An upgrade to WebSocket that failed: the client stays on HTTP long-polling. */
import type { Detector } from '../detector.js';

export const upgradeFailed: Detector = {
  types: ['upgrade'],
  observe(e, ctx) {
    if (e.type !== 'upgrade' || e.stage !== 'failure') return;
    ctx.report({
      type: 'problem',
      kind: 'upgrade-failed',
      severity: 'warning',
      title: `upgrade to WebSocket failed on the ${e.leg} leg${e.reason ? `: ${e.reason}` : ''}`,
      fix: 'The client stays on HTTP long-polling: it works, with more requests and more latency. Usually something between the client and the server does not pass WebSocket (a reverse proxy without the Upgrade and Connection headers, a load balancer without sticky sessions), or the server allows only polling (transports option).',
      detail: 'the client stays on HTTP long-polling',
      sessionId: e.sessionId,
      seqs: [e.seq],
      confidence: 'certain',
      evidence: [`upgrade failure on the ${e.leg} leg${e.reason ? `: ${e.reason}` : ''}`],
    });
  },
};
