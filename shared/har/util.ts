/**
 * Small helpers of the HAR export and import: times, URLs and query strings, header and cookie lists,
 * body sizes, and the byte/base64 conversions (atob/btoa: no Buffer, so they run in a browser too).
 */
import type { EioVersion } from '../engineio.js';
import { utf8Length } from '../protocol/bytes.js';
import type { HarCookie, HarEntry, HarNameValue } from './types.js';

export { base64ToBytes, bytesToBase64, latin1ToBytes, utf8Length } from '../protocol/bytes.js';

/** Headers as the `http` events hold them (Node's shape: repeated headers as arrays). */
export type Headers = Record<string, string | string[] | undefined>;

export function entryStart(entry: HarEntry): number {
  const t = Date.parse(entry?.startedDateTime ?? '');
  return Number.isFinite(t) ? t : 0;
}

export function isoTime(ms: number): string {
  const d = new Date(Number.isFinite(ms) ? ms : 0);
  return Number.isNaN(d.getTime()) ? new Date(0).toISOString() : d.toISOString();
}

export function eioOfUrl(url: string): EioVersion | undefined {
  const v = queryParam(url, 'EIO');
  return v === '3' ? 3 : v === '4' ? 4 : undefined;
}

export function queryParam(url: string, name: string): string | null {
  try {
    return new URL(url, 'http://x').searchParams.get(name);
  } catch {
    return null;
  }
}

export function queryOf(url: string): HarNameValue[] {
  try {
    return [...new URL(url).searchParams.entries()].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

export function headerValue(headers: Headers, name: string): string | undefined {
  const v = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export function toNameValues(headers: Headers): HarNameValue[] {
  const out: HarNameValue[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.push({ name, value: String(v) });
  }
  return out;
}

/** Header lists as Node gives them: lower-case names, repeated headers as arrays. */
export function fromNameValues(list: readonly HarNameValue[]): Headers {
  const out: Headers = {};
  for (const h of list) {
    if (typeof h?.name !== 'string') continue;
    const name = h.name.toLowerCase();
    const value = String(h.value ?? '');
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

export function requestCookies(headers: Headers): HarCookie[] {
  const cookie = headerValue(headers, 'cookie');
  if (!cookie) return [];
  return cookie
    .split(';')
    .map((c) => c.trim())
    .filter(Boolean)
    .map((c) => {
      const eq = c.indexOf('=');
      return eq === -1 ? { name: c, value: '' } : { name: c.slice(0, eq), value: c.slice(eq + 1) };
    });
}

export function responseCookies(headers: Headers): HarCookie[] {
  const raw = headers['set-cookie'];
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return list.map((line) => {
    const [pair = '', ...attrs] = line.split(';');
    const eq = pair.indexOf('=');
    const cookie: HarCookie = {
      name: (eq === -1 ? pair : pair.slice(0, eq)).trim(),
      value: eq === -1 ? '' : pair.slice(eq + 1).trim(),
    };
    for (const attr of attrs) {
      const [k = '', ...v] = attr.trim().split('=');
      const key = k.toLowerCase();
      const value = v.join('=');
      if (key === 'path') cookie.path = value;
      else if (key === 'domain') cookie.domain = value;
      else if (key === 'expires') cookie.expires = value;
      else if (key === 'httponly') cookie.httpOnly = true;
      else if (key === 'secure') cookie.secure = true;
    }
    return cookie;
  });
}

export function isBinaryMime(mime: string | undefined): boolean {
  return String(mime ?? '').startsWith('application/octet-stream');
}

/** Bytes of a body held as text: latin1 (one char a byte) for binary bodies, else UTF-8. */
export function bodyBytes(body: string, headers: Headers): number {
  return isBinaryMime(headerValue(headers, 'content-type')) ? body.length : utf8Length(body);
}
