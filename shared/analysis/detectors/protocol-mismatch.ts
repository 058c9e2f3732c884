/**
 * Client and server speak different protocol versions. Three shapes on the wire:
 * - a socket.io@2 client (Engine.IO 3) against a socket.io@3/4 server without `allowEIO3`: the
 *   handshake is answered 400 `Unsupported protocol version`;
 * - a socket.io-client@3/4 (Engine.IO 4) against socket.io@2 over polling: the handshake is answered
 *   in Engine.IO 3's framing (`97:0{"sid"...`), which the client cannot read ("server error");
 * - the same over WebSocket: the server's CONNECT carries no `sid`, which socket.io@3+ always sends;
 *   the client gives up with "It seems you are trying to reach a Socket.IO server in v2.x".
 */
import type { ConnectEvent, HttpEvent, PacketEvent, ProxyEvent } from '../../events.js';
import type { Detector, DetectorContext, ProblemKind } from '../detector.js';
import { problem } from '../detector.js';

const FIX_OLD_CLIENT =
  'A socket.io@2 client (Engine.IO protocol 3) reached a socket.io@3 or @4 server that only speaks protocol 4: the server refuses the handshake with 400 "Unsupported protocol version", and the client sees only connect_error ("xhr poll error" / "websocket error") and retries forever. Either let the server accept old clients: new Server(httpServer, { allowEIO3: true }), or upgrade the client to socket.io-client@4 (the lasting fix; v2 clients also need the cors option\'s credentials and origin set on the server).';

const FIX_OLD_SERVER =
  'A socket.io-client@3 or @4 (Engine.IO protocol 4) reached a socket.io@2 server, which speaks protocol 3: over polling the client cannot read the answer ("server error"), over WebSocket it connects the engine and then refuses the namespace ("It seems you are trying to reach a Socket.IO server in v2.x with a v3.x client"). There is no compatibility switch on the client: upgrade the server to socket.io@4 (with allowEIO3: true while old clients remain), or use socket.io-client@2 against it until then.';

/** An Engine.IO 3 polling payload: a length prefix, then an open packet. */
const EIO3_OPEN = /^\d+:0\{/;

const PROTOCOL_MISMATCH: ProblemKind = {
  kind: 'protocol-mismatch',
  severity: 'error',
  confidence: 'certain',
};

export class ProtocolMismatch implements Detector {
  readonly types = ['http', 'packet', 'connect', 'close'] as const;
  /** Sessions already reported (one problem per session). */
  private readonly reported = new Set<string>();
  /** Engine.IO 4 sessions whose server CONNECT carried no sid: waiting for its `connect` event. */
  private readonly sidless = new Map<string, PacketEvent>();

  observe(e: ProxyEvent, ctx: DetectorContext): void {
    if (e.type === 'http') this.http(e, ctx);
    else if (e.type === 'packet') this.packet(e, ctx);
    else if (e.type === 'connect') this.connect(e, ctx);
    else if (e.type === 'close') this.sidless.delete(e.sessionId);
  }

  forget(sid: string): void {
    this.reported.delete(sid);
    this.sidless.delete(sid);
  }

  private http(e: HttpEvent, ctx: DetectorContext): void {
    const body = e.responseBody ?? '';
    const eio = /[?&]EIO=(\d)/.exec(e.url)?.[1];
    if (e.status === 400 && body.includes('Unsupported protocol version')) {
      this.report(ctx, e, {
        title: `the target refuses Engine.IO ${eio ?? '?'} (a socket.io@2 client): Unsupported protocol version`,
        fix: FIX_OLD_CLIENT,
        detail: `the client asked for EIO=${eio ?? '?'}; the server has no allowEIO3`,
        evidence: [`GET ${e.url} was answered ${e.status}: ${body.slice(0, 120)}`],
      });
    } else if (eio === '4' && e.status === 200 && e.sessionId === undefined && EIO3_OPEN.test(body)) {
      this.report(ctx, e, {
        title: 'a socket.io@3/4 client against a socket.io@2 server: the handshake came back in Engine.IO 3',
        fix: FIX_OLD_SERVER,
        detail: 'the client cannot read the answer and reports "server error"',
        evidence: [
          `GET ${e.url} asked for EIO=4`,
          `the answer starts ${JSON.stringify(body.slice(0, 12))}: Engine.IO 3's length-prefixed framing`,
        ],
      });
    }
  }

  private packet(e: PacketEvent, ctx: DetectorContext): void {
    if (e.direction !== 's2c' || e.sio?.type !== 'CONNECT') return;
    if (this.reported.has(e.sessionId)) return;
    const session = ctx.session(e.sessionId);
    // socket.io@3+ always sends { sid } in CONNECT; @2 sends a bare `0`.
    if (!session || session.eio !== 4 || hasSid(e.sio.args)) return;
    this.sidless.set(e.sessionId, e);
  }

  private connect(e: ConnectEvent, ctx: DetectorContext): void {
    const packet = this.sidless.get(e.sessionId);
    if (!packet) return;
    this.sidless.delete(e.sessionId);
    this.report(ctx, packet, {
      title: 'a socket.io@3/4 client against a socket.io@2 server: CONNECT without a sid',
      fix: FIX_OLD_SERVER,
      detail:
        'the client refuses the namespace: "It seems you are trying to reach a Socket.IO server in v2.x with a v3.x client"',
      evidence: [
        `the session speaks Engine.IO 4 (EIO=4)`,
        `the server's CONNECT #${packet.seq} to ${e.nsp} carries no sid, as only socket.io@2 sends it`,
      ],
      seqs: [packet.seq, e.seq],
    });
  }

  private report(
    ctx: DetectorContext,
    at: HttpEvent | PacketEvent,
    words: { title: string; fix: string; detail: string; evidence: string[]; seqs?: number[] },
  ): void {
    const sid = at.sessionId;
    if (sid !== undefined) {
      if (this.reported.has(sid)) return;
      if (ctx.session(sid)) this.reported.add(sid); // bounded: forgotten with the session
    }
    ctx.report(
      problem(PROTOCOL_MISMATCH, {
        title: words.title,
        fix: words.fix,
        detail: words.detail,
        sessionId: sid,
        seqs: words.seqs ?? [at.seq],
        evidence: words.evidence,
      }),
    );
  }
}

function hasSid(args: unknown): boolean {
  return typeof args === 'object' && args !== null && 'sid' in args;
}
