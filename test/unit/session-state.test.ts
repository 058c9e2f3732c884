/**
 * Session's state machine: the relays and the sweep report facts, the session decides what they
 * mean (overlap, upgrade, the end and its reasons) and ends in one place, naming the reasons once.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import type { Link } from '../../proxy/engine/link.js';
import { PollingLink } from '../../proxy/engine/polling-link.js';
import type { EioVersion, EnginePacket } from '../../shared/engineio.js';
import type { CloseEvent, UpgradeEvent } from '../../shared/events.js';
import { testLink as wsLink, testSession } from '../support/session-fixture.js';

const REQ = {
  url: '/socket.io/?EIO=4&transport=polling',
  headers: {},
  socket: { remoteAddress: '127.0.0.1' },
} as unknown as IncomingMessage;

function start(first: Link = new PollingLink(), eio: EioVersion = 4) {
  const { session, events } = testSession(eio, first);
  let closedCalls = 0;
  session.onClosed(() => closedCalls++);
  return {
    session,
    events,
    closes: () => events.filter((e): e is CloseEvent => e.type === 'close'),
    upgrades: () =>
      events.filter((e): e is UpgradeEvent => e.type === 'upgrade').map((e) => `${e.leg} ${e.stage}`),
    errors: () => events.flatMap((e) => (e.type === 'error' ? [e.message] : [])),
    closedCalls: () => closedCalls,
  };
}

const packet = (type: EnginePacket['type'], data?: string): EnginePacket => ({
  type,
  ...(data !== undefined ? { data } : {}),
  wireSize: 1 + (data?.length ?? 0),
});

test('opening until announced, then open; a close frame makes it closing, a leg gone closed', () => {
  const s = start(wsLink());
  assert.equal(s.session.readyState, 'opening');
  s.session.announce(REQ, 'http://target', []);
  assert.equal(s.session.readyState, 'open');
  s.session.closeFrameSent('client', 1000);
  assert.equal(s.session.readyState, 'closing');
  assert.equal(s.closes().length, 0, 'no connection is gone yet');
  assert.equal(s.closedCalls(), 0);
  s.session.websocketLegClosed('client', true, { leg: 'client', code: 1000 });
  assert.equal(s.session.readyState, 'closed');
  assert.equal(s.closedCalls(), 1);
});

test('the end is named once: later facts close legs but never rename the reasons', () => {
  const s = start(wsLink());
  s.session.announce(REQ, 'http://target', []);
  // The target closed cleanly first; then its connection was cut, then the client's.
  s.session.closeFrameSent('server', 1005);
  s.session.websocketLegClosed('server', true, undefined);
  s.session.websocketLegClosed('client', false, undefined);
  const closes = s.closes();
  assert.deepEqual(
    closes.map((c) => c.leg),
    ['server', 'client'],
  );
  for (const c of closes) {
    assert.equal(c.first, 'server');
    assert.equal(c.clientReason, 'transport close');
    assert.equal(c.serverReason, 'forced close', 'a clean close, not the later cut (1006)');
  }
  // Facts after the end change nothing: no third close, no second notice to the table.
  s.session.targetUnreachable();
  s.session.polled('c2s', [packet('close')]);
  s.session.checkSilence(Date.now() + 10 * 60_000);
  assert.equal(s.session.readyState, 'closed', 'states only move forward');
  assert.equal(s.closes().length, 2);
  assert.equal(s.closedCalls(), 1);
});

test('polling: an overlap is the session’s call, and an abandoned poll ends both legs at once', () => {
  const s = start();
  s.session.announce(REQ, 'http://target', []);
  s.session.pollStarted('get');
  assert.equal(s.errors().length, 0);
  s.session.pollStarted('get');
  assert.match(s.errors()[0] ?? '', /second GET while one is in flight/);
  assert.deepEqual(s.session.inflight, { get: 2, post: 0 });
  s.session.pollEnded('get', 'answered');
  assert.equal(s.events.filter((e) => e.type === 'drain').length, 1, 'an answered poll drains the server');
  assert.equal(s.session.readyState, 'open');
  s.session.pollEnded('get', 'abandoned');
  assert.equal(s.session.readyState, 'closed');
  assert.deepEqual(s.session.inflight, { get: 0, post: 0 });
  assert.deepEqual(
    s.closes().map((c) => [c.leg, c.first, c.serverReason]),
    [
      ['client', 'client', 'transport error'],
      ['server', 'client', 'transport error'],
    ],
  );
});

test('a request the relay cut itself is no abandonment; the target’s 413 keeps the session, its 400 "unknown sid" ends it', () => {
  const s = start();
  s.session.announce(REQ, 'http://target', []);
  s.session.pollStarted('post');
  s.session.pollEnded('post', 'cut');
  s.session.targetRefused(413, 'Payload Too Large');
  assert.equal(s.session.readyState, 'open');
  s.session.targetRefused(400, '{"code":1,"message":"Session ID unknown"}');
  assert.equal(s.session.readyState, 'closed');
  assert.deepEqual(
    s.closes().map((c) => [c.leg, c.first]),
    [
      ['server', 'server'],
      ['client', 'server'],
    ],
  );
  assert.equal(s.closes()[0]?.description, 'the target refused a request of the session (HTTP 400)');
});

test('a close packet over polling ends both legs; over a WebSocket it waits for the connections', () => {
  const polling = start();
  polling.session.announce(REQ, 'http://target', []);
  polling.session.polled('c2s', [packet('close')]);
  assert.equal(polling.session.readyState, 'closed');
  assert.equal(polling.closes().length, 2);

  const ws = start(wsLink());
  ws.session.announce(REQ, 'http://target', []);
  ws.session.observe('c2s', [packet('close')], 'websocket');
  assert.equal(ws.session.readyState, 'closing');
  assert.equal(ws.closes().length, 0);
});

test('upgrade: probe, then the `5` moves the session onto the WebSocket link', () => {
  const s = start();
  s.session.announce(REQ, 'http://target', []);
  const ws = wsLink();
  // A `5` outside a probe is no upgrade.
  s.session.upgradePacketSent(ws);
  assert.equal(s.session.transport, 'polling');
  s.session.upgradeRequested();
  assert.equal(s.session.upgrading, true);
  s.session.probeSent();
  s.session.upgradePacketSent(ws);
  assert.equal(s.session.transport, 'websocket');
  assert.equal(s.session.upgrading, false);
  assert.deepEqual(s.upgrades(), ['server probe', 'client probe', 'client success', 'server success']);
  // The old transport's requests no longer end the session.
  s.session.pollStarted('get');
  s.session.pollEnded('get', 'abandoned');
  assert.equal(s.session.readyState, 'open');
});

test('a WebSocket that closes during the probe fails the upgrade and the session lives on over polling', () => {
  const s = start();
  s.session.announce(REQ, 'http://target', []);
  s.session.upgradeRequested();
  s.session.websocketLegClosed('server', true, undefined);
  s.session.websocketLegClosed('client', false, undefined);
  assert.deepEqual(s.upgrades(), ['server probe', 'server failure']);
  assert.equal(s.session.upgrading, false);
  assert.equal(s.session.transport, 'polling');
  assert.equal(s.session.readyState, 'open');
  assert.equal(s.closes().length, 0);
});

test('the target closing the WebSocket after answering the probe, with no poll waiting, ends the session', () => {
  const s = start();
  s.session.announce(REQ, 'http://target', []);
  s.session.upgradeRequested();
  s.session.probeSent();
  s.session.probeAnsweredByTarget();
  // With a poll in flight the client still polls: the session lives on over it.
  s.session.pollStarted('get');
  s.session.websocketLegClosed('server', true, undefined);
  s.session.websocketLegClosed('client', false, undefined);
  assert.equal(s.session.readyState, 'open');
  s.session.pollEnded('get', 'answered');
  // The next probe is answered, the client pauses polling to switch, and the target goes down.
  s.session.upgradeRequested();
  s.session.probeSent();
  s.session.probeAnsweredByTarget();
  s.session.websocketLegClosed('server', true, undefined);
  s.session.websocketLegClosed('client', false, undefined);
  assert.deepEqual(s.upgrades().slice(-2), ['client probe', 'server failure']);
  assert.equal(s.session.readyState, 'closed');
  assert.deepEqual(
    s.closes().map((c) => [c.leg, c.first, c.clientReason]),
    [
      ['server', 'server', 'transport close'],
      ['client', 'server', 'transport close'],
    ],
  );
});

test('silence ends a session only when no link is busy and the heartbeat window has passed', () => {
  const ws = wsLink();
  const s = start(ws);
  s.session.announce(REQ, 'http://target', []);
  // Past the window (ping interval + timeout + grace) counted from now, after the session last saw
  // anything: computed before `start`, a slow millisecond there left it inside the window.
  const later = Date.now() + 25_000 + 20_000 + 10_000 + 1;
  s.session.checkSilence(later);
  assert.equal(s.session.readyState, 'open', 'an open WebSocket is alive whatever the clock says');
  ws.busy = false;
  s.session.checkSilence(Date.now() + 1000);
  assert.equal(s.session.readyState, 'open', 'within the heartbeat window');
  s.session.checkSilence(later);
  assert.equal(s.session.readyState, 'closed');
  assert.deepEqual(
    s.closes().map((c) => [c.leg, c.first, c.clientReason]),
    [
      ['server', 'server', 'ping timeout'],
      ['client', 'server', 'ping timeout'],
    ],
  );

  const polling = start();
  polling.session.announce(REQ, 'http://target', []);
  polling.session.pollStarted('get');
  polling.session.checkSilence(later + 60_000);
  assert.equal(polling.session.readyState, 'open', 'a poll in flight keeps it alive');
});
