/**
 * The packet vocabulary: what a breakpoint or fault rule's `match` says about a packet. Every field
 * given must match; an omitted field matches anything.
 *
 *   { direction: 'c2s', nsp: '/admin', event: '/^order:/', text: 'total' }
 *
 * Compiled over the proxy's bus events (`compilePacketMatch`) or over any row that holds a packet
 * (`compilePacketMatchOver`, the panel's filter), with the same fields.
 */
import { ENGINE_PACKET_TYPES, type EnginePacketType } from '../engineio.js';
import type { Direction, PacketEvent, ProxyEvent, TransportName } from '../events.js';
import { SIO_PACKET_TYPES, type SioPacketType } from '../socketio.js';
import {
  compileMatcher,
  type Combinators,
  type Explanation,
  type FieldTable,
  type Matcher,
  type OneOrMore,
} from './compile.js';
import { overEvents, type EventMatchOptions, type EventSubject } from './event-subject.js';
import type { StringValue } from './pattern.js';

export type PacketType = EnginePacketType | SioPacketType;
export const PACKET_TYPES: readonly PacketType[] = [...ENGINE_PACKET_TYPES, ...SIO_PACKET_TYPES];
export const DIRECTIONS: readonly Direction[] = ['c2s', 's2c'];
export const TRANSPORTS: readonly TransportName[] = ['polling', 'websocket'];

export interface PacketMatch extends Combinators<PacketMatch> {
  direction?: OneOrMore<Direction>;
  /** The Engine.IO sid: exact, "/regex/flags" or { regex, flags } (so for every string field below). */
  session?: OneOrMore<StringValue>;
  clientKey?: OneOrMore<StringValue>;
  transport?: OneOrMore<TransportName>;
  /** A string is always exact here (namespaces start with a slash): a regex is { regex, flags }. */
  nsp?: OneOrMore<StringValue>;
  /** The Socket.IO event name. */
  event?: OneOrMore<StringValue>;
  /** Found in the event name or the args' JSON: text in any case, or "/regex/flags". */
  text?: OneOrMore<StringValue>;
  /** An Engine.IO packet type (`message`, `ping`) or a Socket.IO one (`EVENT`, `ACK`). */
  type?: OneOrMore<PacketType>;
  /** Engine.IO ping/pong other than the upgrade probes: `false` hides heartbeats. */
  heartbeat?: boolean;
}

/** How a host's row shows its packet to the matcher. */
export interface PacketView<S> {
  packet(s: S): PacketEvent;
  /** The searched text (see text.ts). */
  text(s: S): string;
  clientKey?(s: S): string | undefined;
  heartbeat?(s: S): boolean;
  /** The text was found where `text` cannot see (the proxy's search of a full payload). */
  textAlso?(s: S): boolean;
}

export const isHeartbeat = (e: PacketEvent): boolean =>
  (e.engine === 'ping' || e.engine === 'pong') && e.data !== 'probe';

const isSioType = (t: string) => (SIO_PACKET_TYPES as readonly string[]).includes(t);

export function packetFields<S>(view: PacketView<S>): FieldTable<S> {
  const p = view.packet;
  const heartbeat = view.heartbeat ?? ((s: S) => isHeartbeat(p(s)));
  return {
    direction: { kind: 'enum', label: 'a direction', values: DIRECTIONS, get: (s) => p(s).direction },
    session: { kind: 'pattern', get: (s) => p(s).sessionId },
    clientKey: { kind: 'pattern', get: view.clientKey ?? (() => undefined) },
    transport: { kind: 'enum', label: 'a transport', values: TRANSPORTS, get: (s) => p(s).transport },
    nsp: { kind: 'pattern', literal: true, get: (s) => p(s).sio?.nsp },
    event: { kind: 'pattern', get: (s) => p(s).sio?.event },
    text: { kind: 'text', name: (s) => p(s).sio?.event, text: view.text, also: view.textAlso },
    type: {
      kind: 'enum',
      label: 'a packet type',
      values: PACKET_TYPES,
      get: (s) => p(s).engine,
      getFor: (t) => (isSioType(t) ? (s) => p(s).sio?.type : (s) => p(s).engine),
    },
    heartbeat: { kind: 'boolean', get: heartbeat },
  };
}

/** Over any row holding a packet (the panel's filter). Throws a MatchError naming the bad field. */
export function compilePacketMatchOver<S>(
  match: PacketMatch,
  view: PacketView<S>,
  path = '',
): Matcher<S, PacketMatch> {
  return compileMatcher(match, packetFields(view), path);
}

const busView: PacketView<EventSubject> = {
  packet: (s) => s.event as PacketEvent,
  text: (s) => s.text,
  clientKey: (s) => s.clientKey,
};

/**
 * Over the proxy's packet events as the bus carries them. Throws a MatchError naming the bad field.
 * Events other than packets never match.
 */
export function compilePacketMatch(
  match: PacketMatch,
  opts: EventMatchOptions = {},
): Matcher<ProxyEvent, PacketMatch> {
  const m = overEvents<PacketEvent, PacketMatch>(
    compilePacketMatchOver(match, busView, opts.path),
    opts.clientKeyOf,
  );
  const notAPacket = (e: ProxyEvent): Explanation => ({
    matched: false,
    reasons: [{ field: 'type', matched: false, text: `a ${e.type} event, not a packet` }],
  });
  return {
    spec: match,
    test: (e) => e.type === 'packet' && m.test(e),
    explain: (e) => (e.type === 'packet' ? m.explain(e) : notAPacket(e)),
  };
}
