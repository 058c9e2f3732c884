/**
 * Whether a text is JSON exactly as `JSON.stringify(JSON.parse(text))` writes it again: what
 * socket.io's own encoder sends. Such a text can stand for its value in the event stream as it is,
 * without parsing and re-encoding it on the relay's path (see wire-args.ts).
 *
 * One pass over the characters, no allocation for the usual value, no recursion (a packet nested
 * 100,000 deep is read like a flat one). It answers `false` whenever it cannot be sure, and the
 * caller then parses as before: whitespace, escapes JSON.stringify would not write (`\/`, `\u00e9`,
 * upper-case hex), numbers not in their shortest form (`1.0`, `-0`, `1e2`), duplicate keys (the last
 * wins in JSON.parse), keys that are array indices (JSON.parse puts them first), lone surrogates,
 * objects of more than MAX_KEYS keys, and anything that is not JSON at all.
 */

/** Keys per object compared for duplicates; a bigger object is parsed instead (rare on the wire). */
const MAX_KEYS = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

/** Containers open at the scan position: 1 an array, 2 an object; and where each object's keys start. */
let kinds = new Uint8Array(64);
let keysFrom = new Int32Array(64);
/** Start and end (exclusive) of the keys of the open objects, innermost last. */
let keyStart = new Int32Array(256);
let keyEnd = new Int32Array(256);

/** `text.slice(from)` is one canonical JSON value. */
export function isCanonicalJson(text: string, from = 0): boolean {
  const end = text.length;
  let i = from;
  let depth = 0;
  let keys = 0;
  for (;;) {
    // A value starts at i.
    if (i >= end) return false;
    const c = text.charCodeAt(i);
    if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (depth === kinds.length) grow();
      kinds[depth] = c === OPEN_ARRAY ? 1 : 2;
      keysFrom[depth] = keys;
      depth++;
      i++;
      const close = c === OPEN_ARRAY ? CLOSE_ARRAY : CLOSE_OBJECT;
      if (text.charCodeAt(i) === close) {
        depth--;
        i++;
      } else if (c === OPEN_OBJECT) {
        i = key(text, i, depth, keys);
        if (i < 0) return false;
        keys++;
        continue;
      } else continue;
    } else if (c === QUOTE) {
      i = string(text, i);
      if (i < 0) return false;
    } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
      i = number(text, i);
      if (i < 0) return false;
    } else if (c === 0x74 /* t */) {
      if (!text.startsWith('true', i)) return false;
      i += 4;
    } else if (c === 0x66 /* f */) {
      if (!text.startsWith('false', i)) return false;
      i += 5;
    } else if (c === 0x6e /* n */) {
      if (!text.startsWith('null', i)) return false;
      i += 4;
    } else return false;

    // After a value: the next one in its container, or the container's end.
    for (;;) {
      if (depth === 0) return i === end;
      const next = text.charCodeAt(i);
      const inObject = kinds[depth - 1] === 2;
      if (next === COMMA) {
        i++;
        if (inObject) {
          if (keys - keysFrom[depth - 1]! >= MAX_KEYS) return false;
          i = key(text, i, depth, keys);
          if (i < 0) return false;
          keys++;
        }
        break;
      }
      if (next !== (inObject ? CLOSE_OBJECT : CLOSE_ARRAY)) return false;
      i++;
      depth--;
      keys = keysFrom[depth]!;
    }
  }
}

/**
 * An object's key at `i` and its colon: the position of its value, or -1. A key seen before in the
 * same object, or one that JSON.parse would move to the front (an array index), is not canonical.
 */
function key(text: string, i: number, depth: number, keys: number): number {
  if (text.charCodeAt(i) !== QUOTE) return -1;
  const first = text.charCodeAt(i + 1);
  if (first >= ZERO && first <= NINE) return -1;
  const stop = string(text, i);
  if (stop < 0 || text.charCodeAt(stop) !== COLON) return -1;
  const length = stop - i;
  for (let k = keysFrom[depth - 1]!; k < keys; k++) {
    if (keyEnd[k]! - keyStart[k]! === length && sameText(text, keyStart[k]!, i, length)) return -1;
  }
  if (keys === keyStart.length) growKeys();
  keyStart[keys] = i;
  keyEnd[keys] = stop;
  return stop + 1;
}

