/**
 * The event model that the proxy emits and that the panel, the DevTools tab and the terminal log
 * consume. One vocabulary for every consumer, in the terms of the Socket.IO Socket and its engine.
 * Bump EVENT_SCHEMA_VERSION on any change a consumer could notice.
 */
import type { EioVersion, EnginePacketType } from './engineio.js';
import type { SioPacketType } from './socketio.js';

export const EVENT_SCHEMA_VERSION = 2;

/** `client`: the client <-> proxy connection; `server`: proxy <-> target. */
export type Leg = 'client' | 'server';
/** `c2s`: from the client towards the target; `s2c`: the other way. */
export type Direction = 'c2s' | 's2c';
export type TransportName = 'polling' | 'websocket';

interface Base {
  seq: number;
  /** Milliseconds since the epoch, sub-millisecond precision. */
  ts: number;
  /**
   * Set on events that were not seen live: `har` for events rebuilt from a HAR file (shared/har.ts
   * `harToEvents`), so a viewer can say where they come from. Absent on the proxy's own events.
   */
  importedFrom?: 'har';
  /**
   * The proxy that produced the event, on events read from a Redis Stream (`--redis`): `seq` is
   * per source, so (source, seq) names an event among several proxies. Absent elsewhere.
   */
  source?: string;
  /**
   * On events a dashboard over Redis re-sequenced (`sio-proxy dashboard --redis`): the event's `seq`
   * at its source, while `seq` is the dashboard's own (one order over every source).
   */
  sourceSeq?: number;
}

export interface HandshakeInfo {
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, string>;
  url: string;
  address: string;
  xdomain: boolean;
  secure: boolean;
  issued: number;
  time: string;
}

export interface SessionEvent extends Base {
  type: 'session';
  sessionId: string;
  /** Groups the sessions of one client across reconnects (see `attempt`). */
  clientKey: string;
  eio: EioVersion;
  transport: TransportName;
  /** The target's origin; with several nodes, the node that opened this session. */
  target: string;
  handshake: HandshakeInfo;
  /** The open packet's values as the target sent them, and the upgrades offered to the client. */
  open: { pingInterval: number; pingTimeout: number; maxPayload?: number; upgrades: string[] };
  /** Transports removed from `upgrades` because the proxy cannot terminate them. */
  hiddenUpgrades: string[];
}

export interface SioInfo {
  type: SioPacketType;
  nsp: string;
  id?: number;
  event?: string;
  args?: unknown;
  attachments?: number[];
}

export interface PacketEvent extends Base {
  type: 'packet';
  sessionId: string;
  direction: Direction;
  transport: TransportName;
  engine: EnginePacketType;
  size: number;
  /** Present when the message decoded as Socket.IO. */
  sio?: SioInfo;
  /** A message that is not Socket.IO (raw Engine.IO, a custom parser): relayed untouched. */
  raw?: boolean;
  /**
   * The Engine.IO data as text (for a message: the Socket.IO packet as encoded), or `<N bytes>` for
   * binary. The core passes it whole; observers cut it to their own limits.
   */
  data?: string;
  /** Binary data as base64, for binary messages (attachments) only. */
  binary?: string;
  /** The proxy changed this packet (the open packet, when it hid an upgrade it cannot terminate). */
  modified?: boolean;
  /** The proxy sent this packet of its own (an emit from the control API or the library). */
  injected?: boolean;
  /** A rule or a user edited this packet before it was sent on; `original` is what came in. */
  edited?: boolean;
  original?: { nsp: string; event?: string; args?: unknown };
  /**
   * Set by the event stream when it cut `sio.args` (then a string: the start of the args' JSON and
   * `…`), `data` or `binary` to its limit, or an attachment inside the args (then
   * `{ _binary: '<start>…', size, truncated: true }`); the full values are at `GET /api/packets/<seq>`.
   */
  truncated?: boolean;
}

export interface UpgradeEvent extends Base {
  type: 'upgrade';
  sessionId: string;
  leg: Leg;
  stage: 'probe' | 'success' | 'failure';
  reason?: string;
}

/**
 * How sure an inference of the stream is, and what it rests on. `certain`: the wire says so (a
 * DISCONNECT packet, the recovery pid); `likely`: the usual meaning of what the wire shows (a close
 * within the client's backoff); `guess`: one reading of several the wire cannot tell apart.
 */
export type Confidence = 'certain' | 'likely' | 'guess';

/**
 * The proxy sets both on every `attempt`, `close` and `disconnect` (the conformance validator,
 * test/support/event-schema.ts, requires them); captures made before they existed have neither.
 */
export interface Inference {
  confidence?: Confidence;
  /** The facts it went by, one short readable line each. */
  evidence?: string[];
}

/**
 * Reasons the wire cannot tell apart: the best candidate stays in `clientReason` / `serverReason`,
 * the others that fit what crossed the proxy equally well are listed here.
 */
export interface ReasonAlternatives {
  clientReasonAlternatives?: string[];
  serverReasonAlternatives?: string[];
}

