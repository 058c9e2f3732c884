/**
 * Groups sessions into clients across reconnects, and numbers the attempts. Every reconnect is a new
 * Engine.IO session with a new sid, so what ties them is what the client sends again each time (its
 * address, user agent and query, less the per-request parameters) and when: socket.io-client retries
 * after its backoff (reconnectionDelay 1000 ms doubling up to 5000, randomization 0.5). Only a session
 * that ended in a way after which the client reconnects by itself waits here; a page leaving (1001,
 * or a long-poll left unanswered), a DISCONNECT, a client that closed its own transport start no
 * series, so what follows them is a new client, with the leave in its evidence. Each answer says how sure it is and why: with several dropped clients of one fingerprint
 * in the window, which one came back is a guess, and the evidence says so.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Confidence } from '../../shared/events.js';
import type { EventBus } from '../events/bus.js';

/** Drops older than this are forgotten (a client with a far longer backoff than the default). */
const REMEMBER_MS = 2 * 60_000;
/** Clients remembered between attempts; the oldest are forgotten first. */
const MAX_WAITING = 10_000;
const VOLATILE_PARAMS = new Set(['t', 'sid', 'EIO', 'transport', 'j', 'b64']);
/** socket.io-client's defaults: reconnectionDelay, reconnectionDelayMax, randomizationFactor. */
const DELAY_MS = 1000;
const DELAY_MAX_MS = 5000;
const JITTER = 0.5;
/** The handshake's own round trip and the timers' slack, on top of the backoff. */
const SLACK_MS = 1000;

interface Series {
  clientKey: string;
  /** The attempt number of the last try. */
  attempt: number;
  lastAt: number;
  cause?: string;
  /** The recovery pid the server granted the session that dropped: the client offers it back. */
  pid?: string;
  /**
   * The client left (a DISCONNECT, a page leaving, its own close): only its recovery pid, offered
   * back (socket.connect() on the same socket), can show it came back; timing alone never picks it.
   */
  leaving?: boolean;
  /** An identical client waiting with it was picked by a guess: which one is left is a guess too. */
  ambiguous?: boolean;
  /** The target node of the session that dropped (several nodes only). */
  node?: string;
  /** How a leaving client left, for the evidence of the new client that follows it. */
  left?: Leave;
}

/** How a session ended that its client does not reconnect from by itself. */
export interface Leave {
  /** What the close looked like on the wire (the close event's description). */
  how: string;
  /** Whether the wire says so for a fact (a DISCONNECT, a page's 1001), or it is inferred. */
  sure: boolean;
}

export interface AttemptInfo {
  clientKey: string;
  attempt: number;
  /** Milliseconds since the drop or the previous attempt. */
  delay: number;
  cause?: string;
  confidence: Confidence;
  evidence: string[];
  /** The target node of the session that dropped, when the proxy has several (see `ended`). */
  previousNode?: string;
}

/**
 * A reconnect whose client will say who it is: a client waiting in the window was granted a recovery
 * pid, which socket.io-client offers back in its CONNECT. The session holds its attempt until then.
 */
export interface PendingAttempt extends AttemptInfo {
  fingerprint: string;
  /** The series taken for now (given back if the CONNECT says otherwise). */
  series?: Series;
}

/** The latest socket.io-client waits before attempt `n` (1-based) with its default backoff. */
export function backoffWindow(n: number): number {
  return Math.min(DELAY_MS * 2 ** Math.max(0, n - 1), DELAY_MAX_MS) * (1 + JITTER) + SLACK_MS;
}

/** Who last sent a request over a client's connection (a session: its client may change once). */
export interface ConnectionUser {
  readonly currentClientKey: string;
}

export class ClientRegistry {
  private readonly waiting = new Map<string, Series[]>();
  /**
   * The session whose requests last came over each keep-alive connection. A browser's connections
   * belong to one context (a profile's pages), never to another, so a reconnect handshake on one of
   * them points at the page whose polls it carried.
   */
  private readonly connections = new WeakMap<object, ConnectionUser>();
  /** Recovery pids granted, and the client each was granted to (oldest first). */
  private readonly pidOwners = new Map<string, string>();
  /**
   * Series taken by attempts that wait for their CONNECT, by clientKey: identical clients come back
   * at once, so a CONNECT's pid may name a series another waiting attempt took by timing.
   */
  private readonly held = new Map<string, PendingAttempt>();
  private size = 0;

  constructor(private readonly bus: EventBus) {}

