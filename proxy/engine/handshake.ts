/**
 * The open packet reaches the client as the target wrote it, with one exception: transports the proxy
 * cannot terminate (WebTransport needs HTTP/3) are removed from `upgrades`, so the client never tries
 * an upgrade that would fail only because of the proxy.
 */
import type { EioVersion } from '../../shared/engineio.js';

const SUPPORTED_UPGRADES = new Set(['websocket', 'polling']);

export interface OpenRewrite {
  /** The open packet's data (JSON text) to send to the client. */
  data: string;
  hidden: string[];
}

export function rewriteOpenData(data: string): OpenRewrite {
  let parsed: { upgrades?: unknown };
  try {
    parsed = JSON.parse(data) as { upgrades?: unknown };
  } catch {
    return { data, hidden: [] };
  }
  const upgrades = Array.isArray(parsed.upgrades) ? (parsed.upgrades as unknown[]) : [];
  const hidden = upgrades.filter((u): u is string => typeof u === 'string' && !SUPPORTED_UPGRADES.has(u));
  if (hidden.length === 0) return { data, hidden };
  parsed.upgrades = upgrades.filter((u) => typeof u === 'string' && SUPPORTED_UPGRADES.has(u));
  return { data: JSON.stringify(parsed), hidden };
}

/**
 * Rewrites the first packet of a handshake polling body (always the open packet, in text). Returns
 * undefined when nothing needs to change, so the common case relays the body untouched.
 */
export function rewriteHandshakeBody(body: string, eio: EioVersion): OpenRewrite | undefined {
  if (eio === 4) {
    const sep = body.indexOf('\x1e');
    const first = sep === -1 ? body : body.slice(0, sep);
    if (!first.startsWith('0')) return undefined;
    const r = rewriteOpenData(first.slice(1));
    if (r.hidden.length === 0) return undefined;
    return { data: '0' + r.data + (sep === -1 ? '' : body.slice(sep)), hidden: r.hidden };
  }
  // EIO3 text payload: `<length>:<packet>...`, the length counted in characters.
  const m = /^(\d+):/.exec(body);
  if (!m?.[1]) return undefined;
  const len = Number(m[1]);
  const start = m[0].length;
  const first = body.slice(start, start + len);
  if (!first.startsWith('0')) return undefined;
  const r = rewriteOpenData(first.slice(1));
  if (r.hidden.length === 0) return undefined;
  const packet = '0' + r.data;
  return { data: `${packet.length}:${packet}${body.slice(start + len)}`, hidden: r.hidden };
}