export interface CloseEvent extends Base, Inference, ReasonAlternatives {
  type: 'close';
  sessionId: string;
  leg: Leg;
  /** Which leg ended the session first. */
  first: Leg;
  /** The reason in this leg's vocabulary: socket.io-client's for `client`, the server's for `server`. */
  reason: string;
  /** Both vocabularies, for the session as a whole (set on the first close). */
  clientReason: string;
  serverReason: string;
  /**
   * Whether socket.io-client reconnects by itself after this session: not when every namespace was
   * already disconnected on purpose (`io server disconnect`, `io client disconnect`).
   */
  active?: boolean;
  description?: string;
}

/**
 * One HTTP exchange of the client leg: a polling request, or the request that opened a WebSocket
 * (status 101 when it was accepted). What HAR export writes as an entry.
 */
export interface HttpEvent extends Base {
  type: 'http';
  /** Absent when the request never became (or never belonged to) a session. */
  sessionId?: string;
  method: string;
  url: string;
  status: number;
  requestHeaders: Record<string, string | string[] | undefined>;
  responseHeaders: Record<string, string | string[] | undefined>;
  /** Bodies as text (latin1 for binary payloads), whole; observers cut them. */
  requestBody?: string;
  responseBody?: string;
  /** When the request arrived (epoch ms) and how long until the answer was complete. */
  startedAt: number;
  duration: number;
  /** Set by the event stream when it cut a body; the full bodies are at `GET /api/packets/<seq>`. */
  truncated?: boolean;
}

/** A leg's write buffer was flushed (WebSocket drained, or a poll answered). */
export interface DrainEvent extends Base {
  type: 'drain';
  sessionId: string;
  leg: Leg;
}

/** A Socket.IO namespace connected (the server's CONNECT answer). */
export interface ConnectEvent extends Base {
  type: 'connect';
  sessionId: string;
  nsp: string;
  /** The Socket.IO socket id (`socket.id`), not the Engine.IO sid. */
  socketId: string;
  /** Connection state recovery restored the previous session (`socket.recovered`). */
  recovered: boolean;
  /** The recovery private id, when the server offers recovery. */
  pid?: string;
  /** What the client sent in its CONNECT (auth, or the v4 protocol's namespace query). */
  auth?: unknown;
}

export interface ConnectErrorEvent extends Base {
  type: 'connect_error';
  sessionId: string;
  nsp: string;
  message: string;
  data?: unknown;
}

/** A namespace socket ended, with its reason as each side names it. */
export interface DisconnectEvent extends Base, Inference, ReasonAlternatives {
  type: 'disconnect';
  sessionId: string;
  nsp: string;
  socketId?: string;
  /** The reason socket.io-client gives (`io server disconnect`, `transport close`, ...). */
  clientReason: string;
  /** The reason the socket.io server gives (`client namespace disconnect`, `ping timeout`, ...). */
  serverReason: string;
  /** Which leg started it. */
  leg: Leg;
  /** Whether socket.io-client reconnects by itself after this reason (`socket.active`). */
  active: boolean;
  description: string;
}

/** An ACK matched to the EVENT it answers. */
export interface AckEvent extends Base {
  type: 'ack';
  sessionId: string;
  nsp: string;
  id: number;
  /** Direction of the EVENT; the ACK went the other way. */
  direction: Direction;
  event?: string;
  latency: number;
  eventSeq: number;
  ackSeq: number;
}

export type RoomSource = 'admin-ui' | 'inferred';

/**
 * Room membership. From admin-ui it is a fact (`join`/`leave` of one socket); inferred from
 * broadcasts it is a guess (`group`: these sessions got the same packet at once).
 */
export interface RoomEvent extends Base {
  type: 'room';
  action: 'join' | 'leave' | 'group';
  source: RoomSource;
  nsp: string;
  room: string;
  sessionId?: string;
  socketId?: string;
  /**
   * For `group`: the sessions that received the broadcast. Published again with fewer members when
   * one leaves; empty when the group is gone.
   */
  members?: string[];
  /** The socket's own private room (named after its socket id), which every socket is in. */
  own?: boolean;
  /** With several target nodes (admin-ui rooms): the node of the socket's session. */
  node?: string;
  /** Set on inferred rooms (a guess from broadcasts); admin-ui rooms are facts and carry none. */
  confidence?: Confidence;
  evidence?: string[];
}

/**
 * One connection attempt of a client: its first (`attempt: 0`, a new client), or a reconnect after a
 * drop (`attempt >= 1`, under the clientKey of the client it continues). How sure the grouping is,
 * and why, is in `confidence` and `evidence`: only the recovery pid makes a reconnect `certain`.
 */
export interface AttemptEvent extends Base, Inference {
  type: 'attempt';
  clientKey: string;
  /** 0 for a new client, then 1, 2, 3 ... for each reconnect attempt of one series. */
  attempt: number;
  /** Milliseconds since the drop (for attempt 1) or since the previous attempt. */
  delay: number;
  /** The reason of the drop that started this series. */
  cause?: string;
  outcome: 'connected' | 'failed';
  sessionId?: string;
  error?: string;
  /**
   * With several target nodes (`--target` repeated): the node this attempt reached, and the node of
   * the session whose drop started the series (differs when the reconnect landed elsewhere).
   */
  node?: string;
  previousNode?: string;
}

