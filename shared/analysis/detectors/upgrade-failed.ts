/** An upgrade to WebSocket that failed: the client stays on HTTP long-polling. */
import type { Detector, ProblemKind } from '../detector.js';
import { problem } from '../detector.js';

const UPGRADE_FAILED: ProblemKind = {
  kind: 'upgrade-failed',
  severity: 'warning',
  confidence: 'certain',
  fix: 'The client stays on HTTP long-polling: it works, with more requests and more latency. Usually something between the client and the server does not pass WebSocket (a reverse proxy without the Upgrade and Connection headers, a load balancer without sticky sessions), or the server allows only polling (transports option).',
};

export const upgradeFailed: Detector = {
  types: ['upgrade'],
  observe(e, ctx) {
    if (e.type !== 'upgrade' || e.stage !== 'failure') return;
    ctx.report(
      problem(UPGRADE_FAILED, {
        title: `upgrade to WebSocket failed on the ${e.leg} leg${e.reason ? `: ${e.reason}` : ''}`,
        detail: 'the client stays on HTTP long-polling',
        sessionId: e.sessionId,
        seqs: [e.seq],
        evidence: [`upgrade failure on the ${e.leg} leg${e.reason ? `: ${e.reason}` : ''}`],
      }),
    );
  },
};
