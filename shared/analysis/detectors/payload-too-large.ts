/**
 * Payloads at the target's limit: a client packet bigger than the open packet's `maxPayload`, and a
 * session the target closed with HTTP 413 or WebSocket 1009 (linked to the largest client packet of
 * the seconds before, which is most likely the one it refused); and, before it bites, a client packet
 * within NEAR_LIMIT of `maxPayload` (`payload-near-limit`, once per session).
 */
import type { CloseEvent, PacketEvent, ProxyEvent } from '../../events.js';
import type { Detector, DetectorContext, ProblemKind } from '../detector.js';
import { problem } from '../detector.js';

/** How far back a 413/1009 close looks for the packet it refused. */
export const OVERSIZE_LOOKBACK_MS = 5000;
/**
 * A client packet of at least this share of `maxPayload` is near the limit. Issue #17 asks for a
 * warning "before it bites" and gives no figure: within 5 % a payload that grows (a longer list, a
 * bigger file) crosses it with the next small change, while 90 % still leaves room (the detectors'
 * tests hold a 913-byte packet under a 1000-byte limit as clean traffic).
 */
export const NEAR_LIMIT = 0.95;

const NEAR_FIX =
  'A client packet came within 5 % of the target\'s maxHttpBufferSize (the maxPayload of its open packet, 1 MB by default). It still passed; a little more (a longer list, a bigger file, one more field) and the target refuses it: HTTP 413 over polling, WebSocket close 1009, and the session ends with "transport error" (or "transport close"), with no error event in the app. Raise the limit where the data can legitimately grow (new Server(httpServer, { maxHttpBufferSize: 5e6 })), or bound what one message carries: page long lists, split or upload large files over HTTP.';

const FIX =
  "The target's maxHttpBufferSize (maxPayload in its open packet, 1 MB by default) is smaller than what the client sends: the target answers HTTP 413 or closes the WebSocket with 1009, and the session ends. Raise maxHttpBufferSize on the server, or send less per message (split it, or upload files over HTTP).";

interface Largest {
  seq: number;
  size: number;
  ts: number;
}

const PAYLOAD_TOO_LARGE: ProblemKind = {
  kind: 'payload-too-large',
  severity: 'error',
  confidence: 'certain',
  fix: FIX,
};

const PAYLOAD_NEAR_LIMIT: ProblemKind = {
  kind: 'payload-near-limit',
  severity: 'warning',
  confidence: 'certain',
  fix: NEAR_FIX,
};

export class PayloadTooLarge implements Detector {
  readonly types = ['packet', 'close'] as const;
  /**
   * Per session, the largest client packet of about the last OVERSIZE_LOOKBACK_MS: replaced by a
   * bigger one, or by any one once it is older than that. O(1) per packet, no allocation.
   */
  private readonly largest = new Map<string, Largest>();
  /** Sessions already warned of a packet near the limit. */
  private readonly warned = new Set<string>();

  observe(e: ProxyEvent, ctx: DetectorContext): void {
    if (e.type === 'packet') this.packet(e, ctx);
    else if (e.type === 'close') this.close(e, ctx);
  }

  forget(sid: string): void {
    this.largest.delete(sid);
    this.warned.delete(sid);
  }

  private packet(e: PacketEvent, ctx: DetectorContext): void {
    if (e.direction !== 'c2s') return;
    const session = ctx.session(e.sessionId);
    if (!session) return;
    const best = this.largest.get(e.sessionId);
    if (!best) this.largest.set(e.sessionId, { seq: e.seq, size: e.size, ts: e.ts });
    else if (e.size >= best.size || e.ts - best.ts > OVERSIZE_LOOKBACK_MS) {
      best.seq = e.seq;
      best.size = e.size;
      best.ts = e.ts;
    }
    const max = session.maxPayload;
    if (max === undefined) return;
    if (e.size <= max) {
      if (e.size >= max * NEAR_LIMIT && !this.warned.has(e.sessionId)) this.near(e, max, ctx);
      return;
    }
    ctx.report(
      problem(PAYLOAD_TOO_LARGE, {
        title: `a ${e.size}-byte packet is over the target's maxPayload (${max} bytes)`,
        detail:
          'the target refuses it (HTTP 413 or WebSocket close 1009) and closes the session: raise maxHttpBufferSize or send less',
        sessionId: e.sessionId,
        seqs: [e.seq],
        evidence: [
          `packet #${e.seq} from the client is ${e.size} bytes`,
          `the target's open packet says maxPayload ${max}`,
        ],
      }),
    );
  }

  private near(e: PacketEvent, max: number, ctx: DetectorContext): void {
    this.warned.add(e.sessionId);
    const share = Math.floor((e.size / max) * 1000) / 10;
    ctx.report(
      problem(PAYLOAD_NEAR_LIMIT, {
        title: `a ${e.size}-byte packet is ${share} % of the target's maxPayload (${max} bytes)`,
        detail: `${max - e.size} bytes more and the target refuses it and ends the session`,
        sessionId: e.sessionId,
        seqs: [e.seq],
        evidence: [
          `packet #${e.seq} from the client is ${e.size} bytes on the wire`,
          `the limit, maxPayload ${max}, comes from the target's open packet in the handshake (its maxHttpBufferSize)`,
          `near means ${NEAR_LIMIT * 100} % of it or more`,
        ],
      }),
    );
  }

  private close(e: CloseEvent, ctx: DetectorContext): void {
    const text = `${e.description ?? ''} ${e.reason}`;
    if (!/\b(413|1009)\b|maxHttpBufferSize/.test(text)) return;
    const best = this.largest.get(e.sessionId);
    const culprit = best && e.ts - best.ts <= OVERSIZE_LOOKBACK_MS ? best : undefined;
    ctx.report(
      problem(PAYLOAD_TOO_LARGE, {
        title: "session closed: a payload over the target's maxHttpBufferSize",
        detail: `${e.description ?? e.reason}${culprit ? `; the largest recent client packet is ${culprit.size} bytes` : ''}`,
        sessionId: e.sessionId,
        seqs: culprit ? [culprit.seq, e.seq] : [e.seq],
        evidence: [
          `the session closed: ${e.description ?? e.reason}`,
          ...(culprit
            ? [
                `packet #${culprit.seq}, ${culprit.size} bytes, is the largest the client sent just before: most likely the one refused`,
              ]
            : []),
        ],
      }),
    );
  }
}
