/** A namespace that refused the client (CONNECT answered with CONNECT_ERROR, e.g. by a middleware). */
import type { Detector } from '../detector.js';

export const refusedNamespace: Detector = {
  types: ['connect_error'],
  observe(e, ctx) {
    if (e.type !== 'connect_error') return;
    ctx.report({
      type: 'problem',
      kind: 'connect_error',
      severity: 'warning',
      title: `namespace ${e.nsp} refused the client: ${e.message}`,
      fix: 'A middleware of the namespace (io.of(nsp).use) called next(new Error(...)), or the namespace does not exist on the server. socket.io-client does not retry a refused namespace by itself: fix what the client sends (auth, query) or the middleware, then call socket.connect() again.',
      ...(e.data !== undefined ? { detail: `data: ${JSON.stringify(e.data)}` } : {}),
      sessionId: e.sessionId,
      seqs: [e.seq],
      confidence: 'certain',
      evidence: [`the server answered the CONNECT to ${e.nsp} with CONNECT_ERROR "${e.message}"`],
    });
  },
};
