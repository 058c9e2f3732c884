/**
 * The timeline's lanes, derived from the sessions slice: one lane per client as the stream groups
 * them (clientGroups), each session a bar (its transport, from the upgrade on; its close, by whom and
 * whether socket.io-client comes back by itself), and between two sessions of a client the gap the
 * client waited, with the attempts that failed in it and the number of the one that connected.
 * Pure functions of the model: no drawing here (draw.ts), no viewport (viewport.ts).
 */
import type { Leg } from '../../../../shared/events.js';
import type { AttemptView, SessionView } from '../../store/model.js';
import { explainReasons, type ClientGroup } from '../../store/selectors.js';

export interface SessionClose {
  ts: number;
  /** The leg that ended the session first: who closed it, as far as the proxy can tell. */
  by: Leg;
  /** socket.io-client's reason. */
  reason: string;
  /** socket.io-client reconnects by itself after it (undefined: the reason is not one it knows). */
  reconnects: boolean | undefined;
}

export interface SessionBar {
  sid: string;
  start: number;
  /** Undefined while the session is open. */
  end: number | undefined;
  /** The transport of the handshake. */
  first: 'polling' | 'websocket';
  /** When the client leg switched to WebSocket (the upgrade's success), if it did. */
  upgradedAt: number | undefined;
  close: SessionClose | undefined;
  /** The stream only guessed that this session belongs to this client. */
  guess: boolean;
}

export interface AttemptMark {
  ts: number;
  attempt: number;
  failed: boolean;
  guess: boolean;
  seq: number;
  error?: string;
}

/** The wait between a session's end and the client's next session (or its attempts so far). */
export interface Gap {
  from: number;
  /** The next session's start; for a client still trying, its last attempt (or now). */
  to: number;
  /** The attempts in between, failed ones first, and the one that connected last (if any). */
  attempts: AttemptMark[];
  /** The attempt number that connected, when one did. */
  connectedAttempt: number | undefined;
  failed: number;
  cause: string | undefined;
  /** The reconnect was guessed (a guess joined the next session to this client). */
  guess: boolean;
}

export interface Lane {
  key: string;
  label: string;
  sessions: SessionBar[];
  gaps: Gap[];
  /** Attempts that belong to no gap (a client whose first attempts failed). */
  attempts: AttemptMark[];
  /** Some of the lane is a guess. */
  guess: boolean;
  live: boolean;
}

/** The client leg's successful upgrade, from the session's lifecycle. */
export function upgradedAt(s: SessionView): number | undefined {
  if (s.upgrade?.stage === 'success' && s.upgrade.leg === 'client') return s.upgrade.ts;
  for (const item of s.timeline)
    if (item.kind === 'upgrade' && item.stage === 'success' && item.leg === 'client') return item.ts;
  return s.transport === 'websocket' && s.firstTransport === 'polling' ? s.upgrade?.ts : undefined;
}

/** Who closed the session, with socket.io-client's reason and whether it reconnects by itself. */
export function sessionClose(s: SessionView): SessionClose | undefined {
  const c = s.close;
  if (!c) return undefined;
  // `active` rides on the close event of the leg that ended first, when the proxy knows it.
  let active: boolean | undefined;
  for (const item of s.timeline)
    if (item.kind === 'close' && item.leg === c.first && item.active !== undefined) active = item.active;
  return {
    ts: c.ts,
    by: c.first,
    reason: c.clientReason,
    reconnects: explainReasons(c.clientReason, c.serverReason, active).reconnects,
  };
}

function mark(a: AttemptView): AttemptMark {
  return {
    ts: a.ts,
    attempt: a.attempt,
    failed: a.outcome === 'failed',
    guess: a.confidence === 'guess',
    seq: a.seq,
    ...(a.error !== undefined ? { error: a.error } : {}),
  };
}

/**
 * The lane of one client. `hideGuesses`: what the stream only guessed is left out (guessed
 * attempts, and the gap that would join a guessed session to the one before).
 */
export function laneOf(group: ClientGroup, label: string, now: number, hideGuesses = false): Lane {
  const attempts = hideGuesses
    ? group.client.attempts.filter((a) => a.confidence !== 'guess')
    : group.client.attempts;
  // From every attempt: a session joined by a guess stays a guess when guessed attempts are hidden.
  const guessed = new Set<string>();
  for (const a of group.client.attempts)
    if (a.confidence === 'guess' && a.sessionId !== undefined) guessed.add(a.sessionId);
  const bySession = new Map<string, AttemptView>();
  for (const a of attempts) if (a.sessionId !== undefined) bySession.set(a.sessionId, a);
  const sessions: SessionBar[] = group.sessions.map((s) => ({
    sid: s.sid,
    start: s.startedAt,
    end: s.endedAt,
    first: s.firstTransport,
    upgradedAt: upgradedAt(s),
    close: sessionClose(s),
    guess: guessed.has(s.sid),
  }));
  const gaps: Gap[] = [];
  // Failed attempts before the client's first session (or all of them, when none connected yet).
  const firstStart = sessions[0]?.start ?? Infinity;
  const loose = attempts.filter((a) => a.outcome === 'failed' && a.ts < firstStart).map(mark);
  for (let k = 0; k < sessions.length; k++) {
    const s = sessions[k] as SessionBar;
    if (s.end === undefined) continue;
    const next = sessions[k + 1];
    if (next) {
      const inGap = attempts.filter((a) => a.ts >= (s.end as number) && a.ts <= next.start);
      const connecting = bySession.get(next.sid);
      // A session that is not a reconnect (a new page load under the same key) has no gap to draw.
      if (connecting && connecting.attempt === 0) continue;
      if (hideGuesses && next.guess) continue;
      const failed = inGap.filter((a) => a.outcome === 'failed').map(mark);
      gaps.push({
        from: s.end,
        to: next.start,
        attempts: connecting ? [...failed, mark(connecting)] : failed,
        connectedAttempt: connecting?.attempt,
        failed: failed.length,
        cause: connecting?.cause ?? failed[0]?.error,
        guess: next.guess,
      });
      continue;
    }
    // The client's last session ended: what it tried since.
    const since = attempts.filter((a) => a.ts >= (s.end as number) && a.outcome === 'failed').map(mark);
    const reconnects = s.close?.reconnects ?? false;
    if (since.length === 0 && !reconnects) continue;
    const last = since[since.length - 1]?.ts ?? s.end;
    gaps.push({
      from: s.end,
      // Still trying (the reason is one the client comes back from): the wait runs until now.
      to: reconnects ? Math.max(last, now) : last,
      attempts: since,
      connectedAttempt: undefined,
      failed: since.length,
      cause: attempts.find((a) => a.ts >= (s.end as number))?.cause,
      guess: false,
    });
  }
  return {
    key: group.client.clientKey,
    label,
    sessions,
    gaps,
    attempts: loose,
    guess: sessions.some((s) => s.guess) || attempts.some((a) => a.confidence === 'guess'),
    live: group.live,
  };
}

/** The time range the lanes cover (`now` for anything still open). */
export function extentOf(lanes: readonly Lane[], now: number): { from: number; to: number } {
  let from = Infinity;
  let to = -Infinity;
  for (const lane of lanes) {
    for (const s of lane.sessions) {
      from = Math.min(from, s.start);
      to = Math.max(to, s.end ?? now);
    }
    for (const g of lane.gaps) to = Math.max(to, g.to);
    for (const a of lane.attempts) {
      from = Math.min(from, a.ts);
      to = Math.max(to, a.ts);
    }
  }
  if (from === Infinity) return { from: now - 60_000, to: now };
  return { from, to: Math.max(to, from + 1) };
}
