/**
 * Clients that cannot connect: a connection attempt the proxy saw fail. Either the target is down
 * or unreachable (the proxy could not connect to it: the terminal says so, the clients retry), or it
 * answered the handshake with an error status (a CORS or allowRequest refusal, a wrong path).
 */
import type { Detector, ProblemKind } from '../detector.js';
import { problem } from '../detector.js';

/** The error of an attempt whose handshake the target answered (proxy/engine: `the target answered`). */
const ANSWERED = /^the target answered (\d+)/;
const UNSUPPORTED = /Unsupported protocol version/;

const HANDSHAKE_REFUSED: ProblemKind = {
  kind: 'handshake-refused',
  severity: 'error',
  confidence: 'certain',
  fix: 'The target answered the Engine.IO handshake with an error, so the client cannot connect (and socket.io-client keeps retrying). Common causes: allowRequest or a middleware in front of the server refused it, CORS (the cors option), a wrong path (the path option on both sides), or a protocol mismatch (a v2 client against a v4 server needs allowEIO3).',
};

const TARGET_UNREACHABLE: ProblemKind = {
  kind: 'target-unreachable',
  severity: 'error',
  confidence: 'certain',
  fix: 'The proxy could not connect to the target, so every client attempt fails; socket.io-client retries with backoff (reconnectionDelay, reconnectionDelayMax) and connects once the target is back. Start the app, or check --target (host, port, http or https; --insecure for a development certificate).',
};

export const failedAttempts: Detector = {
  types: ['attempt'],
  observe(e, ctx) {
    if (e.type !== 'attempt' || e.outcome !== 'failed') return;
    const error = e.error ?? 'the attempt failed';
    const evidence = [
      `client ${e.clientKey}: attempt ${e.attempt} failed: ${error}`,
      ...(e.cause ? [`the series started with: ${e.cause}`] : []),
    ];
    const status = ANSWERED.exec(error)?.[1];
    // protocol-mismatch names this one (from the handshake's http event), with its own fix.
    if (status !== undefined && UNSUPPORTED.test(error)) return;
    if (status !== undefined) {
      ctx.report(
        problem(HANDSHAKE_REFUSED, {
          title: `the target refused the handshake with HTTP ${status}`,
          detail: error,
          seqs: [e.seq],
          evidence,
        }),
      );
      return;
    }
    ctx.report(
      problem(TARGET_UNREACHABLE, {
        title: `the target is unreachable: ${error}`,
        seqs: [e.seq],
        evidence,
      }),
    );
  },
};
