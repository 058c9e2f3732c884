/**
 * The args editor's language: a JSON array of an event's arguments (as `socket.emit(name, ...args)`
 * takes them), binary attachments written as the stream writes them, `{ "_binary": base64, "size": N }`.
 * Checked as the person types, so the editor can say what is wrong before anything is sent.
 */

export type ArgsParse = { ok: true; args: unknown[] } | { ok: false; error: string };

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Parses the editor's text; an empty text is no args. */
export function parseArgs(text: string): ArgsParse {
  if (text.trim() === '') return { ok: true, args: [] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `invalid JSON: ${(err as Error).message}` };
  }
  if (!Array.isArray(value)) return { ok: false, error: 'expected a JSON array of arguments: [ ... ]' };
  const bad = badBinary(value, 'args');
  return bad ? { ok: false, error: bad } : { ok: true, args: value };
}

/** The editor's text for `args` (what the API or the stream gave); undefined args: none. */
export function formatArgs(args: unknown): string {
  if (args === undefined) return '[]';
  return JSON.stringify(Array.isArray(args) ? args : [args], null, 2);
}

/** Where a `_binary` placeholder is malformed, in words; undefined when all are well formed. */
function badBinary(value: unknown, path: string): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = badBinary(value[i], `${path}[${i}]`);
      if (bad) return bad;
    }
    return undefined;
  }
  const obj = value as Record<string, unknown>;
  if ('_binary' in obj) {
    const b64 = obj._binary;
    if (typeof b64 !== 'string' || b64.length % 4 !== 0 || !BASE64.test(b64))
      return `${path}._binary: expected base64 text`;
    const bytes = (b64.length / 4) * 3 - (b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0);
    if (obj.size !== undefined && obj.size !== bytes)
      return `${path}.size: ${String(obj.size)} but _binary holds ${bytes} bytes`;
    return undefined;
  }
  for (const [k, v] of Object.entries(obj)) {
    const bad = badBinary(v, `${path}.${k}`);
    if (bad) return bad;
  }
  return undefined;
}
