/**
 * Large binary sent as base64 over HTTP long-polling: an Engine.IO 3 session whose handshake asked
 * for base64 (`b64=1`: the client's `forceBase64`, or a client without XHR2 binary support, as
 * socket.io-client@2 in Node) carrying a binary attachment of LARGE_BINARY bytes or more over
 * polling. Base64 is a third bigger on the wire and costs an encode and a decode per message.
 */
import type { ProxyEvent } from '../../events.js';
import type { Detector, DetectorContext, ProblemKind } from '../detector.js';
import { problem } from '../detector.js';

export const LARGE_BINARY = 64 * 1024;

const FIX =
  'Binary data goes over HTTP long-polling as base64 text here: a third bigger on the wire, plus an encode and a decode per message, and all of it counts against maxHttpBufferSize. The client asked for it: forceBase64: true, or a client without XHR2 binary support (socket.io-client@2 in Node, very old browsers). Drop forceBase64, let the session upgrade to WebSocket (which carries binary as is), or upgrade to socket.io-client@4 (Engine.IO 4 polling still base64s binary; only WebSocket does not).';

const BINARY_BASE64: ProblemKind = {
  kind: 'binary-base64',
  severity: 'warning',
  confidence: 'certain',
  fix: FIX,
};

export class BinaryBase64 implements Detector {
  readonly types = ['session', 'packet'] as const;
  /** Engine.IO 3 sessions that asked for base64, until reported or forgotten. */
  private readonly base64 = new Set<string>();

  observe(e: ProxyEvent, ctx: DetectorContext): void {
    if (e.type === 'session') {
      if (e.eio === 3 && e.handshake.query.b64 === '1') this.base64.add(e.sessionId);
      return;
    }
    if (e.type !== 'packet' || e.transport !== 'polling' || e.size < LARGE_BINARY) return;
    if (!this.base64.has(e.sessionId)) return;
    const type = e.sio?.type;
    if (type !== 'BINARY_EVENT' && type !== 'BINARY_ACK' && e.binary === undefined) return;
    this.base64.delete(e.sessionId); // once per session
    if (!ctx.session(e.sessionId)) return;
    const sender = e.direction === 'c2s' ? 'the client' : 'the server';
    ctx.report(
      problem(BINARY_BASE64, {
        title: `${Math.round(e.size / 1024)} KB of binary sent as base64 over polling by ${sender}`,
        detail: "the session's handshake asked for base64 (b64=1) and it has not upgraded to WebSocket",
        sessionId: e.sessionId,
        seqs: [e.seq],
        evidence: [
          'the Engine.IO 3 handshake has b64=1',
          `packet #${e.seq} carries binary over polling, ${e.size} bytes on the wire`,
        ],
      }),
    );
  }

  forget(sid: string): void {
    this.base64.delete(sid);
  }
}
