/**
 * One Engine.IO session as the proxy sees it: the flow object every part shares, and the owner of
 * its state machine (engine.io's Socket seen from the middle). The relays and the sweep report facts
 * ("a poll started", "the target answered 400", "a WebSocket leg closed", "it is now N ms"); the
 * session alone decides what they mean: an upgrade, an overlap, the end and its reasons. It turns the
 * packets the relays hand it into events. It never touches the wire: links forward bytes first and
 * report them after (see link.ts for where intervention will change that).
 */
import type { IncomingMessage } from 'node:http';
import { CLIENT_REASONS } from '../../shared/disconnect-reasons.js';
import type { EioVersion, EnginePacket, OpenHandshake } from '../../shared/engineio.js';
import type {
  Direction,
  HandshakeInfo,
  Leg,
  PacketEvent,
  SioInfo,
  TransportName,
} from '../../shared/events.js';
import { MessageDecoder } from '../../shared/protocol/message-decoder.js';
import { openValues } from '../../shared/protocol/session-event.js';
import { sioProtocolFor } from '../../shared/protocol/socketio.js';
import { SocketModel, type SocketEvent } from '../../shared/protocol/sockets.js';
import type { AttemptInfo, ClientRegistry, PendingAttempt } from '../clients/client-registry.js';
import type { TargetNode } from './target-pool.js';
import type { EventBus } from '../events/bus.js';
import { eventClock } from '../events/clock.js';
import { attachBinary } from '../events/raw-bytes.js';
import { CUT_REQUEST, reasonsFor, type EndReasons, type SessionEnd } from './close-cause.js';
import type { Link } from './link.js';
import { PollingLink, type PollKind } from './polling-link.js';
import type { PacketMark } from './websocket-wire.js';

/**
 * engine.io's Socket states: `opening` until the handshake is relayed, `closing` once an end is
 * seen but no connection of it is gone yet (a close packet or frame), `closed` after.
 */
export type ReadyState = 'opening' | 'open' | 'closing' | 'closed';

/** How a polling request ended: answered, cut by the relay (mirroring the target), or left by the client. */
export type PollEnd = 'answered' | 'cut' | 'abandoned';

type EndCause = Omit<SessionEnd, 'transport'>;

/** Distinct unreadable Content-Encodings reported per session: a target sends one or two at most. */
const MAX_UNREADABLE_REPORTED = 8;

/** Slack on top of the heartbeat window, so that the target always gives up before we forget. */
const SILENCE_GRACE_MS = 10_000;

export interface SessionCounters {
  packets: Record<Direction, number>;
  bytes: Record<Direction, number>;
}

/** Who the session's client is, across reconnects (see ClientRegistry). */
export interface SessionClient extends AttemptInfo {
  fingerprint: string;
  registry: ClientRegistry;
  /** Set when the client's CONNECT (its recovery pid) will say which client this is. */
  pending?: PendingAttempt;
}

export class Session {
  private state: ReadyState = 'opening';
  /** The transport in use: the one a packet the proxy sends itself will go by (see link.ts). */
  private link: Link;
  /** The session's polling requests, kept after an upgrade: a late poll still keeps it alive. */
  private polling: PollingLink | undefined;
  /** A WebSocket probe is under way (from the upgrade request to the `5` or its failure). */
  private probing = false;
  /** The probe's `3probe` reached the client, which then pauses polling to switch. */
  private probeAnswered = false;
  private lastSeen = Date.now();
  private closedListeners: Array<() => void> = [];
  readonly openedAt = Date.now();
  readonly counters: SessionCounters = { packets: { c2s: 0, s2c: 0 }, bytes: { c2s: 0, s2c: 0 } };
  /** Namespaces and acks: the protocol core's model, as the extension and HAR import read them. */
  readonly namespaces: SocketModel;
  private readonly messages: MessageDecoder;
  private heartbeat = { lastPingAt: undefined as number | undefined, pongPending: false };
  private sentInvalid = false;
  /** The target's last error answer to a request of this session (e.g. 413), and when. */
  private refusal: { code: number; at: number; size?: number } | undefined;
  /** When the client last had two polls (or two POSTs) in flight, which engine.io ends the session for. */
  private overlapAt: number | undefined;
  private ended: { first: Leg; reasons: EndReasons; reconnects: boolean; closedLegs: Set<Leg> } | undefined;
  /** The client this session belongs to: the handshake's pick, until a recovery pid says otherwise. */
  private clientKey: string;

