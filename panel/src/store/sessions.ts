/**
 * Sessions by sid and clients by clientKey, reduced from events: handshake, transport and upgrade,
 * namespaces with their socket ids and connect state, counters each way, the close with both
 * vocabularies, the client's connection attempts, and each session's lifecycle timeline.
 */
import type {
  AttemptEvent,
  CloseEvent,
  ConnectErrorEvent,
  ConnectEvent,
  DisconnectEvent,
  InterventionEvent,
  PacketEvent,
  ProxyEvent,
  SessionEvent,
  UpgradeEvent,
} from '../../../shared/events.js';
import type { ClientView, InferredReasons, NamespaceView, SessionView } from './model.js';
import { appendTimeline, foldIntervention, foldQuiet } from './timeline.js';

/** The client key of sessions whose handshake was not seen. */
export const UNKNOWN_CLIENT = '?';
/** Attempts kept per client: enough to see any reconnect loop. */
export const MAX_ATTEMPTS = 100;

export interface SessionsState {
  sessions: Map<string, SessionView>;
  clients: Map<string, ClientView>;
  /** On a dashboard over Redis: each proxy seen, up or gone (`source` events). */
  sources: Map<string, 'up' | 'gone'>;
  /**
   * The layout's revision: moves when a session or client comes or goes, changes client, ends, or a
   * client's attempts change; not when a packet only bumps a session's counters (heartbeats). Views
   * that place sessions (the sidebar's rows, counts per node) derive on it, not on every packet.
   */
  layout: number;
}

/** One clock for every state's layout, so a state never shows a revision it had before a reset. */
let layoutClock = 0;

function relayout(state: SessionsState): void {
  state.layout = ++layoutClock;
}

export function createSessionsState(): SessionsState {
  return { sessions: new Map(), clients: new Map(), sources: new Map(), layout: ++layoutClock };
}

/** Returns whether `e` concerns sessions or clients (the sessions slice changed). */
export function reduceSessions(state: SessionsState, e: ProxyEvent): boolean {
  switch (e.type) {
    case 'session':
      onSession(state, e);
      return true;
    case 'packet':
      onPacket(state, e);
      return true;
    case 'upgrade':
      onUpgrade(state, e);
      return true;
    case 'drain':
      update(state, e.sessionId, e.ts, (s) => ({ timeline: foldQuiet(s.timeline, 'drain', e.ts) }));
      return true;
    case 'close':
      onClose(state, e);
      return true;
    case 'connect':
      onConnect(state, e);
      return true;
    case 'connect_error':
      onConnectError(state, e);
      return true;
    case 'disconnect':
      onDisconnect(state, e);
      return true;
    case 'attempt':
      onAttempt(state, e);
      return true;
    case 'intervention':
      return onIntervention(state, e);
    case 'source':
      state.sources.set(e.source, e.state);
      return true;
    default:
      return false;
  }
}

function emptySession(sid: string, clientKey: string, ts: number): SessionView {
  return {
    sid,
    clientKey,
    transport: 'polling',
    firstTransport: 'polling',
    hiddenUpgrades: [],
    startedAt: ts,
    lastAt: ts,
    namespaces: {},
    packets: { c2s: 0, s2c: 0 },
    bytes: { c2s: 0, s2c: 0 },
    heartbeats: 0,
    raw: false,
    timeline: [],
  };
}

function touchClient(state: SessionsState, clientKey: string, ts: number, sid?: string): void {
  relayout(state);
  const c = state.clients.get(clientKey);
  if (!c) {
    state.clients.set(clientKey, {
      clientKey,
      sessionIds: sid ? [sid] : [],
      attempts: [],
      firstAt: ts,
      lastAt: ts,
    });
    return;
  }
  const add = sid !== undefined && !c.sessionIds.includes(sid);
  state.clients.set(clientKey, {
    ...c,
    lastAt: Math.max(c.lastAt, ts),
    ...(add ? { sessionIds: [...c.sessionIds, sid] } : {}),
  });
}

/** Applies `change` to session `sid`, creating a stand-in when its handshake was never seen. */
function update(
  state: SessionsState,
  sid: string,
  ts: number,
  change: (s: SessionView) => Partial<SessionView>,
): void {
  let s = state.sessions.get(sid);
  if (!s) {
    s = emptySession(sid, UNKNOWN_CLIENT, ts);
    touchClient(state, UNKNOWN_CLIENT, ts, sid);
  }
  state.sessions.set(sid, { ...s, ...change(s), lastAt: Math.max(s.lastAt, ts) });
}

