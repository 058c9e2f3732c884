/**
 * The event vocabulary: a filter over the event stream in the stream's own words (shared/events.ts),
 * for the library's `waitFor` and the terminal log's `--filter`.
 *
 *   { type: 'connect', nsp: '/admin' }     { type: 'disconnect', clientReason: 'io server disconnect' }
 *
 * Fields mean what they mean on the events; an event without the field does not match it (`direction`
 * is only on packets and acks). The fields shared with the packet vocabulary read alike.
 */
import { ENGINE_PACKET_TYPES, type EnginePacketType } from '../engineio.js';
import type { Direction, Leg, ProxyEvent, ProxyEventType, TransportName } from '../events.js';
import { SIO_PACKET_TYPES, type SioPacketType } from '../socketio.js';
import {
  compileMatcher,
  type Combinators,
  type FieldDef,
  type FieldTable,
  type Matcher,
  type OneOrMore,
} from './compile.js';
import { overEvents, type EventMatchOptions, type EventSubject } from './event-subject.js';
import type { StringValue } from './pattern.js';
import { DIRECTIONS, TRANSPORTS } from './packet-match.js';

export const EVENT_TYPES: readonly ProxyEventType[] = [
  'session',
  'packet',
  'upgrade',
  'drain',
  'http',
  'close',
  'connect',
  'connect_error',
  'disconnect',
  'ack',
  'room',
  'attempt',
  'error',
  'problem',
  'intervention',
  'dropped',
];

/** Top-level string fields read as they are on the events that have them. */
const STRING_FIELDS = [
  'reason',
  'clientReason',
  'serverReason',
  'socketId',
  'room',
  'action',
  'source',
  'stage',
  'message',
  'method',
  'url',
  'outcome',
  'cause',
  'error',
  'kind',
  'title',
  'ruleId',
  'detail',
  'confidence',
] as const;
const NUMBER_FIELDS = ['status', 'attempt'] as const;
const BOOLEAN_FIELDS = ['recovered', 'active'] as const;

type StringField = (typeof STRING_FIELDS)[number];
type NumberField = (typeof NUMBER_FIELDS)[number];
type BooleanField = (typeof BOOLEAN_FIELDS)[number];

export type EventFilter = Combinators<EventFilter> & {
  /** The event's type: `packet`, `connect`, `disconnect`, ... */
  type?: OneOrMore<ProxyEventType>;
  /** Exact, "/regex/flags" or { regex, flags } (so for every string field but `nsp` and `url`, exact or { regex }). */
  sessionId?: OneOrMore<StringValue>;
  clientKey?: OneOrMore<StringValue>;
  /** The namespace: of a packet, or at the top of connect, disconnect, ack, room events. */
  nsp?: OneOrMore<StringValue>;
  /** The Socket.IO event name: of a packet, or of the EVENT an ack answers. */
  event?: OneOrMore<StringValue>;
  direction?: OneOrMore<Direction>;
  transport?: OneOrMore<TransportName>;
  /** A packet's Engine.IO packet type. */
  engine?: OneOrMore<EnginePacketType>;
  /** A packet's Socket.IO packet type. */
  sioType?: OneOrMore<SioPacketType>;
  leg?: OneOrMore<Leg>;
  /** The ack id (acks) or Socket.IO packet id (packets). */
  id?: OneOrMore<number>;
  /** Found in the event name or the event's text (args, auth, error message, URL): see event-text.ts. */
  text?: OneOrMore<StringValue>;
} & { [K in StringField]?: OneOrMore<StringValue> } & { [K in NumberField]?: OneOrMore<number> } & {
  [K in BooleanField]?: boolean;
};

type Fields = Record<string, FieldDef<EventSubject>>;

/** A top-level field of the events that have it, when it has the type the field expects. */
function topField<T>(key: string, type: 'string' | 'number' | 'boolean'): (s: EventSubject) => T | undefined {
  return (s) => {
    const v = (s.event as unknown as Record<string, unknown>)[key];
    return typeof v === type ? (v as T) : undefined;
  };
}

const EVENT_FIELDS: FieldTable<EventSubject> = {
  type: { kind: 'enum', label: 'an event type', values: EVENT_TYPES, get: (s) => s.event.type },
  sessionId: { kind: 'pattern', get: (s) => s.sessionId },
  clientKey: { kind: 'pattern', get: (s) => s.clientKey },
  nsp: { kind: 'pattern', literal: true, get: (s) => s.nsp },
  event: { kind: 'pattern', get: (s) => s.name },
  direction: { kind: 'enum', label: 'a direction', values: DIRECTIONS, get: (s) => s.direction },
  transport: { kind: 'enum', label: 'a transport', values: TRANSPORTS, get: (s) => s.transport },
  engine: {
    kind: 'enum',
    label: 'an Engine.IO packet type',
    values: ENGINE_PACKET_TYPES,
    get: (s) => (s.event.type === 'packet' ? s.event.engine : undefined),
  },
  sioType: {
    kind: 'enum',
    label: 'a Socket.IO packet type',
    values: SIO_PACKET_TYPES,
    get: (s) => (s.event.type === 'packet' ? s.event.sio?.type : undefined),
  },
  leg: { kind: 'enum', label: 'a leg', values: ['client', 'server'], get: topField<string>('leg', 'string') },
  id: {
    kind: 'number',
    get: (s) =>
      s.event.type === 'packet' ? s.event.sio?.id : s.event.type === 'ack' ? s.event.id : undefined,
  },
  text: { kind: 'text', name: (s) => s.name, text: (s) => s.text },
  ...Object.fromEntries(
    STRING_FIELDS.map((k) => [
      k,
      { kind: 'pattern', literal: k === 'url', get: topField<string>(k, 'string') },
    ]),
  ),
  ...Object.fromEntries(
    NUMBER_FIELDS.map((k) => [k, { kind: 'number', get: topField<number>(k, 'number') }]),
  ),
  ...Object.fromEntries(
    BOOLEAN_FIELDS.map((k) => [k, { kind: 'boolean', get: topField<boolean>(k, 'boolean') }]),
  ),
} satisfies Fields;

/** Compiles a filter over stream events. Throws a MatchError naming the bad field. */
export function compileEventFilter(
  filter: EventFilter,
  opts: EventMatchOptions = {},
): Matcher<ProxyEvent, EventFilter> {
  return overEvents(compileMatcher(filter, EVENT_FIELDS, opts.path), opts.clientKeyOf);
}