  /** The client this session belongs to, as known now (a recovery pid may still change it once). */
  get currentClientKey(): string {
    return this.clientKey;
  }
  /** An attempt waiting for the client's CONNECT (see PendingAttempt). */
  private pendingAttempt: PendingAttempt | undefined;
  /** The last recovery pid the server granted in this session. */
  private grantedPid: string | undefined;
  /** Content-Encodings of the target's answers the proxy could not undo, each reported once. */
  private unreadable: Set<string> | undefined;

  /** `link`: the transport the session opened on, created by its relay. */
  constructor(
    readonly sid: string,
    readonly eio: EioVersion,
    link: Link,
    readonly open: OpenHandshake,
    private readonly bus: EventBus,
    readonly client: SessionClient,
    /** The target node that opened it, when the proxy has several: every request goes there. */
    readonly node?: TargetNode,
  ) {
    this.link = link;
    if (link instanceof PollingLink) this.polling = link;
    const protocol = sioProtocolFor(eio);
    this.messages = new MessageDecoder(protocol);
    this.namespaces = new SocketModel(sid, (event) => this.namespaceEvent(event));
    this.clientKey = client.clientKey;
    this.pendingAttempt = client.pending;
  }

  /** The model's events; a CONNECT answer settles a waiting attempt and records a granted pid. */
  private namespaceEvent(event: SocketEvent): void {
    if (event.type === 'connect') {
      if (this.pendingAttempt) this.settleAttempt(pidOf(event.auth));
      if (event.pid) {
        this.grantedPid = event.pid;
        this.client.registry.granted(this.clientKey, event.pid);
      }
    }
    this.bus.emit(event);
  }

  /** Emits the attempt held for the CONNECT; `null`: none came, the handshake's pick stands. */
  private settleAttempt(offeredPid: string | undefined | null): void {
    const pending = this.pendingAttempt;
    if (!pending) return;
    this.pendingAttempt = undefined;
    const info = this.client.registry.resolve(pending, offeredPid);
    this.clientKey = info.clientKey;
    this.emitAttempt(info);
  }

  private emitAttempt(info: AttemptInfo): void {
    const { clientKey, attempt, delay, cause, confidence, previousNode } = info;
    const node = this.node?.origin;
    const moved = node !== undefined && previousNode !== undefined && previousNode !== node;
    this.bus.emit({
      type: 'attempt',
      clientKey,
      attempt,
      delay,
      ...(cause ? { cause } : {}),
      outcome: 'connected',
      sessionId: this.sid,
      ...(node ? { node } : {}),
      ...(node && previousNode ? { previousNode } : {}),
      confidence,
      evidence: moved
        ? [...info.evidence, `it reached node ${node}; the session that dropped was on ${previousNode}`]
        : info.evidence,
    });
  }

  get readyState(): ReadyState {
    return this.state;
  }

  get transport(): TransportName {
    return this.link.transport;
  }

  get upgrading(): boolean {
    return this.probing;
  }

  /** Polling requests of each kind in flight now. */
  get inflight(): Readonly<Record<PollKind, number>> {
    return this.polling?.requests ?? NO_REQUESTS;
  }

  /** Called once, when the session becomes `closed` (the session table forgets it then). */
  onClosed(fn: () => void): void {
    this.closedListeners.push(fn);
  }

  /** The session's polling transport, when it has one (it opened on polling, or polled later). */
  get pollingLink(): PollingLink | undefined {
    return this.polling;
  }

  /** The handshake was relayed: the session is open, and says so. */
  announce(req: IncomingMessage, target: string, hiddenUpgrades: string[]): void {
    if (this.state === 'opening') this.state = 'open';
    this.bus.emit({
      type: 'session',
      sessionId: this.sid,
      clientKey: this.client.clientKey,
      eio: this.eio,
      transport: this.transport,
      target,
      handshake: handshakeOf(req),
      open: openValues(this.open, hiddenUpgrades),
      hiddenUpgrades,
    });
    // A reconnect that the client's recovery pid will name waits for its CONNECT (or the end).
    if (!this.pendingAttempt) this.emitAttempt(this.client);
  }

