/**
 * One Engine.IO session as an observer of its client leg sees it after the fact: the extension's
 * in-page capture and HAR import. It takes `(time, direction, transport, packet)` in wire order and
 * tells its sink the events they mean: `packet` (with its Socket.IO reading), `upgrade`, `connect`,
 * `connect_error`, `disconnect`, `ack`, `error`, and `close` where the traffic shows the end.
 *
 * The proxy does not use this class: it sees both legs live and owns transport state and end causes
 * itself (proxy/engine/session.ts), but reads the messages and the Socket.IO level with the same
 * pieces (MessageDecoder, SocketModel), so all three tell the same sockets, acks and reasons.
 */
import { CLIENT_REASONS } from '../disconnect-reasons.js';
import type { Direction, Leg, SioInfo, TransportName, UnstampedEvent } from '../events.js';
import { bytesToBase64 } from './bytes.js';
import type { EioVersion, EnginePacket } from './engine-codec.js';
import { MessageDecoder } from './message-decoder.js';
import { sioProtocolFor } from './socketio.js';
import { SocketModel } from './sockets.js';
import { upgradeStep } from './upgrade.js';

/** Stamps an event with its time and returns its `seq` (acks point at the seq of their EVENT). */
export type EventSink = (event: UnstampedEvent, at: number) => number;

export interface ObserverView {
  /** The legs an upgrade is reported on: the client's for in-page capture; both for a HAR of the proxy. */
  upgradeLegs: readonly Leg[];
  /** The server's reason, which one leg's view cannot know, in the words the panel shows. */
  serverUnknown: string;
}

export class ObservedSession {
  transport: TransportName;
  upgrading = false;
  closed = false;
  readonly sockets: SocketModel;
  private readonly messages: MessageDecoder;

  constructor(
    readonly sid: string,
    readonly eio: EioVersion,
    transport: TransportName,
    private readonly sink: EventSink,
    private readonly view: ObserverView,
    /** Told when the session ends, however the end was seen (a close packet included). */
    private readonly onClose: (reason: string, at: number) => void = () => {},
  ) {
    this.transport = transport;
    this.messages = new MessageDecoder(sioProtocolFor(eio));
    this.sockets = new SocketModel(sid, (event, at) => void sink(event, at));
  }

  /** One Engine.IO packet on `transport`, in wire order. */
  packet(at: number, direction: Direction, transport: TransportName, p: EnginePacket): void {
    if (transport === 'websocket') this.upgradeStep(at, direction, p);
    const sio = p.type === 'message' ? this.read(at, direction, p) : undefined;
    const seq = this.sink(
      {
        type: 'packet',
        sessionId: this.sid,
        direction,
        transport,
        engine: p.type,
        size: p.wireSize,
        ...(sio === 'raw' ? { raw: true } : sio ? { sio } : {}),
        ...(p.data === undefined
          ? {}
          : typeof p.data === 'string'
            ? { data: p.data }
            : { data: `<${p.data.length} bytes>`, binary: bytesToBase64(p.data) }),
      },
      at,
    );
    if (sio && sio !== 'raw') this.sockets.packet(direction, sio, seq, at);
    if (p.type === 'close' && !this.closed) {
      const byClient = direction === 'c2s';
      this.close(
        at,
        byClient ? 'forced close' : 'transport close',
        byClient ? 'the client closed the Engine.IO session' : 'the server closed the session',
        byClient ? 'client' : 'server',
      );
    }
  }

  /** The probing WebSocket went away before the upgrade completed: the session stays on polling. */
  probeFailed(at: number, reason: string): void {
    this.upgrading = false;
    this.sink({ type: 'upgrade', sessionId: this.sid, leg: 'client', stage: 'failure', reason }, at);
  }

  /**
   * The session ended, in socket.io-client's words (`reason`): the namespaces still connected
   * disconnect with it, then the `close` event.
   */
  close(at: number, reason: string, description: string, first: Leg = 'client'): void {
    this.closed = true;
    const info = CLIENT_REASONS[reason];
    const serverReason = this.view.serverUnknown;
    this.sockets.ended(
      first,
      { clientReason: reason, serverReason, description: info?.description ?? description },
      at,
    );
    this.sink(
      {
        type: 'close',
        sessionId: this.sid,
        leg: 'client',
        first,
        reason,
        clientReason: reason,
        serverReason,
        description,
      },
      at,
    );
    this.onClose(reason, at);
  }

  /** The client's side of the upgrade (see upgrade.ts), while the session is on polling. */
  private upgradeStep(at: number, direction: Direction, p: EnginePacket): void {
    if (this.transport !== 'polling') return;
    const step = upgradeStep(direction, p, this.upgrading);
    if (step === 'probe') {
      this.upgrading = true;
      this.sink({ type: 'upgrade', sessionId: this.sid, leg: 'client', stage: 'probe' }, at);
    } else if (step === 'success') {
      this.upgrading = false;
      this.transport = 'websocket';
      for (const leg of this.view.upgradeLegs)
        this.sink({ type: 'upgrade', sessionId: this.sid, leg, stage: 'success' }, at);
    }
  }

  /** Its Socket.IO reading, as the proxy's session does (see message-decoder.ts). */
  private read(at: number, direction: Direction, p: EnginePacket): SioInfo | 'raw' | undefined {
    const r = this.messages.read(direction, p.data);
    if (r.kind === 'invalid') {
      this.sink(
        {
          type: 'error',
          sessionId: this.sid,
          message: `invalid Socket.IO packet (${r.reason}): the peer will reject it`,
          received: typeof p.data === 'string' ? p.data.slice(0, 200) : `<${p.data?.length ?? 0} bytes>`,
        },
        at,
      );
      return 'raw';
    }
    return r.kind === 'raw' ? 'raw' : r.kind === 'sio' ? r.info : undefined;
  }
}
