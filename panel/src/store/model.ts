/**
 * What the panel knows, reduced from events: the types of the views' data. Entities (a session, a
 * client, a room) are immutable and replaced when an event changes them, so React can skip the rows
 * that did not change; the collections holding them are mutable and updated in place per batch.
 */
import type {
  AttemptEvent,
  Confidence,
  HandshakeInfo,
  Leg,
  ProblemEvent,
  RoomSource,
  SessionEvent,
  TransportName,
} from '../../../shared/events.js';
import type { EioVersion } from '../../../shared/engineio.js';

export type Counts = Readonly<{ c2s: number; s2c: number }>;

export type NamespaceState = 'connecting' | 'connected' | 'refused' | 'disconnected';

/**
 * How sure the stream is of a close's or disconnect's reasons, what it went by, and the reasons the
 * wire cannot tell from the ones it named (captures made before the stream said so have none).
 */
export interface InferredReasons {
  confidence?: Confidence;
  evidence?: readonly string[];
  clientReasonAlternatives?: readonly string[];
  serverReasonAlternatives?: readonly string[];
}

export interface DisconnectInfo extends InferredReasons {
  ts: number;
  seq: number;
  clientReason: string;
  serverReason: string;
  leg: Leg;
  /** socket.io-client reconnects by itself (`socket.active`). */
  active: boolean;
  description: string;
}

export interface NamespaceView {
  nsp: string;
  state: NamespaceState;
  /** `socket.id`, once the server's CONNECT answered. */
  socketId?: string;
  recovered: boolean;
  pid?: string;
  /** What the client sent in its CONNECT. */
  auth?: unknown;
  connectedAt?: number;
  error?: { message: string; data?: unknown };
  disconnect?: DisconnectInfo;
}

export interface UpgradeInfo {
  stage: 'probe' | 'success' | 'failure';
  leg: Leg;
  ts: number;
  reason?: string;
}

export interface CloseInfo extends InferredReasons {
  ts: number;
  /** Seq of the first `close` event (each leg sends one). */
  seq: number;
  first: Leg;
  clientReason: string;
  serverReason: string;
  description?: string;
}

/** One line of a session's lifecycle (the socket view's timeline). */
export type TimelineItem =
  | { kind: 'handshake'; ts: number; seq: number; transport: TransportName }
  | { kind: 'upgrade'; ts: number; seq: number; leg: Leg; stage: UpgradeInfo['stage']; reason?: string }
  | { kind: 'connect'; ts: number; seq: number; nsp: string; socketId: string; recovered: boolean }
  | { kind: 'connect_error'; ts: number; seq: number; nsp: string; message: string }
  | ({ kind: 'disconnect'; nsp: string } & DisconnectInfo)
  | ({
      kind: 'close';
      ts: number;
      seq: number;
      leg: Leg;
      first: Leg;
      reason: string;
      clientReason: string;
      serverReason: string;
      active?: boolean;
      description?: string;
    } & InferredReasons)
  /** Heartbeats and drains between two other items, folded into counts. */
  | { kind: 'quiet'; ts: number; until: number; pings: number; pongs: number; drains: number }
  /** What the proxy did to the session (a rule, a held packet's verdict, an emit, a fault); repeats folded. */
  | InterventionItem;

/** An `intervention` event in the lifecycle; `count` > 1 when the same action came several times in a row. */
export interface InterventionItem {
  kind: 'intervention';
  ts: number;
  seq: number;
  action: string;
  detail: string;
  count: number;
  until: number;
}

export interface SessionView {
  sid: string;
  /** `?` for a session whose handshake was not seen (a capture that starts mid-session). */
  clientKey: string;
  eio?: EioVersion;
  transport: TransportName;
  /** The transport of the handshake. */
  firstTransport: TransportName;
  upgrade?: UpgradeInfo;
  handshake?: HandshakeInfo;
  open?: SessionEvent['open'];
  hiddenUpgrades: readonly string[];
  target?: string;
  /** The proxy that relays it, on a dashboard over Redis (`sio-proxy dashboard --redis`). */
  source?: string;
  /** The `session` event as received, for exporting the session with its packets. */
  sessionEvent?: SessionEvent;
  startedAt: number;
  lastAt: number;
  endedAt?: number;
  close?: CloseInfo;
  namespaces: Readonly<Record<string, NamespaceView>>;
  packets: Counts;
  bytes: Counts;
  heartbeats: number;
  /** Not Socket.IO (raw Engine.IO, a custom parser). */
  raw: boolean;
  importedFrom?: 'har';
  timeline: readonly TimelineItem[];
}

export interface AttemptView {
  seq: number;
  ts: number;
  attempt: number;
  delay: number;
  cause?: string;
  outcome: AttemptEvent['outcome'];
  sessionId?: string;
  error?: string;
  /** How sure the stream is that this attempt belongs to this client, and why. */
  confidence?: AttemptEvent['confidence'];
  evidence?: readonly string[];
}

export interface ClientView {
  clientKey: string;
  /** Its sessions, oldest first. */
  sessionIds: readonly string[];
  /** Its connection attempts, oldest first (the last MAX_ATTEMPTS). */
  attempts: readonly AttemptView[];
  firstAt: number;
  lastAt: number;
}

export interface RoomView {
  key: string;
  nsp: string;
  room: string;
  source: RoomSource;
  /** A socket's own room, named after its id: every socket has one. */
  own: boolean;
  /** Socket ids (admin-ui) or Engine.IO session ids (inferred groups). */
  members: readonly string[];
  memberKind: 'socket' | 'session';
  /** With several target nodes: the node of each member that has one (admin-ui `node`). */
  memberNodes?: Readonly<Record<string, string>>;
  updatedAt: number;
}

/**
 * A problem as the Problems view lists it: `problem` events (shared/analysis) of one kind, session and
 * title merged into one entry with a count.
 */
export interface Problem extends Omit<ProblemEvent, 'type' | 'seq' | 'seqs' | 'importedFrom'> {
  /** Unique within the model: kind, session and title (repeats are merged). */
  id: string;
  /** Packets (or other events) it concerns, by seq: the views jump to them. */
  seqs: readonly number[];
  /** The same problem again (same kind, session and title) counts here instead of a new entry. */
  count: number;
  lastTs: number;
}
