/**
 * Derived data for the views, computed from the model. Pure functions of the model; the views memoise
 * them on the revision of the slices they read (see slices.ts).
 */
import { CLIENT_REASONS, SERVER_REASONS } from '../../../shared/disconnect-reasons.js';
import type { AttemptView, ClientView, Problem, RoomView, SessionView } from './model.js';
import type { PanelModel } from './reduce.js';
import type { RowList } from './filtered-view.js';
import { UNKNOWN_CLIENT } from './sessions.js';

export interface ClientGroup {
  client: ClientView;
  /** Oldest first. */
  sessions: SessionView[];
  /** A session of the client is open. */
  live: boolean;
}

/** Clients in the order they first appeared (stable while traffic flows); the unknown client last. */
export function clientGroups(model: PanelModel): ClientGroup[] {
  const groups: ClientGroup[] = [];
  for (const client of model.clients.values()) {
    const sessions = client.sessionIds
      .map((id) => model.sessions.get(id))
      .filter((s): s is SessionView => s !== undefined && s.clientKey === client.clientKey);
    if (sessions.length === 0 && client.attempts.length === 0) continue;
    groups.push({ client, sessions, live: sessions.some((s) => s.endedAt === undefined) });
  }
  return groups.sort(
    (a, b) =>
      Number(a.client.clientKey === UNKNOWN_CLIENT) - Number(b.client.clientKey === UNKNOWN_CLIENT) ||
      a.client.firstAt - b.client.firstAt,
  );
}

/** The session's user agent and address, from its handshake (X-Forwarded-For first). */
export function clientIdentity(s: SessionView): { address?: string; userAgent?: string } {
  const h = s.handshake;
  if (!h) return {};
  const ua = h.headers['user-agent'];
  const fwd = h.headers['x-forwarded-for'];
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const address = first(fwd)?.split(',')[0]?.trim() || h.address || undefined;
  const userAgent = first(ua);
  return { ...(address ? { address } : {}), ...(userAgent ? { userAgent } : {}) };
}

