/**
 * The value of a string field: the exact string, or `/regex/flags`. One reading for every field of
 * every matcher (a rule's `event`, a `waitFor`'s `nsp`, the panel's session), so that `"/^chat/i"`
 * means the same wherever it is written.
 */

export const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `/abc/i` as a RegExp; undefined when `text` is not written as a regex. Throws when it is invalid. */
export function parseRegex(text: string): RegExp | undefined {
  const m = /^\/(.+)\/([a-z]*)$/s.exec(text);
  if (!m) return undefined;
  // `g` and `y` make `test` stateful (lastIndex): never wanted for filtering.
  return new RegExp(m[1] as string, (m[2] as string).replace(/[gy]/g, ''));
}

export interface Pattern {
  /** Whether a value matches; an absent value never does. */
  test(value: string | undefined): boolean;
  /** Set when the pattern is a regex. */
  regex?: RegExp;
}

/** Throws a SyntaxError (with the engine's words) for an invalid regex. */
export function compilePattern(value: string): Pattern {
  const regex = parseRegex(value);
  if (!regex) return { test: (v) => v === value };
  return { test: (v) => v !== undefined && regex.test(v), regex };
}

/** A value as a reason shows it: strings quoted and cut, so that a long payload cannot flood a tooltip. */
export function quote(value: unknown, max = 60): string {
  if (typeof value !== 'string') return String(value);
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}