  /** Packets that crossed the proxy, in wire order; returns the seq of the last one's event (0: none). */
  observe(
    direction: Direction,
    packets: EnginePacket[],
    transport: TransportName = this.transport,
    /** What the proxy did to these packets (injected or edited them), for their events. */
    mark?: PacketMark,
  ): number {
    let seq = 0;
    const now = Date.now();
    this.lastSeen = now;
    for (const packet of packets) {
      this.counters.packets[direction]++;
      this.counters.bytes[direction] += packet.wireSize;
      this.heartbeatSeen(direction, packet, now);
      const sio = packet.type === 'message' ? this.decodeMessage(direction, packet) : undefined;
      if (packet.type === 'close')
        this.end({ leg: direction === 'c2s' ? 'client' : 'server', kind: 'close-packet' }, []);
      const event = this.bus.active ? this.packetEvent(direction, transport, packet, sio, mark) : undefined;
      seq = event ? this.bus.emit(event) : 0;
      // The packet's own stamp (its arrival, see EventBus.stampArrival): an ack's latency is then the
      // difference of its two packets' ts, on the one clock of every event.
      if (sio && sio !== 'raw')
        this.namespaces.packet(direction, sio, seq, event ? (event as PacketEvent).ts : eventClock());
    }
    return seq;
  }

  /** Built field by field: this runs for every packet, and spreads showed in profiles. */
  private packetEvent(
    direction: Direction,
    transport: TransportName,
    packet: EnginePacket,
    sio: SioInfo | 'raw' | undefined,
    mark?: PacketMark,
  ): Omit<PacketEvent, 'seq' | 'ts'> {
    const event: Omit<PacketEvent, 'seq' | 'ts'> = {
      type: 'packet',
      sessionId: this.sid,
      direction,
      transport,
      engine: packet.type,
      size: packet.wireSize,
    };
    if (sio === 'raw') event.raw = true;
    else if (sio) event.sio = sio;
    if (packet.modified) event.modified = true;
    if (mark) Object.assign(event, mark);
    const data = packet.data;
    if (typeof data === 'string') event.data = data;
    else if (data) {
      event.data = `<${data.length} bytes>`;
      attachBinary(event, data);
    }
    return event;
  }

  /** The heartbeat history that tells a ping timeout from other ends (EIO4: server pings; EIO3: client). */
  private heartbeatSeen(direction: Direction, packet: EnginePacket, now: number): void {
    if (packet.data === 'probe') return;
    const pinger: Direction = this.eio === 4 ? 's2c' : 'c2s';
    if (packet.type === 'ping' && direction === pinger) {
      this.heartbeat.lastPingAt = now;
      this.heartbeat.pongPending = true;
    } else if (packet.type === 'pong' && direction !== pinger) {
      this.heartbeat.pongPending = false;
    }
  }

  /** Its Socket.IO reading (see shared/protocol/message-decoder.ts), and whether the client sent garbage. */
  private decodeMessage(direction: Direction, packet: EnginePacket): SioInfo | 'raw' | undefined {
    const r = this.messages.read(direction, packet.data);
    if (r.kind === 'raw') return 'raw';
    if (direction === 'c2s') this.sentInvalid = r.kind === 'invalid';
    if (r.kind === 'invalid') {
      this.error(`invalid Socket.IO packet (${r.reason}): the peer will reject it`, packet);
      return 'raw';
    }
    return r.kind === 'sio' ? r.info : undefined;
  }

  /**
   * A WebSocket message too big to observe went by (websocket-wire.ts OBSERVE_LIMIT): relayed as it
   * came, its packet is missing from the record, which this `error` event says. A binary packet
   * waiting for it as an attachment is given up, so that the next message is read as itself.
   */
  unobservedMessage(direction: Direction, bytes: number, limit: number): void {
    this.counters.packets[direction]++;
    this.counters.bytes[direction] += bytes;
    const gaveUp = this.messages.skip(direction);
    this.error(
      `a WebSocket message of ${bytes.toLocaleString('en-US')} bytes (${direction}) was relayed but not observed: ` +
        `over the ${limit.toLocaleString('en-US')} bytes the proxy reads of one message` +
        (gaveUp ? '; the binary packet it belonged to is left out too' : ''),
    );
  }

