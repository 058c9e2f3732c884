/** A namespace that refused the client (CONNECT answered with CONNECT_ERROR, e.g. by a middleware). */
import type { Detector, ProblemKind } from '../detector.js';
import { problem } from '../detector.js';

const CONNECT_ERROR: ProblemKind = {
  kind: 'connect_error',
  severity: 'warning',
  confidence: 'certain',
  fix: 'A middleware of the namespace (io.of(nsp).use) called next(new Error(...)), or the namespace does not exist on the server. socket.io-client does not retry a refused namespace by itself: fix what the client sends (auth, query) or the middleware, then call socket.connect() again.',
};

export const refusedNamespace: Detector = {
  types: ['connect_error'],
  observe(e, ctx) {
    if (e.type !== 'connect_error') return;
    ctx.report(
      problem(CONNECT_ERROR, {
        title: `namespace ${e.nsp} refused the client: ${e.message}`,
        detail: e.data !== undefined ? `data: ${JSON.stringify(e.data)}` : undefined,
        sessionId: e.sessionId,
        seqs: [e.seq],
        evidence: [`the server answered the CONNECT to ${e.nsp} with CONNECT_ERROR "${e.message}"`],
      }),
    );
  },
};
