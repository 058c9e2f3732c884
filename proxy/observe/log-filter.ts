/**
 * The `--filter` language of the terminal log. An expression is a list of terms separated by spaces;
 * an event is shown when every term matches it.
 *
 *   type:connect   the event type: session packet upgrade drain http close connect connect_error
 *                  disconnect ack room attempt error problem dropped
 *   dir:s2c        the direction (packets and acks); `s2c` and `c2s` alone mean the same
 *   nsp:/admin     the Socket.IO namespace (a glob, like event:)
 *   event:chat*    the event name, a glob: `*` any run of characters, `?` one character
 *   engine:ping    the Engine.IO packet type: open close ping pong message upgrade noop
 *   sid:3fA9       the Engine.IO session id starts with this
 *   chat           a bare word: the event name contains it, or the event's text does (the args of a
 *                  packet, the auth of a connect, the message of an error, the URL of an http event)
 *   /ro+m/i        a regular expression over that same text (flags after the closing slash)
 *   -term          any term, negated: `-engine:ping -engine:pong` hides heartbeats
 *   "a b"          double quotes keep spaces in a term, also after a key: `event:"chat message"`
 *
 * Words and globs ignore case; a regular expression follows its own flags. A term with an unknown
 * key (`evnt:x`) is an error rather than a search for that text: quote it to search for it.
 * An expression that starts with `-` must be attached to the flag (`--filter='-engine:ping'`): the
 * flag parser takes `--filter -engine:ping` for a missing value.
 */
import { ENGINE_PACKET_TYPES } from '../../shared/engineio.js';
import type { ProxyEvent, ProxyEventType } from '../../shared/events.js';

export class FilterError extends Error {}

export type LogFilter = (event: ProxyEvent) => boolean;

const EVENT_TYPES: readonly ProxyEventType[] = [
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
  'dropped',
];
const KEYS = ['type', 'dir', 'nsp', 'event', 'engine', 'sid'] as const;

/** What terms look at, computed once per event and only when a term asks. */
class Subject {
  private textCache: string | undefined;
  constructor(readonly event: ProxyEvent) {}

  get direction(): string | undefined {
    const e = this.event;
    return e.type === 'packet' || e.type === 'ack' ? e.direction : undefined;
  }
  get nsp(): string | undefined {
    const e = this.event;
    if (e.type === 'packet') return e.sio?.nsp;
    return 'nsp' in e ? e.nsp : undefined;
  }
  get name(): string | undefined {
    const e = this.event;
    if (e.type === 'packet') return e.sio?.event;
    return e.type === 'ack' ? e.event : undefined;
  }
  get sessionId(): string | undefined {
    const e = this.event;
    return 'sessionId' in e ? e.sessionId : undefined;
  }
  get text(): string {
    this.textCache ??= eventText(this.event);
    return this.textCache;
  }
}

/** The searchable text of an event (capped: a filter must stay cheap on huge messages). */
const TEXT_LIMIT = 64 * 1024;

export function eventText(e: ProxyEvent, limit = TEXT_LIMIT): string {
  switch (e.type) {
    case 'packet':
      if (e.sio) return e.sio.args === undefined ? '' : jsonPreview(e.sio.args, limit);
      return (e.data ?? '').slice(0, limit);
    case 'connect':
      return e.auth === undefined ? '' : jsonPreview(e.auth, limit);
    case 'connect_error':
      return `${e.message} ${e.data === undefined ? '' : jsonPreview(e.data, limit)}`;
    case 'disconnect':
      return `${e.clientReason} ${e.serverReason} ${e.description}`;
    case 'close':
      return `${e.clientReason} ${e.serverReason} ${e.description ?? ''}`;
    case 'error':
      return `${e.message} ${e.received ?? ''}`.slice(0, limit);
    case 'problem':
      return `${e.kind} ${e.title}`;
    case 'http':
      return e.url;
    case 'session':
      return e.handshake.url;
    case 'room':
      return e.room;
    default:
      return '';
  }
}

type Test = (s: Subject) => boolean;

export function parseFilter(expr: string | undefined): LogFilter {
  const tests = tokenize(expr ?? '').map(compileTerm);
  if (tests.length === 0) return () => true;
  return (event) => {
    const subject = new Subject(event);
    return tests.every((t) => t(subject));
  };
}

interface Token {
  text: string;
  negated: boolean;
  /** Quoted as a whole: always a word, never `key:value`. */
  quoted: boolean;
  regex?: RegExp;
}

function tokenize(expr: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    while (i < expr.length && /\s/.test(expr[i] ?? '')) i++;
    if (i >= expr.length) break;
    let negated = false;
    if (expr[i] === '-' && i + 1 < expr.length && !/\s/.test(expr[i + 1] ?? '')) {
      negated = true;
      i++;
    }
    if (expr[i] === '/') {
      // A regular expression: up to the next unescaped slash, then its flags.
      let j = i + 1;
      let body = '';
      while (j < expr.length && expr[j] !== '/') {
        if (expr[j] === '\\' && j + 1 < expr.length) body += expr[j++];
        body += expr[j++];
      }
      if (j >= expr.length) throw new FilterError(`unterminated regular expression: ${expr.slice(i)}`);
      j++;
      let flags = '';
      while (j < expr.length && /[a-z]/i.test(expr[j] ?? '')) flags += expr[j++];
      let regex: RegExp;
      try {
        regex = new RegExp(body, flags.replace(/[gy]/g, ''));
      } catch (err) {
        throw new FilterError(`bad regular expression /${body}/${flags}: ${(err as Error).message}`);
      }
      out.push({ text: body, negated, quoted: false, regex });
      i = j;
      continue;
    }
    let text = '';
    let quoted = false;
    let sawQuote = false;
    while (i < expr.length && !/\s/.test(expr[i] ?? '')) {
      if (expr[i] === '"') {
        const end = expr.indexOf('"', i + 1);
        if (end === -1) throw new FilterError(`unterminated quote: ${expr.slice(i)}`);
        if (text === '') quoted = true;
        sawQuote = true;
        text += expr.slice(i + 1, end);
        i = end + 1;
      } else {
        text += expr[i++];
        if (sawQuote) quoted = false;
      }
    }
    out.push({ text, negated, quoted });
  }
  return out;
}