  error(message: string, packet?: EnginePacket | string): void {
    const data = typeof packet === 'string' ? packet : packet?.data;
    const received =
      typeof data === 'string' ? data.slice(0, 500) : data ? `<${data.length} bytes>` : undefined;
    this.bus.emit({ type: 'error', sessionId: this.sid, message, ...(received ? { received } : {}) });
  }

  /**
   * The target answered in a Content-Encoding the proxy cannot undo: those answers are relayed
   * untouched and their packets go unseen. Said once per coding, not per body; true the first time.
   */
  unreadableAnswers(coding: string, why: string): boolean {
    if (this.unreadable?.has(coding) || (this.unreadable?.size ?? 0) >= MAX_UNREADABLE_REPORTED) return false;
    (this.unreadable ??= new Set()).add(coding);
    this.error(
      `packets the target sends with Content-Encoding "${coding}" cannot be observed (${why}); relayed untouched`,
    );
    return true;
  }

  drained(leg: Leg): void {
    this.bus.emit({ type: 'drain', sessionId: this.sid, leg });
  }

  // Polling: the relay reports each request's start and end, and what the target answered.

  pollStarted(kind: PollKind): void {
    this.lastSeen = Date.now();
    if (!(this.polling ??= new PollingLink()).started(kind)) return;
    this.overlapAt = this.lastSeen;
    this.error(
      kind === 'get'
        ? 'a second GET while one is in flight: engine.io closes the session ("overlap from client")'
        : 'a second POST while one is in flight: engine.io closes the session',
    );
  }

  pollEnded(kind: PollKind, how: PollEnd): void {
    this.polling?.ended(kind);
    this.lastSeen = Date.now();
    if (this.state !== 'open') return;
    // A poll answered flushes the server's buffer to the client; a POST done, the client's.
    if (how === 'answered') this.drained(kind === 'get' ? 'client' : 'server');
    // The client left before the answer: its request to the target is cut too, which engine.io
    // takes as the end of the session (once upgraded, the old transport's requests no longer count).
    else if (how === 'abandoned' && this.transport === 'polling')
      this.endBoth({ leg: 'client', kind: 'abandoned' });
  }

  /** Packets of a polling body. */
  polled(direction: Direction, packets: EnginePacket[]): void {
    this.observe(direction, packets, 'polling');
    this.closedOverPolling(direction);
  }

  /** A polling body was observed: over polling a close packet ends both legs at once, no connection to wait for. */
  closedOverPolling(direction: Direction): void {
    if (this.state === 'closing' || this.state === 'closed')
      this.endBoth({ leg: direction === 'c2s' ? 'client' : 'server', kind: 'close-packet' });
  }

  /** The target could not be reached for a request of this session. */
  targetUnreachable(): void {
    this.endBoth({ leg: 'server', kind: 'unreachable' });
  }

  /** The target reset a request it had accepted (`size`: its body's): engine.io 3's answer to a body too large. */
  targetCut(size: number): void {
    this.error(
      `the target cut the POST (ECONNRESET, ${size} bytes): engine.io 3 does so to a body over its maxHttpBufferSize`,
    );
    this.refusal = { code: CUT_REQUEST, at: Date.now(), size };
  }

  /**
   * The target answered a request of the session with an error. Only "Session ID unknown" says the
   * session is over; engine.io keeps it after a 413, and the client's own close packet, when it gives
   * up, then ends it here too.
   */
  targetRefused(code: number, body: string): void {
    this.error(`the target answered ${code} ${body}`.trim());
    this.refusal = { code, at: Date.now() };
    if (code === 400 && /"code":1\b/.test(body)) this.endBoth({ leg: 'server', kind: 'refused', code });
  }

  // WebSocket: the relay reports the upgrade request and its answer, the link what crossed it.

  /** The client asked for a WebSocket in this session's name: the server side of a probe. */
  upgradeRequested(): void {
    this.probeAnswered = false;
    this.upgradeStage('server', 'probe');
  }