function onSession(state: SessionsState, e: SessionEvent): void {
  const prior = state.sessions.get(e.sessionId);
  // Was a stand-in under the unknown client: move it to its real client.
  if (prior && prior.clientKey !== e.clientKey) leaveClient(state, prior.clientKey, e.sessionId);
  const base = prior ?? emptySession(e.sessionId, e.clientKey, e.ts);
  state.sessions.set(e.sessionId, {
    ...base,
    clientKey: e.clientKey,
    eio: e.eio,
    transport: e.transport,
    firstTransport: e.transport,
    handshake: e.handshake,
    open: e.open,
    hiddenUpgrades: e.hiddenUpgrades,
    target: e.target,
    sessionEvent: e,
    startedAt: Math.min(base.startedAt, e.ts),
    ...(e.importedFrom ? { importedFrom: e.importedFrom } : {}),
    ...(e.source ? { source: e.source } : {}),
    timeline: [{ kind: 'handshake', ts: e.ts, seq: e.seq, transport: e.transport }, ...base.timeline],
  });
  touchClient(state, e.clientKey, e.ts, e.sessionId);
}

function onPacket(state: SessionsState, e: PacketEvent): void {
  update(state, e.sessionId, e.ts, (s) => {
    const change: Partial<SessionView> = {
      packets: { ...s.packets, [e.direction]: s.packets[e.direction] + 1 },
      bytes: { ...s.bytes, [e.direction]: s.bytes[e.direction] + e.size },
    };
    if (e.raw && !s.raw) change.raw = true;
    if ((e.engine === 'ping' || e.engine === 'pong') && e.data !== 'probe') {
      change.heartbeats = s.heartbeats + 1;
      change.timeline = foldQuiet(s.timeline, e.engine, e.ts);
    }
    // The client's CONNECT: the namespace is being joined, with the auth it sent.
    if (e.direction === 'c2s' && e.sio?.type === 'CONNECT') {
      const prior = s.namespaces[e.sio.nsp];
      if (prior?.state !== 'connected') {
        const ns: NamespaceView = {
          nsp: e.sio.nsp,
          state: 'connecting',
          recovered: false,
          ...(e.sio.args !== undefined ? { auth: e.sio.args } : {}),
        };
        change.namespaces = { ...s.namespaces, [e.sio.nsp]: ns };
      }
    }
    return change;
  });
}

function onUpgrade(state: SessionsState, e: UpgradeEvent): void {
  update(state, e.sessionId, e.ts, (s) => ({
    // The client leg decides the transport the client uses; the server leg is shown in the timeline.
    ...(e.leg === 'client' || !s.upgrade || s.upgrade.leg === 'server'
      ? { upgrade: { stage: e.stage, leg: e.leg, ts: e.ts, ...(e.reason ? { reason: e.reason } : {}) } }
      : {}),
    ...(e.stage === 'success' && e.leg === 'client' ? { transport: 'websocket' as const } : {}),
    timeline: appendTimeline(s.timeline, {
      kind: 'upgrade',
      ts: e.ts,
      seq: e.seq,
      leg: e.leg,
      stage: e.stage,
      ...(e.reason ? { reason: e.reason } : {}),
    }),
  }));
}

function onClose(state: SessionsState, e: CloseEvent): void {
  if (!state.sessions.get(e.sessionId)?.close) relayout(state);
  update(state, e.sessionId, e.ts, (s) => ({
    ...(s.close
      ? {}
      : {
          endedAt: e.ts,
          close: {
            ts: e.ts,
            seq: e.seq,
            first: e.first,
            clientReason: e.clientReason,
            serverReason: e.serverReason,
            ...(e.description ? { description: e.description } : {}),
            ...inferredReasons(e),
          },
        }),
    timeline: appendTimeline(s.timeline, {
      kind: 'close',
      ts: e.ts,
      seq: e.seq,
      leg: e.leg,
      first: e.first,
      reason: e.reason,
      clientReason: e.clientReason,
      serverReason: e.serverReason,
      ...(e.active !== undefined ? { active: e.active } : {}),
      ...(e.description ? { description: e.description } : {}),
      ...inferredReasons(e),
    }),
  }));
}

/** What a close or disconnect says of its own certainty, kept only where the event has it. */
function inferredReasons(e: CloseEvent | DisconnectEvent): InferredReasons {
  return {
    ...(e.confidence !== undefined ? { confidence: e.confidence } : {}),
    ...(e.evidence !== undefined ? { evidence: e.evidence } : {}),
    ...(e.clientReasonAlternatives !== undefined
      ? { clientReasonAlternatives: e.clientReasonAlternatives }
      : {}),
    ...(e.serverReasonAlternatives !== undefined
      ? { serverReasonAlternatives: e.serverReasonAlternatives }
      : {}),
  };
}