  static fingerprint(req: IncomingMessage): string {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = [...url.searchParams].filter(([k]) => !VOLATILE_PARAMS.has(k)).sort();
    const parts = [
      req.socket.remoteAddress ?? '',
      req.headers['user-agent'] ?? '',
      url.pathname,
      JSON.stringify(query),
    ];
    return createHash('sha1').update(parts.join('\n')).digest('base64url').slice(0, 16);
  }

  /**
   * A handshake succeeded: a new client, or the next attempt of one that dropped. The session
   * announces the attempt, after itself, so that consumers know the session it names.
   */
  connected(fingerprint: string, connection?: object): AttemptInfo & { pending?: PendingAttempt } {
    const now = Date.now();
    const withPid = this.forget(fingerprint, now).some(
      (s) => s.pid && now - s.lastAt <= backoffWindow(s.attempt + 1),
    );
    const taken: { series?: Series } = {};
    const hint = connection ? this.connections.get(connection)?.currentClientKey : undefined;
    const info = this.next(fingerprint, now, taken, hint);
    if (!withPid) return info;
    const pending: PendingAttempt = { ...info, fingerprint, ...taken };
    if (taken.series) this.hold(taken.series.clientKey, pending);
    return { ...info, pending };
  }

  /**
   * The client's first CONNECT of a session whose attempt waits (see PendingAttempt): `offeredPid`
   * is the recovery pid in it. socket.io-client offers the pid it was granted, so the pid names the
   * client for certain; no pid, though the waiting clients hold one, means a new client.
   */
  resolve(p: PendingAttempt, offeredPid: string | undefined | null): AttemptInfo {
    if (p.series && this.held.get(p.series.clientKey) === p) this.held.delete(p.series.clientKey);
    // No CONNECT came (`null`): the handshake's pick stands.
    if (offeredPid === null) return p;
    const now = Date.now();
    const owner = offeredPid === undefined ? undefined : this.pidOwners.get(offeredPid);
    if (offeredPid !== undefined && owner === undefined) {
      return {
        ...p,
        evidence: [...p.evidence, `the CONNECT offers a recovery pid this proxy never saw granted`],
      };
    }
    const list = this.waiting.get(p.fingerprint) ?? [];
    const match = owner === undefined ? undefined : list.find((s) => s.clientKey === owner);
    if (offeredPid !== undefined && owner !== undefined) {
      if (owner === p.clientKey)
        return {
          ...p,
          confidence: 'certain',
          evidence: [
            ...p.evidence.slice(0, 1),
            `the CONNECT offers the recovery pid the server granted client ${owner}`,
          ],
        };
      if (match) {
        if (p.series) this.park(p.fingerprint, p.series);
        this.remove(p.fingerprint, match);
        return namedByPid(match, now);
      }
      const other = this.held.get(owner);
      if (other?.series) {
        // Another attempt waiting for its CONNECT took this client's series by timing: it gets
        // this attempt's pick instead (its own CONNECT settles it in turn).
        const series = other.series;
        this.held.delete(owner);
        this.retarget(other, p.series, now);
        return namedByPid(series, now);
      }
      return {
        ...p,
        evidence: [
          ...p.evidence,
          `the CONNECT offers the pid of client ${owner}, which is not waiting to reconnect`,
        ],
      };
    }
    // No pid: not the waiting client that holds one; the series waits on for its real reconnect.
    if (!p.series?.pid) return p;
    this.park(p.fingerprint, p.series);
    return {
      clientKey: randomUUID().slice(0, 8),
      attempt: 0,
      delay: 0,
      confidence: 'likely',
      evidence: [
        `the CONNECT offers no recovery pid, though client ${p.series.clientKey} (same address, user agent and query) was granted one: a new client`,
      ],
    };
  }

  private hold(clientKey: string, pending: PendingAttempt): void {
    this.held.set(clientKey, pending);
    // Bounded like the waiting list: a session that never settles must not keep its entry forever.
    if (this.held.size > MAX_WAITING) {
      const oldest = this.held.keys().next().value;
      if (oldest !== undefined) this.held.delete(oldest);
    }
  }