  /** The upgrade failed (`leg`: the side that refused it or whose connection went). */
  upgradeFailed(leg: Leg, reason: string): void {
    this.upgradeStage(leg, 'failure', reason);
  }

  /** The client's `2probe` crossed a WebSocket. */
  probeSent(): void {
    this.upgradeStage('client', 'probe');
  }

  /** The target's `3probe` crossed a WebSocket. */
  probeAnsweredByTarget(): void {
    this.probeAnswered = this.probing;
  }

  /** The client's `5` crossed `link` during a probe: the session now lives on it. */
  upgradePacketSent(link: Link): void {
    if (!this.probing) return;
    this.upgradeStage('client', 'success');
    this.link = link;
    this.upgradeStage('server', 'success');
    // What a polling wire still has for the client goes on the new transport, before what follows.
    this.polling?.wire?.upgraded();
  }

  /**
   * A close frame went by. engine.io ends the session when it sends its close frame, and so does the
   * client: the session is over now, though the connection may linger (ws waits 30 s for the answer
   * of a peer whose network stalled). Its legs are reported as their connections close.
   */
  closeFrameSent(leg: Leg, code: number): void {
    if (this.transport === 'websocket' && this.state === 'open')
      this.end({ leg, kind: 'clean', code }, NO_LEGS);
  }

  /**
   * A leg's connection of a WebSocket is gone (`first`: the first of its two). The leg that sent the
   * first close frame started the end; without one, the leg that vanished.
   */
  websocketLegClosed(leg: Leg, first: boolean, closeFrame: { leg: Leg; code: number } | undefined): void {
    const cause: EndCause = closeFrame
      ? { leg: closeFrame.leg, kind: 'clean', code: closeFrame.code }
      : { leg, kind: 'abnormal', code: 1006 };
    if (this.probing && this.transport === 'polling') {
      // A probe that ended before the `5` packet: the session lives on over polling.
      // Unless the client is leaving anyway (its close packet already went by over polling).
      if (!first || this.state !== 'open') return;
      this.upgradeFailed(leg, 'the WebSocket closed during the probe');
      // Unless the target closed it after answering the probe, with no request of the client
      // waiting on polling: the client had paused polling to switch (its `5` may have been on the
      // way), so nothing carries the session any more (a target going down mid-upgrade).
      if (cause.leg === 'server' && this.probeAnswered && !this.polling?.busy) this.endBoth(cause);
      return;
    }
    if (this.transport !== 'websocket') return;
    this.end(cause, [leg]);
  }

  /**
   * The sweep's clock: nothing crossed for longer than the session's own heartbeat allows
   * (pingInterval + pingTimeout), which is when both peers would have given up on it too.
   */
  checkSilence(now: number): void {
    if (this.state === 'closed' || this.link.busy || this.polling?.busy) return;
    const window = (this.open.pingInterval || 25_000) + (this.open.pingTimeout || 20_000) + SILENCE_GRACE_MS;
    if (now - this.lastSeen <= window) return;
    // Whose heartbeat gives up first: EIO4 the server's (it pings), EIO3 the client's.
    this.endBoth({ leg: this.eio === 4 ? 'server' : 'client', kind: 'silence' });
  }

  private upgradeStage(leg: Leg, stage: 'probe' | 'success' | 'failure', reason?: string): void {
    this.probing = stage === 'probe';
    this.bus.emit({ type: 'upgrade', sessionId: this.sid, leg, stage, ...(reason ? { reason } : {}) });
  }

