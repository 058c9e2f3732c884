/**
 * The `--filter` text syntax, read into an event filter (event-filter.ts): a list of terms separated
 * by spaces, every one of which must match.
 *
 *   type:connect   the event type: session packet upgrade drain http close connect connect_error
 *                  disconnect ack room attempt error dropped
 *   dir:s2c        the direction (packets and acks); `s2c` and `c2s` alone mean the same
 *   nsp:/admin     the Socket.IO namespace (a glob, like event:)
 *   event:chat*    the event name, a glob: `*` any run of characters, `?` one character
 *   engine:ping    the Engine.IO packet type: open close ping pong message upgrade noop
 *   sid:3fA9       the Engine.IO session id starts with this
 *   chat           a bare word: the event name contains it, or the event's text does (the args of a
 *                  packet, the auth of a connect, the message of an error, the URL of an http event)
 *   /ro+m/i        a regular expression over that same name and text (flags after the closing slash)
 *   -term          any term, negated: `-engine:ping -engine:pong` hides heartbeats
 *   "a b"          double quotes keep spaces in a term, also after a key: `event:"chat message"`
 *
 * Words and globs ignore case; a regular expression follows its own flags. A term with an unknown
 * key (`evnt:x`) is an error rather than a search for that text: quote it to search for it.
 * Globs and prefixes become regexes in the data: `event:chat*` is
 * `{ event: { regex: '^chat.*$', flags: 'is' } }`.
 */
import { MatchError } from './errors.js';
import { compileEventFilter, type EventFilter } from './event-filter.js';
import { escapeRegex, type RegexValue } from './pattern.js';

/** A `--filter` expression that cannot be read; `field` is the term's key, or `filter`. */
export class FilterError extends MatchError {
  override readonly name = 'FilterError';
  constructor(field: string, message: string) {
    super(field, message, field, message);
  }
}

const KEYS = ['type', 'dir', 'nsp', 'event', 'engine', 'sid'] as const;

/** The filter an expression says (`{}` for a blank one: everything). Throws FilterError. */
export function parseFilterExpr(expr: string | undefined): EventFilter {
  const clauses: EventFilter[] = [];
  for (const token of tokenize(expr ?? '')) {
    const term = clause(token);
    if (!term) continue;
    try {
      compileEventFilter(term.filter);
    } catch (err) {
      if (err instanceof MatchError) throw new FilterError(term.key, `${term.source}: ${err.reason}`);
      throw err;
    }
    clauses.push(token.negated ? { not: term.filter } : term.filter);
  }
  if (clauses.length === 0) return {};
  return clauses.length === 1 ? (clauses[0] as EventFilter) : { all: clauses };
}

interface Token {
  text: string;
  negated: boolean;
  /** Quoted as a whole: always a word, never `key:value`. */
  quoted: boolean;
  /** A `/regex/flags` term: its body and flags. */
  regex?: { body: string; flags: string };
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
      if (j >= expr.length)
        throw new FilterError('filter', `unterminated regular expression: ${expr.slice(i)}`);
      j++;
      let flags = '';
      while (j < expr.length && /[a-z]/i.test(expr[j] ?? '')) flags += expr[j++];
      out.push({ text: expr.slice(i, j), negated, quoted: false, regex: { body, flags } });
      i = j;
      continue;
    }
    let text = '';
    let quoted = false;
    let sawQuote = false;
    while (i < expr.length && !/\s/.test(expr[i] ?? '')) {
      if (expr[i] === '"') {
        const end = expr.indexOf('"', i + 1);
        if (end === -1) throw new FilterError('filter', `unterminated quote: ${expr.slice(i)}`);
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

interface Clause {
  filter: EventFilter;
  /** The field at fault if the clause is rejected, and the term as written, for the message. */
  key: string;
  source: string;
}

function clause(token: Token): Clause | undefined {
  const { text } = token;
  if (token.regex) {
    const { body, flags } = token.regex;
    if (!/^[a-z]*$/.test(flags)) throw new FilterError('text', `${text}: invalid regex flags "${flags}"`);
    return { filter: { text: `/${body || '(?:)'}/${flags}` }, key: 'text', source: text };
  }
  if (!token.quoted) {
    if (text === 'c2s' || text === 's2c') return { filter: { direction: text }, key: 'dir', source: text };
    const colon = text.indexOf(':');
    const key = colon > 0 ? text.slice(0, colon) : '';
    if (/^[a-z]+$/i.test(key)) {
      const value = text.slice(colon + 1);
      return { filter: keyed(key.toLowerCase(), value), key: key.toLowerCase(), source: `${key}:${value}` };
    }
  }
  if (text === '') return undefined;
  if (/[*?]/.test(text)) return { filter: { event: globPattern(text) }, key: 'event', source: text };
  // Text that would read as a regex, or lose its spaces to the trim, is searched for as written.
  const literal = /^\/.+\/[a-z]*$/s.test(text) || text !== text.trim();
  const escaped = escapeRegex(text).replace(/\//g, '\\/');
  return { filter: { text: literal ? `/${escaped}/i` : text }, key: 'text', source: text };
}

function keyed(key: string, value: string): EventFilter {
  switch (key) {
    case 'type':
      return { type: value as EventFilter['type'] & string };
    case 'dir':
      return { direction: value as EventFilter['direction'] & string };
    case 'nsp':
      return { nsp: globPattern(value) };
    case 'event':
      return { event: globPattern(value) };
    case 'engine':
      return { engine: value as EventFilter['engine'] & string };
    case 'sid':
      return { sessionId: { regex: `^${escapeRegex(value)}` } };
    default:
      throw new FilterError(
        key,
        `unknown filter key "${key}:" (keys: ${KEYS.join(' ')}); put the term in quotes to search for it`,
      );
  }
}

/** `chat*` -> `^chat.*$`: `*` any run, `?` one character, everything else literal, any case. */
function globPattern(glob: string): RegexValue {
  const body = [...glob].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : escapeRegex(c))).join('');
  return { regex: `^${body}$`, flags: /[*?]/.test(glob) ? 'is' : 'i' };
}