  /** A waiting attempt whose series a pid claimed continues `series` instead (none: a new client). */
  private retarget(p: PendingAttempt, series: Series | undefined, now: number): void {
    const before = p.clientKey;
    p.series = series;
    if (series) this.hold(series.clientKey, p);
    p.clientKey = series?.clientKey ?? randomUUID().slice(0, 8);
    p.attempt = series ? series.attempt + 1 : 0;
    p.delay = series ? now - series.lastAt : 0;
    if (series?.cause) p.cause = series.cause;
    else delete p.cause;
    p.confidence = 'guess';
    p.evidence = [
      `client ${before}, taken for it by timing, was named by another session's recovery pid`,
      series
        ? `the same address, user agent and query as client ${series.clientKey}, which is waiting to reconnect: which one this is cannot be told from the wire`
        : 'no other client with this address, user agent and query is waiting to reconnect',
    ];
  }

  /** The server granted `pid` to a session of `clientKey` (connection state recovery is on). */
  granted(clientKey: string, pid: string): void {
    this.pidOwners.delete(pid);
    this.pidOwners.set(pid, clientKey);
    if (this.pidOwners.size > MAX_WAITING) {
      const oldest = this.pidOwners.keys().next().value;
      if (oldest !== undefined) this.pidOwners.delete(oldest);
    }
  }

  /** A handshake failed (target down, refused): the client will try again, in the same series. */
  failed(fingerprint: string, error: string): void {
    const now = Date.now();
    const taken: { series?: Series } = {};
    const info = this.next(fingerprint, now, taken);
    const cause = info.cause ?? error;
    this.bus.emit({
      type: 'attempt',
      clientKey: info.clientKey,
      attempt: info.attempt,
      delay: info.delay,
      ...(cause ? { cause } : {}),
      outcome: 'failed',
      error,
      confidence: info.confidence,
      evidence: info.evidence,
    });
    const pid = taken.series?.pid;
    const node = taken.series?.node;
    this.park(fingerprint, {
      clientKey: info.clientKey,
      attempt: info.attempt,
      lastAt: now,
      cause,
      ...(pid ? { pid } : {}),
      ...(node ? { node } : {}),
    });
  }

  /**
   * A session ended; if its client reconnects by itself, its next handshake continues the series.
   * A client that left (`reconnects` false or 'maybe', with `left` saying how) is remembered too: a
   * pid it offers back names it, and the new client that follows it has the leave in its evidence.
   */
  ended(
    fingerprint: string,
    clientKey: string,
    cause: string,
    reconnects: boolean | 'maybe',
    pid?: string,
    node?: string,
    left?: Leave,
  ): void {
    // A drop starts a new series: its first retry is attempt 1.
    const series: Series = {
      clientKey,
      attempt: 0,
      lastAt: Date.now(),
      cause,
      ...(pid ? { pid } : {}),
      ...(node ? { node } : {}),
    };
    if (reconnects === true) this.park(fingerprint, series);
    else if ((reconnects === 'maybe' && pid) || left)
      this.park(fingerprint, { ...series, leaving: true, ...(left ? { left } : {}) });
  }

  /** A request of `user`'s session came over `connection`. */
  usedConnection(connection: object, user: ConnectionUser): void {
    this.connections.set(connection, user);
  }