export type ProblemConfidence = Confidence;

/**
 * Something on the wire that is (or will become) a bug in the app, found by a detector of
 * shared/analysis/ from the events before it: a reserved event name, a payload over the target's
 * maxPayload, an event sent twice after a reconnect, a target that is down. The proxy publishes them
 * on its bus like any other event; a viewer of a capture without them (a HAR file, the extension's
 * in-page capture) runs the same detectors and gives each the seq of the event that raised it plus a
 * fraction, so that it sorts right after that event.
 */
export interface ProblemEvent extends Base {
  type: 'problem';
  /** Stable per detector (`reserved-event`, `payload-too-large`, ...): what views group by. */
  kind: string;
  severity: 'error' | 'warning';
  /** One line, the specifics of this occurrence: `"disconnect" is a reserved event name`. */
  title: string;
  /** What it means and how to fix it: a paragraph, the same for every problem of a kind. */
  fix: string;
  /** More about this occurrence, when there is more to say than the title. */
  detail?: string;
  sessionId?: string;
  /** The events it concerns (packets first), by seq: a viewer links to them. */
  seqs: number[];
  /** `certain`: the wire shows it; `likely`: the usual cause of what the wire shows; `guess`: a hint. */
  confidence: ProblemConfidence;
  /** The facts the detector went by, one short sentence each. */
  evidence: string[];
}

/**
 * Something the proxy did to traffic because a rule or a user asked for it (issue #11): every change
 * it makes is one of these, beside the packet events of what it sent.
 */
export interface InterventionEvent extends Base {
  type: 'intervention';
  sessionId?: string;
  action:
    | 'paused'
    | 'forwarded'
    | 'edited'
    | 'dropped'
    | 'delayed'
    | 'injected'
    | 'ack'
    | 'fault-started'
    | 'fault-ended'
    | 'rule-hit'
    | 'timeout';
  /** The rule that caused it, when one did. */
  ruleId?: string;
  /** The held packet (`GET /api/paused` id) or the fault (`/faults` id) it is about. */
  id?: string;
  /** One readable line: what was done, to which packet, why. */
  detail: string;
}

/** This observer missed events because it read too slowly. */
export interface DroppedEvent extends Base {
  type: 'dropped';
  count: number;
  reason: string;
}

/**
 * The event stream samples packet events under overload (proxy/stream/packet-sampler.ts): from seq
 * `since` on, 1 `packet` event in `every` is in the stream (history, observers, captures, HAR,
 * recordings), the others were relayed and counted but are not in the record. Other events, and
 * packets the proxy injected or edited, are always kept. Sent when sampling starts (`on`), when its
 * rate changes (`on`, another `every`) and when it ends (`off`, `every` 1), on the bus like any event.
 */
export interface SamplingEvent extends Base {
  type: 'sampling';
  state: 'on' | 'off';
  every: number;
  /** The first seq sampling applied to (the same in every notice of one sampling period). */
  since: number;
  /** The last seq the counts cover (`since - 1` when none yet). */
  until: number;
  /** Packet events counted from `since` to `until`, kept or not, and how many of them were left out. */
  counted: number;
  leftOut: number;
  /** Exact counts from `since` to `until`, per session, direction and event name. */
  counts: SamplingCount[];
  /** One readable line: why. */
  reason: string;
}

export interface SamplingCount {
  sessionId: string;
  direction: Direction;
  /** The Socket.IO event name, or the Engine.IO packet type (`ping`, `message`, ...). */
  name: string;
  count: number;
}

export interface ErrorEvent extends Base {
  type: 'error';
  sessionId?: string;
  message: string;
  /** What was received, cut to a sample. */
  received?: string;
  /** Set by the event stream when it cut `received`; the whole of it is at `GET /api/packets/<seq>`. */
  truncated?: boolean;
}

/**
 * From a dashboard over Redis (`sio-proxy dashboard --redis`): a proxy writing to the stream was
 * seen (`up`) or stopped beating (`gone`: its heartbeat did not move for a while, or it said it stopped).
 */
export interface SourceEvent extends Base {
  type: 'source';
  source: string;
  state: 'up' | 'gone';
  /** Why, in words: `no heartbeat for 3 s`, `stopped`. */
  reason: string;
}

export type ProxyEvent =
  | SessionEvent
  | PacketEvent
  | UpgradeEvent
  | DrainEvent
  | HttpEvent
  | CloseEvent
  | ConnectEvent
  | ConnectErrorEvent
  | DisconnectEvent
  | AckEvent
  | RoomEvent
  | AttemptEvent
  | ErrorEvent
  | ProblemEvent
  | InterventionEvent
  | DroppedEvent
  | SourceEvent
  | SamplingEvent;
export type ProxyEventType = ProxyEvent['type'];

/** An event before the bus stamps it with `seq` and `ts`. */
export type UnstampedEvent = ProxyEvent extends infer E
  ? E extends Base
    ? Omit<E, 'seq' | 'ts'>
    : never
  : never;