/** Short client label: the `client` query parameter a demo or app may set, else the user agent's product. */
export function clientLabel(group: ClientGroup): string {
  if (group.client.clientKey === UNKNOWN_CLIENT) return 'sessions without a handshake';
  const s = group.sessions[group.sessions.length - 1];
  const named = s?.handshake?.query.client ?? s?.handshake?.query.name;
  if (named) return named;
  const ua = s ? clientIdentity(s).userAgent : undefined;
  if (ua) return shortUserAgent(ua);
  // In-page capture cannot read the user agent: the endpoint the client connects to says more
  // than its key (a document id, cut to "client apwu08:1…").
  const endpoint = s?.target && s.handshake ? endpointOf(s.target, s.handshake.url) : undefined;
  // Clients of one endpoint in one page are numbered in their key (` #2`): keep it in the name.
  return endpoint
    ? endpoint + (/ #\d+$/.exec(group.client.clientKey)?.[0] ?? '')
    : `client ${group.client.clientKey}`;
}

/** `127.0.0.1:3000/socket.io/`: the target's host and the handshake's path. */
function endpointOf(target: string, url: string): string | undefined {
  try {
    return new URL(url, target).host + new URL(url, target).pathname;
  } catch {
    return undefined;
  }
}

export function shortUserAgent(ua: string): string {
  const browser = /(Edg|Firefox|Chrome|Safari)\/(\d+)/.exec(ua);
  if (browser) return `${browser[1] === 'Edg' ? 'Edge' : browser[1]} ${browser[2]}`;
  return ua.split(/[\s(]/)[0] ?? ua;
}

export type SessionState =
  { kind: 'connected' } | { kind: 'connecting' } | { kind: 'closed'; reason: string; description?: string };

export function sessionState(s: SessionView): SessionState {
  if (s.close) {
    return {
      kind: 'closed',
      reason: s.close.clientReason,
      ...(s.close.description ? { description: s.close.description } : {}),
    };
  }
  return Object.values(s.namespaces).some((n) => n.state === 'connected')
    ? { kind: 'connected' }
    : { kind: 'connecting' };
}

export function sessionDuration(s: SessionView, now: number): number {
  return Math.max(0, (s.endedAt ?? Math.max(now, s.lastAt)) - s.startedAt);
}

/** The attempt recovered the previous session's state (connection state recovery). */
export function attemptRecovered(model: PanelModel, a: AttemptView): boolean {
  const s = a.sessionId ? model.sessions.get(a.sessionId) : undefined;
  return s ? Object.values(s.namespaces).some((n) => n.recovered) : false;
}

/**
 * What the client did after `session` ended: its attempts from then on, up to and including the
 * first that connected (a reconnect loop shows whole, up to `max`).
 */
export function attemptsAfter(client: ClientView | undefined, session: SessionView, max = 20): AttemptView[] {
  const end = session.endedAt;
  if (!client || end === undefined) return [];
  const out: AttemptView[] = [];
  for (const a of client.attempts) {
    if (a.ts < end || a.sessionId === session.sid) continue;
    out.push(a);
    if (a.outcome === 'connected' || out.length >= max) break;
  }
  return out;
}

export interface ReasonExplained {
  clientReason: string;
  clientText?: string;
  serverReason: string;
  serverText?: string;
  /** Whether socket.io-client reconnects by itself after the client-side reason. */
  reconnects?: boolean;
}

/** `active`, when the proxy knows it, beats the reason table (see CloseEvent.active). */
export function explainReasons(
  clientReason: string,
  serverReason: string,
  active?: boolean,
): ReasonExplained {
  const c = CLIENT_REASONS[clientReason];
  const s = SERVER_REASONS[serverReason];
  return {
    clientReason,
    serverReason,
    ...(c ? { clientText: c.description, reconnects: active ?? c.reconnects } : {}),
    ...(s ? { serverText: s } : {}),
  };
}

/** Rooms, sorted by namespace and name; a socket's own room only when asked for. */
export function roomList(model: PanelModel, withOwn: boolean): RoomView[] {
  return [...model.rooms.values()]
    .filter((r) => withOwn || !r.own)
    .sort((a, b) => a.nsp.localeCompare(b.nsp) || a.room.localeCompare(b.room));
}

/** The rooms a socket is in: by socket id (admin-ui) or by its session (inferred groups). */
export function roomsOf(
  model: PanelModel,
  sid: string,
  socketId: string | undefined,
  nsp: string,
): RoomView[] {
  return [...model.rooms.values()].filter(
    (r) =>
      r.nsp === nsp &&
      (r.memberKind === 'socket'
        ? socketId !== undefined && r.members.includes(socketId)
        : r.members.includes(sid)),
  );
}

/** Problems, the most recent first. */
export function problemList(model: PanelModel): Problem[] {
  return model.problems.list().sort((a, b) => b.lastTs - a.lastTs);
}

/** The problems of one kind, as the Problems view groups them. */
export interface ProblemGroup {
  kind: string;
  /** `error` when any of them is. */
  severity: Problem['severity'];
  /** Occurrences, repeats included. */
  count: number;
  firstTs: number;
  lastTs: number;
  /** The most recent first. */
  problems: Problem[];
}

/** `problems` (the most recent first) grouped by kind, the kind seen most recently first. */
export function problemGroups(problems: readonly Problem[]): ProblemGroup[] {
  const groups = new Map<string, ProblemGroup>();
  for (const p of problems) {
    const g = groups.get(p.kind);
    if (!g) {
      groups.set(p.kind, {
        kind: p.kind,
        severity: p.severity,
        count: p.count,
        firstTs: p.ts,
        lastTs: p.lastTs,
        problems: [p],
      });
      continue;
    }
    g.problems.push(p);
    g.count += p.count;
    g.firstTs = Math.min(g.firstTs, p.ts);
    g.lastTs = Math.max(g.lastTs, p.lastTs);
    if (p.severity === 'error') g.severity = 'error';
  }
  return [...groups.values()];
}

/**
 * Where "jump to seq N" lands in a list of packet rows: the row of N itself, else the nearest packet
 * before it (an `error` or `close` event has no row of its own; the packet just before is the
 * context), else the first after. `undefined` when the list is empty.
 */
export function jumpIndex(list: RowList, seq: number): number | undefined {
  if (list.length === 0) return undefined;
  const i = list.indexOfSeq(seq);
  if (list.at(i)?.e.seq === seq) return i;
  return i > 0 ? i - 1 : 0;
}
