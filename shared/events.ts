/**
 * The event model that the proxy emits and that the panel, the DevTools tab and the terminal log
 * consume. One vocabulary for every consumer, in the terms of the Socket.IO Socket and its engine.
 * Bump EVENT_SCHEMA_VERSION on any change a consumer could notice.
 */
import type { EioVersion, EnginePacketType } from './engineio.js';
import type { SioPacketType } from './socketio.js';

export const EVENT_SCHEMA_VERSION = 1;

/** `client`: the client <-> proxy connection; `server`: proxy <-> target. */
export type Leg = 'client' | 'server';
/** `c2s`: from the client towards the target; `s2c`: the other way. */
export type Direction = 'c2s' | 's2c';
export type TransportName = 'polling' | 'websocket';

interface Base {
  seq: number;
  /** Milliseconds since the epoch, sub-millisecond precision. */
  ts: number;
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
  eio: EioVersion;
  transport: TransportName;
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
  /** Text data (truncated), or for binary `<N bytes>`; for non-message packets the Engine.IO data. */
  data?: string;
}

export interface UpgradeEvent extends Base {
  type: 'upgrade';
  sessionId: string;
  leg: Leg;
  stage: 'probe' | 'success' | 'failure';
  reason?: string;
}

export interface CloseEvent extends Base {
  type: 'close';
  sessionId: string;
  leg: Leg;
  /** Which leg ended the session first. */
  first: Leg;
  reason: string;
  description?: string;
}

export interface ErrorEvent extends Base {
  type: 'error';
  sessionId?: string;
  message: string;
  /** What was received, cut to a sample. */
  received?: string;
}

export type ProxyEvent = SessionEvent | PacketEvent | UpgradeEvent | CloseEvent | ErrorEvent;
export type ProxyEventType = ProxyEvent['type'];

/** An event before the bus stamps it with `seq` and `ts`. */
export type UnstampedEvent = ProxyEvent extends infer E
  ? E extends Base
    ? Omit<E, 'seq' | 'ts'>
    : never
  : never;
