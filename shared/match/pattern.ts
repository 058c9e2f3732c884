/**
 * The value of a string field: the exact string, `/regex/flags`, or `{ regex, flags }`. One reading
 * for every field of every matcher (a rule's `event`, a `waitFor`'s `sessionId`, the panel's session),
 * so that `"/^chat/i"` means the same wherever it is written.
 */

export const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A regex written as data: for `nsp` and `url`, whose values start with a slash and so are always
 * exact as strings, and wherever escaping slashes would be a nuisance.
 */
export interface RegexValue {
  regex: string;
  flags?: string;
}

/** The value of a string field: exact, `/regex/flags`, or `{ regex, flags }`. */
export type StringValue = string | RegexValue;

export function isRegexValue(v: unknown): v is RegexValue {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const { regex, flags, ...rest } = v as Record<string, unknown>;
  return (
    typeof regex === 'string' &&
    (flags === undefined || typeof flags === 'string') &&
    Object.keys(rest).length === 0
  );
}

// `g` and `y` make `test` stateful (lastIndex): never wanted for matching.
const toRegex = (source: string, flags: string) => new RegExp(source, flags.replace(/[gy]/g, ''));

/** `/abc/i` as a RegExp; undefined when `text` is not written as a regex. Throws when it is invalid. */
export function parseRegex(text: string): RegExp | undefined {
  const m = /^\/(.+)\/([a-z]*)$/s.exec(text);
  return m ? toRegex(m[1] as string, m[2] as string) : undefined;
}

/**
 * The regex a value asks for; undefined for an exact string (every string, when `literal`).
 * Throws a SyntaxError (in the engine's words) for an invalid regex.
 */
export function valueRegex(value: StringValue, literal = false): RegExp | undefined {
  if (typeof value !== 'string') return toRegex(value.regex, value.flags ?? '');
  return literal ? undefined : parseRegex(value);
}

/** A value as a reason shows it: strings quoted and cut, so that a long payload cannot flood a tooltip. */
export function quote(value: unknown, max = 60): string {
  if (typeof value !== 'string') return String(value);
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}
