/**
 * Binary attachments for the composer: bytes typed as hex or read from a file become the args
 * language's placeholder, `{ "_binary": base64, "size": N }` (lib/args-json.ts), appended to the args
 * as one more argument, which the proxy sends as a real binary attachment.
 */
import { formatArgs, parseArgs } from './args-json.js';

export type HexParse = { ok: true; bytes: Uint8Array } | { ok: false; error: string };

/** Hex as people paste it: `01 02 ff`, `0x01,0x02`, `01:02:ff` or `0102ff`. */
export function parseHex(text: string): HexParse {
  const digits = text.replace(/0x/gi, '').replace(/[\s,:-]/g, '');
  if (digits === '') return { ok: false, error: 'no bytes' };
  if (!/^[0-9a-f]*$/i.test(digits)) return { ok: false, error: 'hex digits only (0-9, a-f)' };
  if (digits.length % 2 !== 0) return { ok: false, error: `odd number of hex digits (${digits.length})` };
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  return { ok: true, bytes };
}

/** The args language's binary placeholder for `bytes`. */
export function binaryPlaceholder(bytes: Uint8Array): { _binary: string; size: number } {
  let s = '';
  // In chunks: String.fromCharCode(...) of a large file would overflow the argument limit.
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { _binary: btoa(s), size: bytes.length };
}

/** `argsText` with `value` appended as the last argument; undefined when the text is not valid args. */
export function appendArg(argsText: string, value: unknown): string | undefined {
  const parsed = parseArgs(argsText);
  return parsed.ok ? formatArgs([...parsed.args, value]) : undefined;
}
