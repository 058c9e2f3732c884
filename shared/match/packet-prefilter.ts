/**
 * Whether a packet matcher COULD match a packet of which only the head is known: the relay's question
 * at the start of each WebSocket message, before a byte of it is forwarded (proxy/engine/
 * websocket-wire.ts). A "no" must be certain (the message then goes through piped, past the rules);
 * whatever is not known from the head answers "maybe" (the message is then read whole and tested).
 *
 * Three-valued: every field answers no, yes or maybe; `all` is no when one says no, `any` is yes when
 * one says yes, `not` swaps yes and no. What the head cannot know (a text in the args; anything of a
 * compressed message) is maybe. Socket.IO fields read from the header hold only if the rest of the
 * packet decodes (a packet whose JSON does not has no Socket.IO fields at all), so a field that
 * matches them is maybe, one that does not is no. The spec is the rule's own, already validated by
 * `compilePacketMatch`: this compiles it a second time, for heads.
 */
import { ENGINE_PACKET_TYPES, type EnginePacketType } from '../engineio.js';
import type { Direction, TransportName } from '../events.js';
import type { SioPacketType } from '../socketio.js';
import type { ClientKeyOf } from './event-subject.js';
import type { PacketMatch } from './packet-match.js';
import { valueRegex, type StringValue } from './pattern.js';
import { parseTextQuery } from './text.js';

/** What is known of a packet from its first bytes. A field left undefined is not known. */
export interface PacketHead {
  direction?: Direction;
  transport?: TransportName;
  sessionId?: string;
  /** The Engine.IO type; undefined when unreadable (a compressed message). */
  engine?: EnginePacketType;
  /** A ping or pong other than the probes; undefined when not known. */
  heartbeat?: boolean;
  /** null: not a Socket.IO packet; undefined: not known; else its header as read. */
  sio?: SioHead | null;
}

export interface SioHead {
  type: SioPacketType;
  /** Without the query (protocol v4's CONNECT). */
  nsp: string;
  /** An EVENT's name; null when the packet has none (not an EVENT); undefined when not read. */
  event?: string | null;
}

const NO = 0;
const YES = 1;
const MAYBE = 2;
type Tri = typeof NO | typeof YES | typeof MAYBE;
type Check = (h: PacketHead) => Tri;

/** `couldMatch(head)` is false only when no packet with that head can match `match`. */
export function compilePacketPrefilter(
  match: PacketMatch,
  opts: { clientKeyOf?: ClientKeyOf } = {},
): (head: PacketHead) => boolean {
  const check = compileNode(match, opts.clientKeyOf);
  return (h) => check(h) !== NO;
}

/** A value read from the head: undefined when not known, null when known to be absent. */
type Read = (h: PacketHead) => string | null | undefined;

/** A Socket.IO field of the head: not known with the header, absent without one. */
const sioField =
  <K extends keyof SioHead>(key: K) =>
  (h: PacketHead): SioHead[K] | null | undefined =>
    h.sio ? h.sio[key] : h.sio;

function compileNode(spec: PacketMatch, clientKeyOf: ClientKeyOf | undefined): Check {
  const checks: Check[] = [];
  for (const [key, value] of Object.entries(spec)) {
    if (value === undefined) continue;
    if (key === 'not') checks.push(negate(compileNode(value as PacketMatch, clientKeyOf)));
    else if (key === 'any')
      checks.push(anyOf((value as PacketMatch[]).map((m) => compileNode(m, clientKeyOf))));
    else if (key === 'all')
      checks.push(allOf((value as PacketMatch[]).map((m) => compileNode(m, clientKeyOf))));
    else {
      const values = Array.isArray(value) ? (value as unknown[]) : [value];
      checks.push(anyOf(values.map((v) => compileField(key, v, clientKeyOf))));
    }
  }
  return allOf(checks);
}

function compileField(key: string, value: unknown, clientKeyOf: ClientKeyOf | undefined): Check {
  switch (key) {
    case 'direction':
      return leaf((h) => h.direction, equals(value), true);
    case 'transport':
      return leaf((h) => h.transport, equals(value), true);
    case 'session':
      return leaf((h) => h.sessionId, pattern(value as StringValue), true);
    case 'clientKey':
      // A session without a key yet: not known (the rule reads it when the packet is tested).
      return leaf(
        (h) => (h.sessionId === undefined ? undefined : clientKeyOf?.(h.sessionId)),
        pattern(value as StringValue),
        true,
      );
    case 'nsp':
      return leaf(sioField('nsp'), pattern(value as StringValue, true), false);
    case 'event':
      return leaf(sioField('event'), pattern(value as StringValue), false);
    case 'type':
      return (ENGINE_PACKET_TYPES as readonly unknown[]).includes(value)
        ? leaf((h) => h.engine, equals(value), true)
        : leaf(sioField('type'), equals(value), false);
    case 'heartbeat':
      return (h) => (h.heartbeat === undefined ? MAYBE : h.heartbeat === value ? YES : NO);
    case 'text':
      // Blank text matches everything (as compile.ts has it); any other is in the args: not known.
      return typeof value === 'string' && !parseTextQuery(value) ? () => YES : () => MAYBE;
    default:
      return () => MAYBE; // a field this file does not know: never a certain no
  }
}

function equals(value: unknown): (v: string) => boolean {
  return (v) => v === value;
}

function pattern(value: StringValue, literal = false): (v: string) => boolean {
  const re = valueRegex(value, literal);
  return re ? (v) => re.test(v) : (v) => v === value;
}

/** `sure`: a value read is the packet's for certain (else only if the packet decodes). */
function leaf(read: Read, holds: (v: string) => boolean, sure: boolean): Check {
  const hit: Tri = sure ? YES : MAYBE;
  return (h) => {
    const v = read(h);
    if (v === undefined) return MAYBE;
    if (v === null) return NO;
    return holds(v) ? hit : NO;
  };
}

const allOf = (checks: Check[]) => combine(checks, NO);
const anyOf = (checks: Check[]) => combine(checks, YES);

/** `all` (a no decides) or `any` (a yes decides): else maybe if one said so, else the other answer. */
function combine(checks: Check[], decisive: Tri): Check {
  if (checks.length === 1) return checks[0]!;
  const otherwise: Tri = decisive === NO ? YES : NO;
  return (h) => {
    let out: Tri = otherwise;
    for (const c of checks) {
      const t = c(h);
      if (t === decisive) return t;
      if (t === MAYBE) out = MAYBE;
    }
    return out;
  };
}

function negate(check: Check): Check {
  return (h) => {
    const t = check(h);
    return t === MAYBE ? MAYBE : t === YES ? NO : YES;
  };
}