  /**
   * The one place a session ends. `cause.leg` started it; the first call names the reasons for
   * everything (each namespace, the client's reconnect series), later ones only report the legs whose
   * connections are gone (none yet for a close packet or frame: the connections close after it).
   */
  private end(cause: EndCause, closedLegs: readonly Leg[] = [cause.leg]): void {
    if (!this.ended) {
      const reasons = reasonsFor(
        { ...cause, transport: this.transport },
        {
          eio: this.eio,
          pingInterval: this.open.pingInterval,
          pingTimeout: this.open.pingTimeout,
          now: Date.now(),
          openedAt: this.openedAt,
          ...this.heartbeat,
          sentInvalid: this.sentInvalid,
          ...(this.refusal ? { refusal: this.refusal } : {}),
          ...(this.overlapAt !== undefined ? { overlapAt: this.overlapAt } : {}),
          ...this.disconnectedBy(),
        },
      );
      // socket.io-client's Manager reconnects only for sockets still active: none left means none.
      const reconnects =
        (reasons.reconnects ?? CLIENT_REASONS[reasons.clientReason]?.reconnects ?? true) &&
        this.namespaces.hasConnected();
      this.settleAttempt(null);
      this.ended = { first: cause.leg, reasons, reconnects, closedLegs: new Set() };
      this.namespaces.ended(cause.leg, reasons, Date.now());
      this.client.registry.ended(
        this.client.fingerprint,
        this.clientKey,
        reasons.clientReason,
        // A client that left may still come back by hand (socket.connect()): only its recovery pid,
        // offered back, can show that; timing never does.
        reconnects || 'maybe',
        this.grantedPid,
        this.node?.origin,
        reconnects
          ? undefined
          : {
              how: reasons.description,
              // A DISCONNECT before the close, or a browser's 1001 (going away): the wire says so.
              sure: reasons.confidence === 'certain' || (cause.kind === 'clean' && cause.code === 1001),
            },
      );
    }
    // States only move forward: a late close packet of a closed session leaves it closed.
    if (this.state !== 'closed') this.state = closedLegs.length ? 'closed' : 'closing';
    for (const leg of closedLegs) this.legClosed(leg);
    if (this.state === 'closed' && this.closedListeners.length) {
      const listeners = this.closedListeners;
      this.closedListeners = [];
      for (const listener of listeners) listener();
    }
  }

  /** Every namespace was disconnected on purpose before the end: by whom (the last DISCONNECT's sender). */
  private disconnectedBy(): { disconnectedBy?: Leg } {
    const d = this.namespaces.lastDisconnect;
    if (!d || this.namespaces.hasConnected()) return {};
    return { disconnectedBy: d === 'c2s' ? 'client' : 'server' };
  }

  /** Both legs are over at once, the starting one first (polling has no connections to wait for). */
  private endBoth(cause: EndCause): void {
    this.end(cause, [cause.leg, cause.leg === 'client' ? 'server' : 'client']);
  }

  private legClosed(leg: Leg): void {
    const ended = this.ended;
    if (!ended || ended.closedLegs.has(leg)) return;
    ended.closedLegs.add(leg);
    const { reasons } = ended;
    this.bus.emit({
      type: 'close',
      sessionId: this.sid,
      leg,
      first: ended.first,
      reason: leg === 'client' ? reasons.clientReason : reasons.serverReason,
      clientReason: reasons.clientReason,
      serverReason: reasons.serverReason,
      active: ended.reconnects,
      description: reasons.description,
      confidence: reasons.confidence,
      evidence: reasons.evidence,
      ...(reasons.clientReasonAlternatives
        ? { clientReasonAlternatives: reasons.clientReasonAlternatives }
        : {}),
      ...(reasons.serverReasonAlternatives
        ? { serverReasonAlternatives: reasons.serverReasonAlternatives }
        : {}),
    });
  }
}

const NO_LEGS: readonly Leg[] = [];

/** The recovery pid a client offers in its CONNECT (socket.io-client merges it into the auth). */
function pidOf(auth: unknown): string | undefined {
  const pid = auth && typeof auth === 'object' ? (auth as Record<string, unknown>).pid : undefined;
  return typeof pid === 'string' ? pid : undefined;
}
const NO_REQUESTS: Readonly<Record<PollKind, number>> = { get: 0, post: 0 };

/** The handshake as socket.io builds `socket.handshake` on the server. */
function handshakeOf(req: IncomingMessage): HandshakeInfo {
  const url = req.url ?? '/';
  const issued = Date.now();
  return {
    headers: { ...req.headers },
    query: Object.fromEntries(new URL(url, 'http://x').searchParams.entries()),
    url,
    address: req.socket.remoteAddress ?? '',
    xdomain: !!req.headers.origin,
    secure: 'encrypted' in req.socket && !!req.socket.encrypted,
    issued,
    time: new Date(issued).toString(),
  };
}