function compileTerm(token: Token): Test {
  const test = positive(token);
  return token.negated ? (s) => !test(s) : test;
}

function positive(token: Token): Test {
  if (token.regex) {
    const re = token.regex;
    return (s) => re.test(s.text);
  }
  const { text } = token;
  if (!token.quoted) {
    if (text === 'c2s' || text === 's2c') return (s) => s.direction === text;
    const colon = text.indexOf(':');
    const key = colon > 0 ? text.slice(0, colon) : '';
    if (/^[a-z]+$/i.test(key)) {
      const value = text.slice(colon + 1);
      return keyed(key.toLowerCase(), value);
    }
  }
  if (text === '') return () => true;
  const lower = text.toLowerCase();
  if (/[*?]/.test(text)) {
    const glob = globRegex(text);
    return (s) => s.name !== undefined && glob.test(s.name);
  }
  return (s) => (s.name?.toLowerCase().includes(lower) ?? false) || s.text.toLowerCase().includes(lower);
}

function keyed(key: string, value: string): Test {
  switch (key) {
    case 'type': {
      if (!(EVENT_TYPES as readonly string[]).includes(value))
        throw new FilterError(`type:${value}: not an event type (${EVENT_TYPES.join(' ')})`);
      return (s) => s.event.type === value;
    }
    case 'dir':
      if (value !== 'c2s' && value !== 's2c') throw new FilterError(`dir:${value}: expected c2s or s2c`);
      return (s) => s.direction === value;
    case 'nsp': {
      const glob = globRegex(value);
      return (s) => s.nsp !== undefined && glob.test(s.nsp);
    }
    case 'event': {
      const glob = globRegex(value);
      return (s) => s.name !== undefined && glob.test(s.name);
    }
    case 'engine':
      if (!(ENGINE_PACKET_TYPES as readonly string[]).includes(value))
        throw new FilterError(
          `engine:${value}: not an Engine.IO packet type (${ENGINE_PACKET_TYPES.join(' ')})`,
        );
      return (s) => s.event.type === 'packet' && s.event.engine === value;
    case 'sid':
      return (s) => s.sessionId?.startsWith(value) ?? false;
    default:
      throw new FilterError(
        `unknown filter key "${key}:" (keys: ${KEYS.join(' ')}); put the term in quotes to search for it`,
      );
  }
}

/** `chat*` -> /^chat.*$/i: `*` any run, `?` one character, everything else literal. */
function globRegex(glob: string): RegExp {
  const body = [...glob]
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'is');
}

/**
 * JSON-like text of a value, cut at `max` characters (with `…`) without serialising the rest: a
 * preview must cost the same for a 10 MB message as for a small one. Binary values (Buffers,
 * Uint8Arrays, the stream's `{ _binary, size }`) show as `<N bytes>`.
 */
export function jsonPreview(value: unknown, max = Infinity): string {
  let out = '';
  let full = false;
  const emit = (s: string) => {
    if (full) return;
    if (out.length + s.length > max) {
      out += s.slice(0, Math.max(0, max - out.length));
      full = true;
    } else out += s;
  };
  const walk = (v: unknown, depth: number): void => {
    if (full) return;
    const size = binarySize(v);
    if (size !== undefined) return emit(`<${size} bytes>`);
    if (typeof v === 'string') return emit(JSON.stringify(v.length > max ? v.slice(0, max) : v));
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return emit('null');
    if (typeof v === 'bigint') return emit(String(v));
    if (v === null || typeof v !== 'object') return emit(JSON.stringify(v));
    if (depth > 32) return emit('…');
    if (Array.isArray(v)) {
      emit('[');
      for (let i = 0; i < v.length && !full; i++) {
        if (i) emit(',');
        walk(v[i], depth + 1);
      }
      return emit(']');
    }
    emit('{');
    let first = true;
    for (const [k, x] of Object.entries(v)) {
      if (full) break;
      if (x === undefined || typeof x === 'function') continue;
      if (!first) emit(',');
      first = false;
      emit(`${JSON.stringify(k)}:`);
      walk(x, depth + 1);
    }
    emit('}');
  };
  walk(value, 0);
  return full ? `${out}…` : out;
}

function binarySize(v: unknown): number | undefined {
  if (v instanceof Uint8Array) return v.byteLength;
  if (v instanceof ArrayBuffer) return v.byteLength;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o._binary === 'string' && typeof o.size === 'number') return o.size;
    if (o.type === 'Buffer' && Array.isArray(o.data) && Object.keys(o).length === 2) return o.data.length;
  }
  return undefined;
}
