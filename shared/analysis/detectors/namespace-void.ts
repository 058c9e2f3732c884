/**
 * Emitting into the void: a client EVENT (or ACK) for a namespace its session is not connected to:
 * never connected, refused (CONNECT_ERROR), or already disconnected. The socket.io server has no
 * socket for it and drops the packet without a word ("ignore packet on non-existing namespace").
 *
 * Judged only in sessions whose capture shows a namespace connect at all, so that a capture that
 * began mid-session (no CONNECT seen) is not taken for one that never connected.
 */
import type { PacketEvent, ProxyEvent } from '../../events.js';
import type { Detector, DetectorContext, ProblemKind } from '../detector.js';
import { problem, quote } from '../detector.js';

/** Namespaces remembered per session (an app has a handful; a hostile client could send many). */
const MAX_NAMESPACES = 64;

type NspState = 'connected' | 'refused' | 'disconnected' | 'reported';

interface Namespaces {
  states: Map<string, NspState>;
  /** A namespace connected in this capture: only then are the others judged. */
  anyConnect: boolean;
}

const TITLE = {
  refused: 'which refused the client',
  disconnected: 'which was disconnected',
  never: 'never connected in this session',
} as const;

const FIX =
  'The client sent an event on a namespace this connection is not connected to, and the server dropped it without an error: no handler runs and an acknowledgement never comes. socket.io-client buffers emits until its socket is connected, so this comes from a packet written by hand (socket.io.engine.send), a custom client, or a namespace the server refused or disconnected. Connect first and emit from the connect handler or after socket.connected is true; listen for connect_error (a middleware\'s next(new Error(...))) and for disconnect with reason "io server disconnect", after which the client must call socket.connect() itself.';

const NAMESPACE_VOID: ProblemKind = {
  kind: 'namespace-void',
  severity: 'warning',
  confidence: 'certain',
  fix: FIX,
};

export class NamespaceVoid implements Detector {
  readonly types = ['connect', 'connect_error', 'disconnect', 'packet'] as const;
  private readonly namespaces = new Map<string, Namespaces>();

  observe(e: ProxyEvent, ctx: DetectorContext): void {
    switch (e.type) {
      case 'connect':
        return this.set(e.sessionId, e.nsp, 'connected');
      case 'connect_error':
        return this.set(e.sessionId, e.nsp, 'refused');
      case 'disconnect':
        return this.set(e.sessionId, e.nsp, 'disconnected');
      case 'packet':
        return this.packet(e, ctx);
      default:
        return;
    }
  }

  forget(sid: string): void {
    this.namespaces.delete(sid);
  }

  private set(sid: string, nsp: string, state: NspState): void {
    let ns = this.namespaces.get(sid);
    if (!ns) this.namespaces.set(sid, (ns = { states: new Map(), anyConnect: false }));
    if (state === 'connected') ns.anyConnect = true;
    if (ns.states.size >= MAX_NAMESPACES && !ns.states.has(nsp)) return;
    ns.states.set(nsp, state);
  }

  private packet(e: PacketEvent, ctx: DetectorContext): void {
    const type = e.sio?.type;
    if (e.direction !== 'c2s' || !type || type === 'CONNECT' || type === 'DISCONNECT') return;
    if (type === 'CONNECT_ERROR') return;
    const ns = this.namespaces.get(e.sessionId);
    if (!ns?.anyConnect || !ctx.session(e.sessionId)) return; // no connect seen: no judgement
    const map = ns.states;
    const nsp = e.sio!.nsp;
    const state = map.get(nsp);
    if (state === 'connected' || state === 'reported') return;
    this.set(e.sessionId, nsp, 'reported'); // once per namespace until it connects
    const why =
      state === 'refused'
        ? 'the server refused it (CONNECT_ERROR)'
        : state === 'disconnected'
          ? 'it was disconnected'
          : 'the session never connected to it';
    const what = e.sio!.event !== undefined ? `${quote(e.sio!.event)} sent` : `${type} sent`;
    ctx.report(
      problem(NAMESPACE_VOID, {
        title: `${what} on ${nsp}, ${TITLE[state ?? 'never']}: the server drops it`,
        detail: `connected namespaces of this session: ${
          [...map]
            .filter(([, s]) => s === 'connected')
            .map(([n]) => n)
            .join(', ') || 'none'
        }`,
        sessionId: e.sessionId,
        seqs: [e.seq],
        evidence: [`packet #${e.seq} is a client ${type} on ${nsp}`, `${nsp}: ${why}`],
      }),
    );
  }
}