function onConnect(state: SessionsState, e: ConnectEvent): void {
  update(state, e.sessionId, e.ts, (s) => {
    const prior = s.namespaces[e.nsp];
    const ns: NamespaceView = {
      nsp: e.nsp,
      state: 'connected',
      socketId: e.socketId,
      recovered: e.recovered,
      connectedAt: e.ts,
      ...(e.pid !== undefined ? { pid: e.pid } : {}),
      ...(e.auth !== undefined ? { auth: e.auth } : prior?.auth !== undefined ? { auth: prior.auth } : {}),
    };
    return {
      namespaces: { ...s.namespaces, [e.nsp]: ns },
      timeline: appendTimeline(s.timeline, {
        kind: 'connect',
        ts: e.ts,
        seq: e.seq,
        nsp: e.nsp,
        socketId: e.socketId,
        recovered: e.recovered,
      }),
    };
  });
}

function onConnectError(state: SessionsState, e: ConnectErrorEvent): void {
  update(state, e.sessionId, e.ts, (s) => {
    const prior = s.namespaces[e.nsp];
    const ns: NamespaceView = {
      nsp: e.nsp,
      recovered: false,
      ...(prior?.auth !== undefined ? { auth: prior.auth } : {}),
      state: 'refused',
      error: { message: e.message, ...(e.data !== undefined ? { data: e.data } : {}) },
    };
    return {
      namespaces: { ...s.namespaces, [e.nsp]: ns },
      timeline: appendTimeline(s.timeline, {
        kind: 'connect_error',
        ts: e.ts,
        seq: e.seq,
        nsp: e.nsp,
        message: e.message,
      }),
    };
  });
}

function onDisconnect(state: SessionsState, e: DisconnectEvent): void {
  update(state, e.sessionId, e.ts, (s) => {
    const info = {
      ts: e.ts,
      seq: e.seq,
      clientReason: e.clientReason,
      serverReason: e.serverReason,
      leg: e.leg,
      active: e.active,
      description: e.description,
      ...inferredReasons(e),
    };
    const prior = s.namespaces[e.nsp];
    const ns: NamespaceView = {
      nsp: e.nsp,
      recovered: false,
      ...prior,
      ...(e.socketId ? { socketId: e.socketId } : {}),
      state: 'disconnected',
      disconnect: info,
    };
    return {
      namespaces: { ...s.namespaces, [e.nsp]: ns },
      timeline: appendTimeline(s.timeline, { kind: 'disconnect', nsp: e.nsp, ...info }),
    };
  });
}

/** `sid` is no longer one of `clientKey`'s sessions; a client left with nothing goes. */
function leaveClient(state: SessionsState, clientKey: string, sid: string): void {
  const c = state.clients.get(clientKey);
  if (!c) return;
  relayout(state);
  const rest = c.sessionIds.filter((id) => id !== sid);
  if (rest.length === 0 && c.attempts.length === 0) state.clients.delete(clientKey);
  else state.clients.set(clientKey, { ...c, sessionIds: rest });
}

function onAttempt(state: SessionsState, e: AttemptEvent): void {
  // The client's recovery pid named another client than the handshake's pick: the attempt wins.
  const s = e.sessionId === undefined ? undefined : state.sessions.get(e.sessionId);
  if (s && e.sessionId !== undefined && s.clientKey !== e.clientKey) {
    leaveClient(state, s.clientKey, e.sessionId);
    state.sessions.set(e.sessionId, { ...s, clientKey: e.clientKey });
  }
  touchClient(state, e.clientKey, e.ts, e.sessionId);
  const c = state.clients.get(e.clientKey);
  if (!c) return;
  const attempts = [
    ...c.attempts,
    {
      seq: e.seq,
      ts: e.ts,
      attempt: e.attempt,
      delay: e.delay,
      outcome: e.outcome,
      ...(e.cause !== undefined ? { cause: e.cause } : {}),
      ...(e.sessionId !== undefined ? { sessionId: e.sessionId } : {}),
      ...(e.error !== undefined ? { error: e.error } : {}),
      ...(e.confidence !== undefined ? { confidence: e.confidence } : {}),
      ...(e.evidence !== undefined ? { evidence: e.evidence } : {}),
    },
  ];
  state.clients.set(e.clientKey, {
    ...c,
    attempts: attempts.length > MAX_ATTEMPTS ? attempts.slice(-MAX_ATTEMPTS) : attempts,
  });
}

/**
 * What the proxy did to a session joins its lifecycle. A rule's hit repeats the verdict line beside
 * it (paused, dropped, delayed), so it is left out; so are interventions with no session (target faults).
 */
function onIntervention(state: SessionsState, e: InterventionEvent): boolean {
  if (!e.sessionId || e.action === 'rule-hit' || !state.sessions.has(e.sessionId)) return false;
  update(state, e.sessionId, e.ts, (s) => ({ timeline: foldIntervention(s.timeline, e) }));
  return true;
}
