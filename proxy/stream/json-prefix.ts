/**
 * The first characters of a value's JSON, without writing the rest: the preview of a 50 MB message's
 * args used to stringify all 50 MB and keep 4 KB of it (issue #14, finding 4). For the values a
 * JSON.parse makes (and the `{ _binary, size }` stand-ins of attachments) the text is JSON.stringify's,
 * character for character; anything else (a toJSON, a Buffer) is handed to JSON.stringify as it is.
 */

/** `JSON.stringify(value)` when it has at most `max` characters, else (`cut`) its first `max + 1` or more. */
export function jsonPrefix(value: unknown, max: number): { text: string; cut: boolean } {
  const out = new Writer(max);
  try {
    out.value(value, false);
  } catch (err) {
    if (err !== TOO_DEEP) throw err;
    // Nested deeper than a preview should go: JSON.stringify decides, as before, whether such a
    // value can be serialised at all (the stream reports the packet as unobservable when not).
    const whole = JSON.stringify(value);
    return { text: whole, cut: whole.length > max };
  }
  return { text: out.text, cut: out.full };
}

const MAX_DEPTH = 1000;
const TOO_DEEP = new Error('nested too deep for a preview');

class Writer {
  text = '';
  private depth = 0;
  constructor(private readonly max: number) {}

  get full(): boolean {
    return this.text.length > this.max;
  }

  /** Writes `v`; `inArray`: where JSON.stringify writes `null` for what it leaves out elsewhere. */
  value(v: unknown, inArray: boolean): boolean {
    if (this.full) return true;
    switch (typeof v) {
      case 'string':
        // A long string: only as much of it as can still show (escapes only make it longer).
        this.text += JSON.stringify(v.length > this.max ? v.slice(0, this.max + 1) : v);
        return true;
      case 'number':
        this.text += Number.isFinite(v) ? String(v) : 'null';
        return true;
      case 'boolean':
        this.text += v ? 'true' : 'false';
        return true;
      case 'undefined':
      case 'function':
      case 'symbol':
        if (inArray) this.text += 'null';
        return inArray;
      case 'object':
        if (v === null) this.text += 'null';
        else if (Array.isArray(v)) this.array(v);
        else if (isPlain(v)) this.object(v as Record<string, unknown>);
        else this.text += JSON.stringify(v);
        return true;
      default:
        this.text += JSON.stringify(v); // bigint: throws as JSON.stringify does
        return true;
    }
  }

  private array(a: readonly unknown[]): void {
    this.enter();
    this.text += '[';
    for (let i = 0; i < a.length && !this.full; i++) {
      if (i > 0) this.text += ',';
      this.value(a[i], true);
    }
    this.text += ']';
    this.depth--;
  }

  private object(o: Record<string, unknown>): void {
    this.enter();
    this.text += '{';
    let first = true;
    for (const key of Object.keys(o)) {
      if (this.full) break;
      const v = o[key];
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      this.text += `${first ? '' : ','}${JSON.stringify(key)}:`;
      first = false;
      this.value(v, false);
    }
    this.text += '}';
    this.depth--;
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw TOO_DEEP;
  }
}

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return (
    (proto === Object.prototype || proto === null) && typeof (v as { toJSON?: unknown }).toJSON !== 'function'
  );
}
