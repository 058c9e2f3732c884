/**
 * Which client a new session belongs to (issue #10): by the close and socket.io-client's backoff,
 * a guess where identical clients dropped together, certain only when a recovery pid names it.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { ClientRegistry, backoffWindow } from '../../proxy/clients/client-registry.js';
import { EventBus } from '../../proxy/events/bus.js';

const FP = 'same-fingerprint';

function registry(t: TestContext) {
  t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
  return new ClientRegistry(new EventBus());
}

test('the default backoff window: attempt 1 by 2.5 s, capped at 5 s x 1.5 from attempt 4', () => {
  assert.equal(backoffWindow(1), 2500);
  assert.equal(backoffWindow(2), 4000);
  assert.equal(backoffWindow(4), 8500);
  assert.equal(backoffWindow(9), 8500);
});

test('a session within the backoff of a drop that reconnects is likely its attempt 1', (t) => {
  const r = registry(t);
  const first = r.connected(FP);
  assert.equal(first.attempt, 0);
  r.ended(FP, first.clientKey, 'transport close', true);
  t.mock.timers.tick(1200);
  const next = r.connected(FP);
  assert.equal(next.clientKey, first.clientKey);
  assert.equal(next.attempt, 1);
  assert.equal(next.confidence, 'likely');
  assert.match(next.evidence.join('\n'), /dropped \(transport close\) 1\.2 s before/);
});

test('a drop after which the client does not reconnect, or a session after the window, is a new client', (t) => {
  const r = registry(t);
  const a = r.connected(FP);
  r.ended(FP, a.clientKey, 'io client disconnect', false);
  t.mock.timers.tick(500);
  const b = r.connected(FP);
  assert.notEqual(b.clientKey, a.clientKey);
  assert.equal(b.attempt, 0);
  r.ended(FP, b.clientKey, 'transport close', true);
  t.mock.timers.tick(30_000);
  const c = r.connected(FP);
  assert.notEqual(c.clientKey, b.clientKey);
  assert.equal(c.attempt, 0);
  assert.equal(c.confidence, 'guess', 'a client with a long backoff would look the same');
  assert.match(c.evidence.join('\n'), /later than socket.io-client's default backoff/);
});

test('identical clients dropped together: which one came back is a guess, and the evidence says so', (t) => {
  const r = registry(t);
  const keys = [0, 1, 2].map(() => r.connected(FP).clientKey);
  for (const k of keys) r.ended(FP, k, 'transport close', true);
  t.mock.timers.tick(800);
  const back = [0, 1, 2].map(() => r.connected(FP));
  assert.deepEqual(
    back.map((b) => b.confidence),
    ['guess', 'guess', 'guess'],
  );
  assert.match(back[2]?.evidence.join('\n') ?? '', /which one is left is a guess too/);
  assert.match(back[0]?.evidence.join('\n') ?? '', /3 clients with this fingerprint are waiting/);
  assert.deepEqual(new Set(back.map((b) => b.clientKey)), new Set(keys), 'each series continued once');
});

test('a recovery pid names the client for certain, even among identical clients', (t) => {
  const r = registry(t);
  const a = r.connected(FP);
  const b = r.connected(FP);
  r.granted(a.clientKey, 'pid-a');
  r.granted(b.clientKey, 'pid-b');
  r.ended(FP, a.clientKey, 'transport close', true, 'pid-a');
  r.ended(FP, b.clientKey, 'transport close', true, 'pid-b');
  t.mock.timers.tick(700);
  const first = r.connected(FP);
  assert.ok(first.pending, 'the attempt waits for the CONNECT');
  // The handshake picked a's series; the CONNECT offers b's pid.
  const settled = r.resolve(first.pending, 'pid-b');
  assert.equal(settled.clientKey, b.clientKey);
  assert.equal(settled.attempt, 1);
  assert.equal(settled.confidence, 'certain');
  const second = r.connected(FP);
  assert.equal(second.pending?.clientKey, a.clientKey, "a's series was given back");
  const none = r.resolve(second.pending!, undefined);
  assert.equal(none.attempt, 0, 'no pid though the waiting client holds one: a new client');
  assert.notEqual(none.clientKey, a.clientKey);
});

test('a client that seemed to leave is picked by its pid only, never by timing', (t) => {
  const r = registry(t);
  const a = r.connected(FP);
  r.granted(a.clientKey, 'pid-a');
  r.ended(FP, a.clientKey, 'forced close', 'maybe', 'pid-a');
  t.mock.timers.tick(600);
  const next = r.connected(FP);
  assert.equal(next.attempt, 0, 'timing alone: a new client');
  assert.ok(next.pending);
  const settled = r.resolve(next.pending, 'pid-a');
  assert.equal(settled.clientKey, a.clientKey);
  assert.equal(settled.attempt, 1);
  assert.equal(settled.confidence, 'certain');
});

test('a client that left (a page unloading) is followed by a new client, its leave in the evidence', (t) => {
  const r = registry(t);
  const a = r.connected(FP);
  r.ended(FP, a.clientKey, 'transport close', false, undefined, undefined, {
    how: 'the page went away (1001)',
    sure: true,
  });
  t.mock.timers.tick(300);
  const b = r.connected(FP);
  assert.notEqual(b.clientKey, a.clientKey);
  assert.equal(b.attempt, 0);
  assert.equal(b.confidence, 'likely');
  assert.match(b.evidence.join('\n'), /left 0\.3 s before: the page went away \(1001\)/);
  // A leave only inferred (a long-poll left unanswered): the new client is a guess, saying why.
  r.ended(FP, b.clientKey, 'transport error', false, undefined, undefined, {
    how: 'left a poll',
    sure: false,
  });
  t.mock.timers.tick(400);
  const c = r.connected(FP);
  assert.equal(c.attempt, 0);
  assert.equal(c.confidence, 'guess');
  assert.match(c.evidence.join('\n'), /though the timing would fit a reconnect/);
  // A client that dropped and reconnects wins over one that left, whatever the order.
  const d = r.connected(FP);
  r.ended(FP, c.clientKey, 'transport close', true);
  r.ended(FP, d.clientKey, 'transport close', false, undefined, undefined, {
    how: 'the page went away',
    sure: true,
  });
  t.mock.timers.tick(500);
  const back = r.connected(FP);
  assert.equal(back.clientKey, c.clientKey);
  assert.equal(back.attempt, 1);
});

test('identical clients whose handshakes both come before either CONNECT: each pid still names its own', (t) => {
  const r = registry(t);
  const keys = [0, 1, 2].map(() => r.connected(FP).clientKey);
  keys.forEach((k, i) => r.granted(k, `pid-${i}`));
  keys.forEach((k, i) => r.ended(FP, k, 'transport close', true, `pid-${i}`));
  t.mock.timers.tick(900);
  // Three handshakes, taken by timing in order; their CONNECTs offer the pids in another order.
  const pendings = [0, 1, 2].map(() => r.connected(FP).pending);
  assert.ok(pendings.every(Boolean), 'each attempt waits for its CONNECT');
  const offered = ['pid-2', 'pid-0', 'pid-1'];
  const settled = pendings.map((p, i) => r.resolve(p!, offered[i]));
  assert.deepEqual(
    settled.map((s) => s.clientKey),
    [keys[2], keys[0], keys[1]],
  );
  assert.deepEqual(
    settled.map((s) => [s.attempt, s.confidence]),
    [
      [1, 'certain'],
      [1, 'certain'],
      [1, 'certain'],
    ],
  );
});

test('among identical waiting clients, the keep-alive connection a handshake comes on points at its client', (t) => {
  const r = registry(t);
  const a = r.connected(FP);
  const b = r.connected(FP);
  const bConnection = {};
  r.usedConnection(bConnection, { currentClientKey: b.clientKey });
  r.ended(FP, a.clientKey, 'transport error', true);
  r.ended(FP, b.clientKey, 'transport error', true);
  t.mock.timers.tick(800);
  const back = r.connected(FP, bConnection);
  assert.equal(
    back.clientKey,
    b.clientKey,
    'not the first in line, the one whose polls the connection carried',
  );
  assert.equal(back.confidence, 'guess', 'pages of one browser context share connections: still a guess');
  assert.match(back.evidence.join('\n'), /keep-alive connection that carried client/);
  // A connection nobody waiting used says nothing: the order of the drops decides.
  const other = r.connected(FP, {});
  assert.equal(other.clientKey, a.clientKey);
});
