/**
 * The packet filter: what the filter bar sets, compiled once into a predicate that the filtered view
 * runs over up to 200 000 rows. Cheap field checks come first; the free text is matched last, as a
 * case-insensitive regex over the packet's text as received. That needs no lower-case copy of every
 * payload (measured: about as fast as `indexOf` over cached lower-case copies, without doubling the
 * memory or a slow first search); only binary messages get their args' JSON cached on the row.
 * Packets the stream cut hold only a preview: what the source found in their full payloads
 * (full-search.ts) matches too.
 */
import { escapeRegex, packetMatches, parseTextQuery, searchesArgs } from '../../../shared/text-search.js';
import type { FullSearch } from './full-search.js';
import type { PacketRow } from './packet-store.js';

export type DirectionFilter = 'all' | 'c2s' | 's2c';

export interface PacketFilter {
  direction: DirectionFilter;
  /** Exact namespace, '' for all. */
  namespace: string;
  /** Event name, case-insensitive substring; '' for all. */
  event: string;
  /** Engine.IO session id, '' for all. */
  sessionId: string;
  /** '' for all, `engine:<type>` (`engine:message`) or `sio:<TYPE>` (`sio:EVENT`). */
  type: string;
  /** Free text over the event name and args, or `/regex/flags`. */
  text: string;
  /** Show Engine.IO ping/pong. */
  heartbeats: boolean;
}

export const EMPTY_FILTER: PacketFilter = {
  direction: 'all',
  namespace: '',
  event: '',
  sessionId: '',
  type: '',
  text: '',
  heartbeats: false,
};

export interface CompiledFilter {
  /** Equal keys filter the same rows (the filtered view starts over when the key changes). */
  key: string;
  test(row: PacketRow): boolean;
  /** Why the text was not used (an invalid regex): the filter bar shows it. */
  error?: string;
}

/**
 * The text a packet is searched by (shared/text-search.ts decides which): the encoded Socket.IO packet
 * (`data`) or, for binary messages whose data is only `<N bytes>`, the decoded args, cached on the row.
 */
export function packetText(row: PacketRow): string {
  const e = row.e;
  if (!searchesArgs(e)) return e.data ?? '';
  const args = e.sio?.args;
  return (row.argsText ??= typeof args === 'string' ? args : JSON.stringify(args));
}

/**
 * `search`: what the source found in the full payloads of cut packets (full-search.ts); its rows
 * match too, while it answers the current text.
 */
export function compileFilter(f: PacketFilter, search?: FullSearch): CompiledFilter {
  const checks: ((row: PacketRow) => boolean)[] = [];
  let error: string | undefined;

  if (!f.heartbeats) checks.push((r) => !r.heartbeat);
  if (f.direction !== 'all') {
    const d = f.direction;
    checks.push((r) => r.e.direction === d);
  }
  if (f.sessionId) {
    const sid = f.sessionId;
    checks.push((r) => r.e.sessionId === sid);
  }
  if (f.namespace) {
    const nsp = f.namespace;
    checks.push((r) => r.e.sio?.nsp === nsp);
  }
  if (f.type.startsWith('engine:')) {
    const t = f.type.slice(7);
    checks.push((r) => r.e.engine === t);
  } else if (f.type.startsWith('sio:')) {
    const t = f.type.slice(4);
    checks.push((r) => r.e.sio?.type === t);
  }
  const event = f.event.trim();
  if (event) {
    const re = new RegExp(escapeRegex(event), 'i');
    checks.push((r) => {
      const name = r.e.sio?.event;
      return name !== undefined && re.test(name);
    });
  }

  const text = f.text.trim();
  const query = parseTextQuery(text);
  let searchRev: number | undefined;
  if (query && 'error' in query) error = query.error;
  else if (query) {
    const re = query.re;
    const found = search?.text === text && search.seqs.size > 0 ? search.seqs : undefined;
    if (found) {
      searchRev = search?.rev;
      checks.push((row) => packetMatches(re, row.e.sio?.event, row, packetText) || found.has(row.e.seq));
    } else {
      checks.push((row) => packetMatches(re, row.e.sio?.event, row, packetText));
    }
  }

  const key = JSON.stringify([
    f.heartbeats,
    f.direction,
    f.sessionId,
    f.namespace,
    f.type,
    event,
    error ? '' : text,
    searchRev,
  ]);
  const test =
    checks.length === 0
      ? () => true
      : (row: PacketRow) => {
          for (const check of checks) if (!check(row)) return false;
          return true;
        };
  return error ? { key, test, error } : { key, test };
}

/** Whether a filter hides nothing but heartbeats (the default). */
export function isDefaultFilter(f: PacketFilter): boolean {
  return (
    f.direction === 'all' && !f.namespace && !f.event.trim() && !f.sessionId && !f.type && !f.text.trim()
  );
}
