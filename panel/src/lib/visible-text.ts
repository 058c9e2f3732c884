/**
 * Text from the wire made safe to look at: control and invisible formatting characters become
 * `\uXXXX` escapes. A bidi override in an event name (`\u202Egnp.exe`) would otherwise reverse what
 * follows it on screen ("exe.png"), and a control character would hide or break a row. Joiners
 * (U+200C, U+200D) stay: emoji sequences need them.
 */
// C0 and C1 controls, DEL, the Arabic letter mark, zero-width space, LRM/RLM, line and paragraph
// separators, bidi embeddings/overrides/isolates, invisible operators, deprecated format controls, BOM.
const INVISIBLE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g;

const escape = (c: string) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

export function visibleText(text: string): string {
  return text.replace(INVISIBLE, escape);
}
