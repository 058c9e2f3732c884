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

test('the target closing cleanly: transport close for the client, forced close (socket.conn.close()) for the server', () => {
  assert.deepEqual(pair(end({ code: 1005 }), hb()), ['transport close', 'forced close']);
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
  assert.deepEqual(pair(end({}), { ...h, pongPending: false }), ['transport close', 'forced close']);
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
  assert.deepEqual(pair(overlap, hb({ overlapAt: NOW - 5000 })), ['transport close', 'forced close']);
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

// Issue #10: evidence, alternatives, and the heartbeat per leg.

test('a client that stops reading (a delivered ping left unanswered for pingTimeout) is a ping timeout, not a forced close', () => {
  const r = reasonsFor(
    end({ leg: 'client', kind: 'clean', code: 1000 }),
    hb({ lastPingAt: NOW - 20_000, pongPending: true }),
  );
  assert.equal(r.clientReason, 'ping timeout');
  assert.equal(r.serverReason, 'ping timeout');
  assert.deepEqual(r.serverReasonAlternatives, ['transport close']);
  assert.equal(r.confidence, 'guess');
  assert.ok(r.evidence.some((l) => /got no pong/.test(l)));
});

test('a client closing right after answering its pings is a forced close, marked ambiguous with its alternatives', () => {
  const r = reasonsFor(end({ leg: 'client', kind: 'clean', code: 1000 }), hb({ lastPingAt: NOW - 3000 }));
  assert.equal(r.clientReason, 'forced close');
  assert.deepEqual(r.clientReasonAlternatives, ['transport close', 'io client disconnect']);
  assert.equal(r.reconnects, false);
  assert.equal(r.confidence, 'guess');
  assert.ok(r.evidence.includes('the client closed the WebSocket first, with code 1000'));
});

test('a browser leaving the page (1001) does not reconnect', () => {
  const r = reasonsFor(end({ leg: 'client', kind: 'clean', code: 1001 }), hb());
  assert.equal(r.reconnects, false);
  assert.equal(r.confidence, 'likely');
  assert.match(r.description, /page went away/);
});

test('after the last namespace was disconnected on purpose, the close says so for certain (no generic note)', () => {
  const server = reasonsFor(
    end({ leg: 'client', kind: 'clean', code: 1000 }),
    hb({ disconnectedBy: 'server' }),
  );
  assert.equal(server.clientReason, 'io server disconnect');
  assert.equal(server.serverReason, 'server namespace disconnect');
  assert.equal(server.confidence, 'certain');
  assert.doesNotMatch(server.description, /the client closed its connection/);
  const client = reasonsFor(end({ leg: 'client', kind: 'close-packet' }), hb({ disconnectedBy: 'client' }));
  assert.equal(client.clientReason, 'io client disconnect');
  assert.equal(client.serverReason, 'client namespace disconnect');
});

test('the target closing cleanly names io.close() and a connectTimeout close as the alternatives', () => {
  const r = reasonsFor(end({ code: 1005 }), hb());
  assert.deepEqual(r.serverReasonAlternatives, ['server shutting down', 'forced server close']);
  assert.equal(r.confidence, 'guess');
});

test('a long-poll left unanswered: a page unloading or a process ending, not a client that retries', () => {
  const r = reasonsFor(end({ leg: 'client', kind: 'abandoned', transport: 'polling' }), hb());
  assert.equal(r.reconnects, false);
  assert.match(r.description, /page unloading/);
});
