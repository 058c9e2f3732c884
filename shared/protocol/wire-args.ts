/**
 * The common Socket.IO packet, an EVENT or ACK as text, read without parsing its args: the header
 * (type, namespace, ack id, event name) is read here, and the args stay the wire text they came in,
 * parsed on first read of `args` (a filter, a rule, the log, a detector that looks). The event
 * stream splices the text into the event's JSON as it is (argsJsonOf), which is why only canonical
 * JSON (canonical-json.ts: what JSON.stringify writes, socket.io's encoder) takes this path: the
 * stream's text is then the one parsing and re-encoding gave. Everything else (binary packets,
 * CONNECT and the rest, any text this reading is not sure of) goes through socket.io-parser as
 * before, so a packet the peer will reject is still recognised and reported: a canonical text is
 * valid JSON, and the checks socket.io-parser makes on an EVENT's or ACK's payload are made here.
 */
import type { SioInfo } from '../events.js';
import { isCanonicalJson } from './canonical-json.js';
import { RESERVED_EVENTS } from './socketio.js';

const QUOTE = 0x22;
const COMMA = 0x2c;
const SLASH = 0x2f;
const OPEN_ARRAY = 0x5b;

/** A class whose constructor returns the object it is given: a subclass then stamps that object. */
class Stamped {
  constructor(target: object) {
    return target;
  }
}

/**
 * Gives a plain SioInfo object its args as wire text: private fields stamped on it (the class is
 * never instantiated as such: its constructor returns the info), and `args` as an own, enumerable
 * accessor that parses the text on first read and keeps the value, or holds a value set.
 *
 * Why this shape: the info stays a plain object for every reader (a spread, JSON.stringify,
 * structured clone and deepEqual see `type`, `nsp`, `id`, `event`, `args` and nothing else), a
 * copy carries no text that could disagree with its args (private fields are not copied), and
 * stamping costs one property store where a hidden property cost a second `defineProperty`, the
 * larger part of this reading (docs/performance.md, "Args as wire text").
 */
class WireArgs extends Stamped {
  /** The args' wire text while it is what `args` holds. */
  #json: string | undefined;
  #value: unknown;

  /** Shared by every info, so that defining it allocates nothing per packet. */
  static readonly #ARGS: PropertyDescriptor = {
    enumerable: true,
    configurable: true,
    get(this: WireArgs): unknown {
      if (this.#value === undefined && this.#json !== undefined) this.#value = JSON.parse(this.#json);
      return this.#value;
    },
    set(this: WireArgs, value: unknown) {
      this.#json = undefined;
      this.#value = value;
    },
  };

  private constructor(info: SioInfo, json: string) {
    super(info);
    this.#json = json;
    Object.defineProperty(this, 'args', WireArgs.#ARGS);
  }

  static stamp(info: SioInfo, json: string): SioInfo {
    new WireArgs(info, json);
    return info;
  }

  static jsonOf(info: SioInfo): string | undefined {
    return #json in info ? (info as WireArgs).#json : undefined;
  }
}

/** The args' wire text, when `info` was read here and its args are still those: canonical JSON. */
export function argsJsonOf(info: SioInfo): string | undefined {
  return WireArgs.jsonOf(info);
}

/**
 * `message` read as an EVENT or ACK whose args are canonical JSON, or undefined when it is anything
 * else (the caller then decodes it with socket.io-parser, which says what is wrong, if anything).
 * Mirrors socket.io-parser's decodeString for that case: `2` or `3`, an optional `/namespace,`, an
 * optional ack id, then the JSON array.
 */
export function readWireEvent(message: string): SioInfo | undefined {
  const t = message.charCodeAt(0);
  if (t !== 0x32 && t !== 0x33) return undefined;
  let i = 1;
  let nsp = '/';
  if (message.charCodeAt(1) === SLASH) {
    const comma = message.indexOf(',', 1);
    if (comma === -1) return undefined;
    nsp = message.slice(1, comma);
    // A query belongs to a CONNECT (protocol v4); elsewhere socket.io-parser's reading decides.
    if (nsp.includes('?')) return undefined;
    i = comma + 1;
  }
  let id: number | undefined;
  const idStart = i;
  while (isDigit(message.charCodeAt(i))) i++;
  if (i > idStart) id = Number(message.slice(idStart, i));
  if (message.charCodeAt(i) !== OPEN_ARRAY || !isCanonicalJson(message, i)) return undefined;
  // Only the fields a packet has, in the order sioInfoOf gives them.
  let info: SioInfo;
  if (t === 0x33) info = id === undefined ? { type: 'ACK', nsp } : { type: 'ACK', nsp, id };
  else {
    const event = eventName(message, i + 1);
    if (event === undefined) return undefined;
    info = id === undefined ? { type: 'EVENT', nsp, event } : { type: 'EVENT', nsp, id, event };
  }
  return WireArgs.stamp(info, message.slice(i));
}

/**
 * The event name at `i` (the array's first element, canonical JSON): a string without escapes or a
 * number, as socket.io-parser accepts them; undefined for anything else, reserved names included.
 */
function eventName(message: string, i: number): string | undefined {
  const c = message.charCodeAt(i);
  if (c === QUOTE) {
    const close = message.indexOf('"', i + 1);
    const name = message.slice(i + 1, close);
    if (name.includes('\\') || RESERVED_EVENTS.has(name)) return undefined;
    return name;
  }
  if (c === 0x2d || isDigit(c)) {
    let end = i + 1;
    while (end < message.length && message.charCodeAt(end) !== COMMA && message.charCodeAt(end) !== 0x5d)
      end++;
    return message.slice(i, end);
  }
  return undefined;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
