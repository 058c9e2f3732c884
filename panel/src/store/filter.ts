/**
 * The packet filter: what the filter bar sets, read as a packet matcher (shared/match, the language
 * of rules too) and compiled once into a predicate that the filtered view runs over up to 200 000
 * rows. Cheap field checks come first; the free text is matched last, as a
 * case-insensitive regex over the packet's text as received. That needs no lower-case copy of every
 * payload (measured: about as fast as `indexOf` over cached lower-case copies, without doubling the
 * memory or a slow first search); only binary messages get their args' JSON cached on the row.
 * Packets the stream cut hold only a preview: what the source found in their full payloads
 * (full-search.ts) matches too.
 */
import { MatchError } from '../../../shared/match/errors.js';
import {
  compilePacketMatchOver,
  type PacketMatch,
  type PacketType,
  type PacketView,
} from '../../../shared/match/packet-match.js';
import { escapeRegex } from '../../../shared/match/pattern.js';
import { searchesArgs } from '../../../shared/match/text.js';
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
  /** Only what the proxy sent of its own or edited (`injected`, `edited`). */
  changed?: boolean;
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
 * The text a packet is searched by (shared/match/text.ts decides which): the encoded Socket.IO packet
 * (`data`) or, for binary messages whose data is only `<N bytes>`, the decoded args, cached on the row.
 */
export function packetText(row: PacketRow): string {
  const e = row.e;
  if (!searchesArgs(e)) return e.data ?? '';
  const args = e.sio?.args;
  return (row.argsText ??= typeof args === 'string' ? args : JSON.stringify(args));
}

/** What the filter bar says, as a packet matcher (shared/match): the bar's event box is a substring. */
export function filterMatch(f: PacketFilter): PacketMatch {
  const event = f.event.trim();
  return {
    heartbeat: f.heartbeats ? undefined : false,
    direction: f.direction === 'all' ? undefined : f.direction,
    session: f.sessionId || undefined,
    nsp: f.namespace || undefined,
    type: (f.type.slice(f.type.indexOf(':') + 1) as PacketType) || undefined,
    event: event ? `/${escapeRegex(event)}/i` : undefined,
    text: f.text.trim() || undefined,
  };
}

const rowView: PacketView<PacketRow> = {
  packet: (r) => r.e,
  text: packetText,
  heartbeat: (r) => r.heartbeat,
};

/**
 * `search`: what the source found in the full payloads of cut packets (full-search.ts); its rows
 * match too, while it answers the current text.
 */
export function compileFilter(f: PacketFilter, search?: FullSearch): CompiledFilter {
  const match = filterMatch(f);
  const text = match.text;
  const found = text !== undefined && search?.text === text && search.seqs.size > 0 ? search.seqs : undefined;
  const view = found ? { ...rowView, textAlso: (r: PacketRow) => found.has(r.e.seq) } : rowView;
  let error: string | undefined;
  let compiled;
  try {
    compiled = compilePacketMatchOver(match, view);
  } catch (err) {
    // Only the text can be invalid here (a bad regex): the bar shows why, and filters without it.
    if (!(err instanceof MatchError)) throw err;
    error = err.reason;
    compiled = compilePacketMatchOver({ ...match, text: undefined }, view);
  }
  const key = JSON.stringify([compiled.spec, found ? search?.rev : undefined, f.changed === true]);
  const matches = compiled.test;
  // Not a matcher field: marks exist only on packets the proxy touched, the panel's own question.
  const test = f.changed
    ? (r: PacketRow) => (r.e.injected === true || r.e.edited === true) && matches(r)
    : matches;
  return error ? { key, test, error } : { key, test };
}

/** Whether a filter hides nothing but heartbeats (the default). */
export function isDefaultFilter(f: PacketFilter): boolean {
  return (
    f.direction === 'all' &&
    !f.namespace &&
    !f.event.trim() &&
    !f.sessionId &&
    !f.type &&
    !f.text.trim() &&
    !f.changed
  );
}