  /**
   * Which series, if any, the attempt made now continues; it leaves the waiting list. `hint`: the
   * client whose requests last came over the handshake's connection.
   */
  private next(
    fingerprint: string,
    now: number,
    taken: { series?: Series } = {},
    hint?: string,
  ): AttemptInfo {
    const list = this.forget(fingerprint, now);
    const inWindow = list.filter((s) => !s.leaving && now - s.lastAt <= backoffWindow(s.attempt + 1));
    const hinted = inWindow.length > 1 ? inWindow.find((s) => s.clientKey === hint) : undefined;
    const series = hinted ?? inWindow[0];
    if (!series) {
      const late = list.find((s) => !s.leaving);
      const left = late ? undefined : recentLeave(list, now);
      if (left) return newAfterLeave(left, now);
      return {
        clientKey: randomUUID().slice(0, 8),
        attempt: 0,
        delay: 0,
        // A dropped client of this fingerprint came back later than its default backoff allows:
        // a client with a longer reconnectionDelayMax, or a new one.
        confidence: late ? 'guess' : 'likely',
        evidence: late
          ? [
              `client ${late.clientKey} with the same address, user agent and query dropped ${secs(now - late.lastAt)} ago, later than socket.io-client's default backoff allows (${secs(backoffWindow(late.attempt + 1))}): taken for a new client`,
            ]
          : ['no client with this address, user agent and query is waiting to reconnect'],
      };
    }
    this.remove(fingerprint, series);
    taken.series = series;
    const attempt = series.attempt + 1;
    const delay = now - series.lastAt;
    const evidence = [
      `the same address, user agent and query as client ${series.clientKey}, which ${series.attempt === 0 ? `dropped (${series.cause ?? '?'})` : `failed attempt ${series.attempt}`} ${secs(delay)} before`,
      `within socket.io-client's default backoff for attempt ${attempt} (at most ${secs(backoffWindow(attempt))})`,
    ];
    if (series.ambiguous && inWindow.length === 1)
      evidence.push(
        'identical clients that dropped with it came back first, each picked by a guess: which one is left is a guess too',
      );
    for (const other of inWindow) if (other !== series && inWindow.length > 1) other.ambiguous = true;
    if (inWindow.length > 1)
      evidence.push(
        `${inWindow.length} clients with this fingerprint are waiting to reconnect (${inWindow.map((s) => s.clientKey).join(', ')}): which one this is cannot be told from the wire`,
      );
    // Pages of one browser context share its connections: the pick is better informed, still a guess.
    if (hinted)
      evidence.push(
        `the handshake came over the keep-alive connection that carried client ${hinted.clientKey}'s requests`,
      );
    return {
      clientKey: series.clientKey,
      attempt,
      delay,
      ...(series.cause ? { cause: series.cause } : {}),
      confidence: inWindow.length > 1 || series.ambiguous ? 'guess' : 'likely',
      evidence,
      ...(series.node ? { previousNode: series.node } : {}),
    };
  }

  /** The waiting series of `fingerprint`, oldest first, less those too old to come back. */
  private forget(fingerprint: string, now: number): Series[] {
    const list = this.waiting.get(fingerprint);
    if (!list) return [];
    while (list.length && now - (list[0]?.lastAt ?? now) > REMEMBER_MS) {
      list.shift();
      this.size--;
    }
    if (!list.length) this.waiting.delete(fingerprint);
    return list;
  }

  private remove(fingerprint: string, series: Series): void {
    const list = this.waiting.get(fingerprint);
    const i = list?.indexOf(series) ?? -1;
    if (!list || i < 0) return;
    list.splice(i, 1);
    this.size--;
    if (!list.length) this.waiting.delete(fingerprint);
  }

  private park(fingerprint: string, series: Series): void {
    if (this.size >= MAX_WAITING) this.evictOldest();
    const list = this.waiting.get(fingerprint) ?? [];
    list.push(series);
    this.waiting.set(fingerprint, list);
    this.size++;
  }

  private evictOldest(): void {
    const first = this.waiting.keys().next();
    if (first.done) return;
    const list = this.waiting.get(first.value);
    list?.shift();
    this.size--;
    if (!list?.length) this.waiting.delete(first.value);
  }
}

/** The next attempt of `series`, whose client the recovery pid in the CONNECT names for certain. */
function namedByPid(series: Series, now: number): AttemptInfo {
  return {
    clientKey: series.clientKey,
    attempt: series.attempt + 1,
    delay: now - series.lastAt,
    ...(series.cause ? { cause: series.cause } : {}),
    confidence: 'certain',
    evidence: [`the CONNECT offers the recovery pid the server granted client ${series.clientKey}`],
    ...(series.node ? { previousNode: series.node } : {}),
  };
}

/** The latest client of the list that left within the window its first retry would have come in. */
function recentLeave(list: Series[], now: number): (Series & { left: Leave }) | undefined {
  for (let i = list.length - 1; i >= 0; i--) {
    const s = list[i];
    if (s?.left && now - s.lastAt <= backoffWindow(1)) return s as Series & { left: Leave };
  }
  return undefined;
}

/**
 * A session right after an identical client left: by timing it could be that client's retry, so
 * the call rests on the leave; it is a guess unless the wire said so for a fact.
 */
function newAfterLeave(left: Series & { left: Leave }, now: number): AttemptInfo {
  return {
    clientKey: randomUUID().slice(0, 8),
    attempt: 0,
    delay: 0,
    confidence: left.left.sure ? 'likely' : 'guess',
    evidence: [
      `client ${left.clientKey} with the same address, user agent and query left ${secs(now - left.lastAt)} before: ${left.left.how}`,
      left.left.sure
        ? 'a client that leaves so does not reconnect by itself: a new client (a new page, or a new socket)'
        : 'taken for a new client, though the timing would fit a reconnect of it',
    ],
  };
}

const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
