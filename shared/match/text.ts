/**
 * What "the text matches" means, for every matcher: the `text` field of a rule or a `waitFor`, a bare
 * word of `--filter`, the panel's filter bar and the proxy's `GET /api/search`. One definition, so
 * that a packet the proxy finds in a full payload is one the panel would have matched had it held the
 * whole payload. `/re/flags` is a regex; anything else is case-insensitive text. Either is tested
 * against the event name and against the packet's text (for a packet, its args' JSON; which text
 * exactly is the host's: `searchesArgs` for the stream's packets, event-text.ts for the bus's).
 */
import { escapeRegex, parseRegex, quote } from './pattern.js';

export type TextQuery = { re: RegExp; regex: boolean } | { error: string };

/** The filter text as a RegExp; undefined for blank text, `{ error }` for an invalid regex. */
export function parseTextQuery(text: string): TextQuery | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  try {
    const re = parseRegex(trimmed);
    if (re) return { re, regex: true };
  } catch (err) {
    return { error: `invalid regex: ${(err as Error).message}` };
  }
  return { re: new RegExp(escapeRegex(trimmed), 'i'), regex: false };
}

/** What decides a packet's searched text; the panel's rows and the proxy's stored payloads both have it. */
export interface SearchedFields {
  data?: string;
  /** Only whether it is present matters: a binary message, whose `data` is only `<N bytes>`. */
  binary?: unknown;
  sio?: { args?: unknown };
}

/**
 * Whether a packet is searched by its args' JSON rather than by `data` (the Socket.IO packet as
 * encoded, which holds the args' JSON as sent): only binary messages, and packets without `data`.
 */
export function searchesArgs(p: SearchedFields): boolean {
  return (p.data === undefined || p.binary !== undefined) && p.sio?.args !== undefined;
}

/**
 * The text test of a packet: the event name first (cheap and short), then the packet's text, which
 * `textOf` builds only when needed (a binary message's args' JSON costs a stringify).
 */
export function packetMatches<P>(
  re: RegExp,
  event: string | undefined,
  packet: P,
  textOf: (packet: P) => string,
): boolean {
  return re.test(event ?? '') || re.test(textOf(packet));
}

/** Why `re` matched (or not): where, with a little of the text around it, for a reason in the UI. */
export function describeTextMatch(re: RegExp, what: string, event: string | undefined, text: string): string {
  const inName = event === undefined ? null : re.exec(event);
  if (inName) return `event name ${quote(event)} matches ${what}`;
  const m = re.exec(text);
  if (!m) return `text does not match ${what}`;
  const from = Math.max(0, m.index - 20);
  const to = Math.min(text.length, m.index + m[0].length + 20);
  const around = `${from > 0 ? '…' : ''}${text.slice(from, to)}${to < text.length ? '…' : ''}`;
  return `text matches ${what} at ${m.index}: ${around}`;
}
