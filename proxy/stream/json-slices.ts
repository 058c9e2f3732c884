/**
 * `JSON.stringify(value)` a slice at a time: the text, in pieces of about `sliceChars`, so that a
 * caller can write one and give the loop a turn before the next. Needed where one value is big as a
 * whole though made of small parts: a HAR entry of a WebSocket holds every message of its session
 * (`_webSocketMessages`), and one `JSON.stringify` of a 30 000-message entry held the relay's thread
 * for 0.7 s under the crowd test (docs/performance.md, "Isolation").
 *
 * Arrays of many elements, and every array and plain object near the top, are walked; the rest is
 * given to JSON.stringify whole. Same text as JSON.stringify for JSON data: keys whose value is
 * undefined, a function or a symbol are left out of objects, and such values become `null` in arrays.
 */
export function* jsonSlices(value: unknown, sliceChars: number): Generator<string> {
  let slice = '';
  for (const piece of pieces(value)) {
    slice += piece;
    if (slice.length < sliceChars) continue;
    yield slice;
    slice = '';
  }
  if (slice) yield slice;
}

/** Arrays of this many elements are walked at any depth (a session's messages)... */
const WALK_FROM = 16;
/** ... and every array and object down to this depth (where such an array may sit: log.entries[i]). */
const WALK_DEPTH = 4;

function* pieces(value: unknown, depth = 0): Generator<string> {
  if (Array.isArray(value) && (depth < WALK_DEPTH || value.length >= WALK_FROM)) {
    yield '[';
    for (let i = 0; i < value.length; i++) {
      if (i) yield ',';
      const item: unknown = value[i];
      if (omitted(item)) yield 'null';
      else yield* pieces(item, depth + 1);
    }
    return yield ']';
  }
  if (depth < WALK_DEPTH && isPlainObject(value)) {
    yield '{';
    let first = true;
    for (const [key, item] of Object.entries(value)) {
      if (omitted(item)) continue;
      yield `${first ? '' : ','}${JSON.stringify(key)}:`;
      first = false;
      yield* pieces(item, depth + 1);
    }
    return yield '}';
  }
  // JSON.stringify gives undefined only for what is omitted; here that lands in an array: null.
  yield JSON.stringify(value) ?? 'null';
}

/** Values JSON.stringify leaves out of an object. */
const omitted = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || 'toJSON' in v) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}
