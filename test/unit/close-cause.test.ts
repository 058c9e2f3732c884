import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reasonsFor, type HeartbeatHistory, type SessionEnd } from '../../proxy/engine/close-cause.js';
import { CLIENT_REASONS, SERVER_REASONS } from '../../shared/disconnect-reasons.js';

const NOW = 100_000;
const hb = (over: Partial<HeartbeatHistory> = {}): HeartbeatHistory => ({
  eio: 4,
  pingInterval: 25_000,
  pingTimeout: 20_000,
  now: NOW,
  openedAt: NOW - 60_000,
  lastPingAt: NOW - 1_000,
  pongPending: false,
  sentInvalid: false,
  ...over,
});
const end = (over: Partial<SessionEnd>): SessionEnd => ({
  leg: 'server',
  kind: 'clean',
  transport: 'websocket',
  ...over,
});
const pair = (e: SessionEnd, h: HeartbeatHistory) => {
  const r = reasonsFor(e, h);
  return [r.clientReason, r.serverReason];
};

test('the target closing cleanly: transport close for the client, forced server close for the server', () => {
  assert.deepEqual(pair(end({ code: 1005 }), hb()), ['transport close', 'forced server close']);
});

test('the target cut (1006) or unreachable', () => {
  assert.deepEqual(pair(end({ kind: 'abnormal', code: 1006 }), hb()), ['transport close', 'transport close']);
  assert.deepEqual(pair(end({ kind: 'unreachable', transport: 'polling' }), hb()), [
    'transport error',
    'transport error',
  ]);
});

test('EIO4 server-side ping timeout: a ping whose pong never came, older than pingTimeout', () => {
  const h = hb({ lastPingAt: NOW - 20_000, pongPending: true });
  assert.deepEqual(pair(end({}), h), ['transport close', 'ping timeout']);
  // The same close with the pong answered is not a ping timeout.
  assert.deepEqual(pair(end({}), { ...h, pongPending: false }), ['transport close', 'forced server close']);
});

test('EIO3 server-side ping timeout: no client ping within pingInterval + pingTimeout', () => {
  const h = hb({ eio: 3, lastPingAt: NOW - 45_000 });
  assert.deepEqual(pair(end({}), h), ['transport close', 'ping timeout']);
});

test('EIO4 client-side ping timeout: the client leaves after no ping within the window', () => {
  const h = hb({ lastPingAt: NOW - 45_000 });
  assert.deepEqual(pair(end({ leg: 'client' }), h), ['ping timeout', 'transport close']);
});

test('no ping yet: the window counts from the open, so a fresh session is not a ping timeout', () => {
  const h = hb({ lastPingAt: undefined, openedAt: NOW - 10 });
  assert.deepEqual(pair(end({ leg: 'client' }), h), ['forced close', 'transport close']);
});

test('an invalid packet from the client, then the server closes: parse error', () => {
  assert.deepEqual(pair(end({}), hb({ sentInvalid: true })), ['transport close', 'parse error']);
});

test('payloads over maxHttpBufferSize: 413 over polling, 1009 over WebSocket', () => {
  const refusal = { code: 413, at: NOW - 10 };
  assert.deepEqual(
    pair(end({ leg: 'client', kind: 'close-packet', transport: 'polling' }), hb({ refusal })),
    ['transport error', 'transport close'],
  );
  assert.deepEqual(pair(end({ code: 1009 }), hb()), ['transport close', 'transport error']);
});

test('what engine.io ends as a transport error: an invalid frame, a left poll, two polls at once', () => {
  assert.deepEqual(pair(end({ code: 1002 }), hb()), ['transport close', 'transport error']);
  assert.deepEqual(pair(end({ code: 1007 }), hb()), ['transport close', 'transport error']);
  const left = end({ leg: 'client', kind: 'abandoned', transport: 'polling' });
  assert.deepEqual(pair(left, hb()), ['transport error', 'transport error']);
  const overlap = end({ kind: 'close-packet', transport: 'polling' });
  assert.deepEqual(pair(overlap, hb({ overlapAt: NOW - 10 })), ['transport close', 'transport error']);
  assert.deepEqual(pair(overlap, hb({ overlapAt: NOW - 5000 })), ['transport close', 'forced server close']);
});

test('every reason it gives is one the Socket.IO docs list', () => {
  const cases: [SessionEnd, HeartbeatHistory][] = [
    [end({}), hb()],
    [end({ kind: 'abnormal' }), hb()],
    [end({ leg: 'client', kind: 'abandoned' }), hb()],
    [end({ code: 1002 }), hb()],
    [end({ leg: 'client' }), hb()],
    [end({ leg: 'client', kind: 'abnormal' }), hb()],
    [end({ leg: 'client', kind: 'silence' }), hb()],
    [end({ kind: 'refused', code: 400, transport: 'polling' }), hb()],
  ];
  for (const [e, h] of cases) {
    const r = reasonsFor(e, h);
    assert.ok(CLIENT_REASONS[r.clientReason], `client reason ${r.clientReason}`);
    assert.ok(SERVER_REASONS[r.serverReason], `server reason ${r.serverReason}`);
    assert.ok(r.description.length > 0);
  }
});

test('silence: no request waits and nothing crossed past the heartbeat, so both sides timed out', () => {
  for (const h of [
    hb({ lastPingAt: NOW - 60_000, pongPending: true }),
    hb({ eio: 3, lastPingAt: NOW - 60_000 }),
  ])
    for (const leg of ['client', 'server'] as const)
      assert.deepEqual(pair(end({ leg, kind: 'silence', transport: 'polling' }), h), [
        'ping timeout',
        'ping timeout',
      ]);
});
