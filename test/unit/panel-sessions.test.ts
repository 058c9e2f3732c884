/**
 * The panel's session reducers (panel/src/store): sessions grouped by client, connection attempts,
 * namespaces and their state, upgrade, counters, close in both vocabularies, the lifecycle timeline.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UnstampedEvent } from '../../shared/events.js';
import { applyEvents, createModel } from '../../panel/src/store/reduce.js';
import {
  attemptRecovered,
  attemptsAfter,
  clientGroups,
  sessionState,
} from '../../panel/src/store/selectors.js';
import { UNKNOWN_CLIENT } from '../../panel/src/store/sessions.js';
import { EventFactory } from '../support/panel-events.js';

function reconnectingClient() {
  const f = new EventFactory();
  const events = [
    f.ev({ type: 'attempt', clientKey: 'k1', attempt: 0, delay: 0, outcome: 'connected', sessionId: 'A' }),
    f.session('A', 'k1'),
    f.ev({
      type: 'packet',
      sessionId: 'A',
      direction: 'c2s',
      transport: 'polling',
      engine: 'message',
      size: 3,
      data: '0',
      sio: { type: 'CONNECT', nsp: '/' },
    }),
    f.ev({ type: 'connect', sessionId: 'A', nsp: '/', socketId: 'sock-1', recovered: false, pid: 'p1' }),
    f.ev({ type: 'upgrade', sessionId: 'A', leg: 'client', stage: 'probe' }),
    f.ev({ type: 'upgrade', sessionId: 'A', leg: 'client', stage: 'success' }),
    f.heartbeat('A', 'ping', 's2c'),
    f.heartbeat('A', 'pong', 'c2s'),
    f.ev({ type: 'drain', sessionId: 'A', leg: 'client' }),
    f.emit('A', 'c2s', 'chat', ['hi']),
    f.ev({
      type: 'disconnect',
      sessionId: 'A',
      nsp: '/',
      socketId: 'sock-1',
      clientReason: 'transport close',
      serverReason: 'forced server close',
      leg: 'server',
      active: true,
      description: 'the target closed the connection',
    }),
    f.ev({
      type: 'close',
      sessionId: 'A',
      leg: 'server',
      first: 'server',
      reason: 'forced server close',
      clientReason: 'transport close',
      serverReason: 'forced server close',
    }),
    f.ev({
      type: 'close',
      sessionId: 'A',
      leg: 'client',
      first: 'server',
      reason: 'transport close',
      clientReason: 'transport close',
      serverReason: 'forced server close',
    }),
    f.ev(
      {
        type: 'attempt',
        clientKey: 'k1',
        attempt: 1,
        delay: 500,
        cause: 'transport close',
        outcome: 'failed',
        error: 'ECONNREFUSED',
      },
      500,
    ),
    f.ev(
      {
        type: 'attempt',
        clientKey: 'k1',
        attempt: 2,
        delay: 1000,
        cause: 'transport close',
        outcome: 'connected',
        sessionId: 'B',
      },
      1000,
    ),
    f.session('B', 'k1'),
    f.ev({ type: 'connect', sessionId: 'B', nsp: '/', socketId: 'sock-1', recovered: true }),
  ] satisfies unknown[];
  return { f, events };
}

test('sessions are grouped by client, with attempts in order', () => {
  const model = createModel();
  const { events } = reconnectingClient();
  applyEvents(model, events);
  const groups = clientGroups(model);
  assert.equal(groups.length, 1);
  const [group] = groups;
  assert.deepEqual(
    group?.sessions.map((s) => s.sid),
    ['A', 'B'],
  );
  assert.equal(group?.live, true);
  assert.deepEqual(
    group?.client.attempts.map((a) => [a.attempt, a.outcome, a.delay]),
    [
      [0, 'connected', 0],
      [1, 'failed', 500],
      [2, 'connected', 1000],
    ],
  );
  const last = group?.client.attempts[2];
  assert.ok(last && attemptRecovered(model, last), 'attempt 2 recovered the session');
  const a = model.sessions.get('A');
  assert.ok(a);
  assert.deepEqual(
    attemptsAfter(group?.client, a).map((x) => [x.attempt, x.outcome]),
    [
      [1, 'failed'],
      [2, 'connected'],
    ],
  );
});

test('a session records transport, upgrade, namespaces, counters and its close', () => {
  const model = createModel();
  applyEvents(model, reconnectingClient().events);
  const a = model.sessions.get('A');
  assert.ok(a);
  assert.equal(a.firstTransport, 'polling');
  assert.equal(a.transport, 'websocket');
  assert.equal(a.upgrade?.stage, 'success');
  assert.equal(a.namespaces['/']?.state, 'disconnected');
  assert.equal(a.namespaces['/']?.socketId, 'sock-1');
  assert.equal(a.namespaces['/']?.disconnect?.clientReason, 'transport close');
  assert.equal(a.namespaces['/']?.disconnect?.serverReason, 'forced server close');
  assert.deepEqual(a.packets, { c2s: 3, s2c: 1 });
  assert.equal(a.heartbeats, 2);
  assert.equal(a.close?.first, 'server');
  assert.deepEqual(sessionState(a), { kind: 'closed', reason: 'transport close' });
  assert.ok(a.endedAt !== undefined);
  const b = model.sessions.get('B');
  assert.ok(b);
  assert.deepEqual(sessionState(b), { kind: 'connected' });
  assert.equal(b.namespaces['/']?.recovered, true);
});

test('the timeline folds heartbeats and drains between lifecycle items', () => {
  const model = createModel();
  applyEvents(model, reconnectingClient().events);
  const kinds = model.sessions.get('A')?.timeline.map((t) => t.kind);
  assert.deepEqual(kinds, [
    'handshake',
    'connect',
    'upgrade',
    'upgrade',
    'quiet',
    'disconnect',
    'close',
    'close',
  ]);
  const quiet = model.sessions.get('A')?.timeline[4];
  assert.ok(quiet?.kind === 'quiet');
  assert.deepEqual([quiet.pings, quiet.pongs, quiet.drains], [1, 1, 1]);
});

test('a namespace refused by middleware is `refused` with its message', () => {
  const f = new EventFactory();
  const model = createModel();
  applyEvents(model, [
    f.session('S', 'k'),
    f.ev({
      type: 'connect_error',
      sessionId: 'S',
      nsp: '/secure',
      message: 'not authorized',
      data: { code: 'E_AUTH' },
    } satisfies UnstampedEvent),
  ]);
  const ns = model.sessions.get('S')?.namespaces['/secure'];
  assert.equal(ns?.state, 'refused');
  assert.equal(ns?.error?.message, 'not authorized');
});

test('packets of a session whose handshake was not seen go under the unknown client, then move', () => {
  const f = new EventFactory();
  const model = createModel();
  applyEvents(model, [f.emit('X', 's2c', 'news', [1])]);
  assert.equal(model.sessions.get('X')?.clientKey, UNKNOWN_CLIENT);
  assert.deepEqual(model.clients.get(UNKNOWN_CLIENT)?.sessionIds, ['X']);
  applyEvents(model, [f.session('X', 'real')]);
  assert.equal(model.sessions.get('X')?.clientKey, 'real');
  assert.equal(model.clients.has(UNKNOWN_CLIENT), false);
  assert.deepEqual(model.sessions.get('X')?.packets, { c2s: 0, s2c: 1 });
});