function sameText(text: string, a: number, b: number, length: number): boolean {
  for (let n = 0; n < length; n++) if (text.charCodeAt(a + n) !== text.charCodeAt(b + n)) return false;
  return true;
}

/** A string at `i` (its opening quote), escaped as JSON.stringify escapes: the position after it, or -1. */
function string(text: string, i: number): number {
  const end = text.length;
  for (i++; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    if (c < 0x20) return -1;
    if (c === BACKSLASH) {
      const e = text.charCodeAt(++i);
      if (e === 0x75 /* u */) {
        // JSON.stringify writes \u00xx (lower case) for the control characters without a short form.
        if (text.charCodeAt(i + 1) !== ZERO || text.charCodeAt(i + 2) !== ZERO) return -1;
        const hi = text.charCodeAt(i + 3);
        const lo = text.charCodeAt(i + 4);
        const loValue = lo >= ZERO && lo <= NINE ? lo - ZERO : lo >= 0x61 && lo <= 0x66 ? lo - 0x57 : -1;
        if ((hi !== ZERO && hi !== 0x31) || loValue < 0) return -1;
        const code = (hi - ZERO) * 16 + loValue;
        if (code === 8 || code === 9 || code === 10 || code === 12 || code === 13) return -1;
        i += 4;
      } else if (
        e !== QUOTE &&
        e !== BACKSLASH &&
        e !== 0x62 /* b */ &&
        e !== 0x66 /* f */ &&
        e !== 0x6e /* n */ &&
        e !== 0x72 /* r */ &&
        e !== 0x74 /* t */
      )
        return -1;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // A pair is written as it is; JSON.stringify escapes a lone surrogate.
      if (c >= 0xdc00) return -1;
      const low = text.charCodeAt(i + 1);
      if (!(low >= 0xdc00 && low <= 0xdfff)) return -1;
      i++;
    }
  }
  return -1;
}

/** A number at `i`, as JSON.stringify writes it: the position after it, or -1. */
function number(text: string, i: number): number {
  const start = i;
  if (text.charCodeAt(i) === MINUS) i++;
  const first = text.charCodeAt(i);
  if (first < ZERO || first > NINE) return -1;
  i++;
  if (first !== ZERO) while (isDigit(text.charCodeAt(i))) i++;
  const c = text.charCodeAt(i);
  const integer = c !== 0x2e /* . */ && c !== 0x65 /* e */ && c !== 0x45; /* E */
  if (integer) {
    const digits = i - start - (text.charCodeAt(start) === MINUS ? 1 : 0);
    if (first === ZERO && digits === 1) return text.charCodeAt(start) === MINUS ? -1 : i; // -0 is written 0
    // Up to 15 digits every integer is exact, and written back as it came.
    if (digits <= 15) return i;
  } else {
    if (c === 0x2e) {
      i++;
      if (!isDigit(text.charCodeAt(i))) return -1;
      while (isDigit(text.charCodeAt(i))) i++;
    }
    const e = text.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      i++;
      const sign = text.charCodeAt(i);
      if (sign === 0x2b || sign === MINUS) i++;
      if (!isDigit(text.charCodeAt(i))) return -1;
      while (isDigit(text.charCodeAt(i))) i++;
    }
  }
  // Fractions, exponents, long integers: canonical when the number is written back the same.
  const literal = text.slice(start, i);
  return String(Number(literal)) === literal ? i : -1;
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

/** A copy of `a` twice as long (the rest zero). */
function doubled<T extends Uint8Array | Int32Array>(a: T): T {
  const b = new (a.constructor as new (length: number) => T)(a.length * 2);
  b.set(a);
  return b;
}

function grow(): void {
  kinds = doubled(kinds);
  keysFrom = doubled(keysFrom);
}

function growKeys(): void {
  keyStart = doubled(keyStart);
  keyEnd = doubled(keyEnd);
}
