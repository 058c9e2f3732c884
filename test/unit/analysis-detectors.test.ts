/**
 * The problem detectors (shared/analysis): each finds its problem from the events before it, says
 * which packets it concerns, and a clean session yields none. The analyzer bounds what it keeps.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Analyzer } from '../../shared/analysis/analyzer.js';
import type { ProblemReport } from '../../shared/analysis/detector.js';
import { AFTER_DROP_WINDOW_MS } from '../../shared/analysis/detectors/handled-twice.js';
import type { ProxyEvent, UnstampedEvent } from '../../shared/events.js';
import { EventFactory } from '../support/panel-events.js';

/** Runs `events` through a fresh analyzer with every detector; returns what it reported. */
function analyse(events: readonly ProxyEvent[]): ProblemReport[] {
  const found: ProblemReport[] = [];
  const analyzer = new Analyzer((p) => found.push(p));
  for (const e of events) analyzer.observe(e);
  return found;
}

const close = (sid: string, leg: 'client' | 'server', extra: Partial<UnstampedEvent> = {}): UnstampedEvent =>
  ({
    type: 'close',
    sessionId: sid,
    leg,
    first: 'client',
    reason: 'transport close',
    clientReason: 'transport close',
    serverReason: 'transport close',
    ...extra,
  }) as UnstampedEvent;

const ackEvent = (f: EventFactory, sid: string, id: number, eventSeq: number, ackSeq: number) =>
  f.ev({
    type: 'ack',
    sessionId: sid,
    nsp: '/',
    id,
    direction: 'c2s',
    event: 'ping',
    latency: 1,
    eventSeq,
    ackSeq,
  });

/** A session that does everything right: connect, acks both ways, heartbeats, upgrade, a reconnect. */
function cleanTraffic(f: EventFactory): ProxyEvent[] {
  const out: ProxyEvent[] = [f.session('A', 'k')];
  out.push(
    f.ev({ type: 'connect', sessionId: 'A', nsp: '/', socketId: 's1', recovered: false }),
    f.ev({ type: 'upgrade', sessionId: 'A', leg: 'client', stage: 'probe' }),
    f.ev({ type: 'upgrade', sessionId: 'A', leg: 'client', stage: 'success' }),
    f.heartbeat('A', 'ping', 's2c'),
    f.heartbeat('A', 'pong', 'c2s'),
  );
  const ask = f.emit('A', 'c2s', 'ping', [{ n: 1 }], { id: 1 });
  const answer = f.ack('A', 's2c', 1, ['pong']);
  out.push(ask, answer, ackEvent(f, 'A', 1, ask.seq, answer.seq));
  out.push(f.emit('A', 's2c', 'chat', ['hi']), f.emit('A', 'c2s', 'chat', ['x'.repeat(900)]));
  out.push(f.ev(close('A', 'client')), f.ev(close('A', 'server')));
  out.push(
    f.ev({ type: 'attempt', clientKey: 'k', attempt: 1, delay: 50, outcome: 'connected', sessionId: 'B' }),
  );
  out.push(f.session('B', 'k'), f.emit('B', 'c2s', 'ping', [{ n: 1 }], { id: 1 }));
  return out;
}

test('a clean session yields no problem', () => {
  assert.deepEqual(analyse(cleanTraffic(new EventFactory())), []);
});

describe('proxy errors, refused namespaces, failed upgrades, dropped events', () => {
  test('each is one problem linked to its event, with a fix', () => {
    const f = new EventFactory();
    const events = [
      f.session('S', 'k'),
      f.ev({ type: 'error', sessionId: 'S', message: 'the target answered 400 bad request', received: 'x' }),
      f.ev({
        type: 'connect_error',
        sessionId: 'S',
        nsp: '/secure',
        message: 'not authorized',
        data: { a: 1 },
      }),
      f.ev({ type: 'upgrade', sessionId: 'S', leg: 'client', stage: 'failure', reason: 'websocket error' }),
      f.ev({ type: 'dropped', count: 12, reason: 'observer too slow' }),
    ];
    const found = analyse(events);
    assert.deepEqual(
      found.map((p) => [p.kind, p.severity, p.seqs, p.confidence]),
      [
        ['error', 'error', [2], 'certain'],
        ['connect_error', 'warning', [3], 'certain'],
        ['upgrade-failed', 'warning', [4], 'certain'],
        ['dropped', 'error', [5], 'certain'],
      ],
    );
    assert.equal(found[0]?.title, 'the target answered 400 bad request');
    assert.equal(found[0]?.detail, 'received: x');
    assert.equal(found[1]?.title, 'namespace /secure refused the client: not authorized');
    assert.equal(found[1]?.detail, 'data: {"a":1}');
    assert.equal(found[2]?.title, 'upgrade to WebSocket failed on the client leg: websocket error');
    assert.match(found[3]?.detail ?? '', /events 1\.\.5/);
    for (const p of found) {
      assert.ok(p.fix.length > 40, `${p.kind} has a fix`);
      assert.ok(p.evidence.length > 0, `${p.kind} has evidence`);
    }
    assert.deepEqual(
      found.map((p) => p.sessionId),
      ['S', 'S', 'S', undefined],
    );
  });

  test('an upgrade probe or success is no problem', () => {
    const f = new EventFactory();
    const events = [
      f.session('S', 'k'),
      f.ev({ type: 'upgrade', sessionId: 'S', leg: 'server', stage: 'probe' }),
      f.ev({ type: 'upgrade', sessionId: 'S', leg: 'server', stage: 'success' }),
    ];
    assert.deepEqual(analyse(events), []);
  });
});

describe('reserved event names', () => {
  test('either direction, by name; other names and ACKs are fine', () => {
    const f = new EventFactory();
    const events = [
      f.session('S', 'k'),
      f.emit('S', 's2c', 'disconnect', ['oops']),
      f.emit('S', 'c2s', 'newListener', []),
      f.emit('S', 'c2s', 'disconnected', []), // not reserved
      f.ack('S', 's2c', 1, ['connect']),
    ];
    const found = analyse(events);
    assert.deepEqual(
      found.map((p) => [p.kind, p.title, p.seqs]),
      [
        ['reserved-event', '"disconnect" is a reserved event name', [2]],
        ['reserved-event', '"newListener" is a reserved event name', [3]],
      ],
    );
    assert.match(found[0]?.detail ?? '', /sent by the server/);
    assert.match(found[1]?.detail ?? '', /sent by the client/);
  });

  test('refused by socket.io-parser: the error and the unread packet after it, linked', () => {
    const f = new EventFactory();
    const wire = '2/admin,7["disconnecting","now"]';
    const refused = (sid: string, received: string) =>
      f.ev({
        type: 'error',
        sessionId: sid,
        message: 'invalid Socket.IO packet (invalid payload): the peer will reject it',
        received,
      });
    const raw = (sid: string, data: string) =>
      f.ev({
        type: 'packet',
        sessionId: sid,
        direction: 'c2s',
        transport: 'websocket',
        engine: 'message',
        size: data.length + 1,
        raw: true,
        data,
      } as UnstampedEvent);
    const events = [f.session('S', 'k'), f.session('T', 'k2')];
    const error = refused('S', wire);
    const other = f.heartbeat('T', 'ping', 's2c'); // another session's event in between
    const packet = raw('S', wire);
    const lone = refused('T', '2["newListener"]'); // its packet never shows
    const end = f.ev(close('T', 'client'));
    const garbage = refused('S', '2["chat" oops');
    const found = analyse([...events, error, other, packet, lone, end, garbage, raw('S', '2["chat" oops')]);
    assert.deepEqual(
      found.map((p) => [p.kind, p.title, p.sessionId, p.seqs, p.detail]),
      [
        [
          'error',
          'invalid Socket.IO packet (invalid payload): the peer will reject it',
          'S',
          [error.seq],
          `received: ${wire}`,
        ],
        [
          'reserved-event',
          '"disconnecting" is a reserved event name',
          'S',
          [packet.seq, error.seq],
          'sent by the client; the server refuses it as an invalid payload and drops the connection',
        ],
        ['error', lone.type === 'error' ? lone.message : '', 'T', [lone.seq], 'received: 2["newListener"]'],
        [
          'reserved-event',
          '"newListener" is a reserved event name',
          'T',
          [lone.seq],
          'sent by a peer; the peer refuses it as an invalid payload and drops the connection',
        ],
        [
          'error',
          'invalid Socket.IO packet (invalid payload): the peer will reject it',
          'S',
          [garbage.seq],
          'received: 2["chat" oops',
        ],
      ],
    );
  });
});

describe('payloads over maxPayload', () => {
  test('a client packet over the open packet’s maxPayload; not one at the limit, not the server’s', () => {
    const f = new EventFactory(); // maxPayload 1000
    const atLimit = f.emit('S', 'c2s', 'upload', ['x'], { size: 1000 });
    const events = [f.session('S', 'k'), atLimit, f.emit('S', 's2c', 'download', ['x'], { size: 5000 })];
    const big = f.emit('S', 'c2s', 'upload', ['x'], { size: 5000 });
    events.push(big);
    const found = analyse(events);
    // Issue #17: a payload near maxHttpBufferSize is a warning before it bites; one exactly at the
    // limit is the nearest there is (payload-near-limit), and still not over it.
    assert.deepEqual(
      found.map((p) => [p.kind, p.seqs]),
      [
        ['payload-near-limit', [atLimit.seq]],
        ['payload-too-large', [big.seq]],
      ],
    );
    assert.equal(found[1]?.title, "a 5000-byte packet is over the target's maxPayload (1000 bytes)");
  });

  test('a session without maxPayload (Engine.IO 3) is not checked', () => {
    const f = new EventFactory();
    const events = [
      f.session('S', 'k', { eio: 3, open: { pingInterval: 25000, pingTimeout: 5000, upgrades: [] } }),
      f.emit('S', 'c2s', 'upload', ['x'], { size: 5_000_000 }),
    ];
    assert.deepEqual(analyse(events), []);
  });

  test('a 413/1009 close is linked to the largest recent client packet, once for both legs', () => {
    const f = new EventFactory();
    const session = f.session('S', 'k', {
      open: { pingInterval: 25000, pingTimeout: 20000, upgrades: [] }, // no maxPayload: only the close tells
    });
    const small = f.emit('S', 'c2s', 'a', ['x'], { size: 10 });
    const big = f.emit('S', 'c2s', 'upload', ['x'], { size: 5000 });
    const after = f.emit('S', 'c2s', 'b', ['x'], { size: 20 });
    const description = "a message over the target's maxHttpBufferSize (WebSocket 1009)";
    const first = f.ev(close('S', 'server', { first: 'server', reason: 'transport error', description }));
    const second = f.ev(close('S', 'client', { first: 'server', description }));
    const found = analyse([session, small, big, after, first, second]);
    assert.equal(found.length, 1, 'the second leg’s close is not a second end');
    assert.equal(found[0]?.title, "session closed: a payload over the target's maxHttpBufferSize");
    assert.deepEqual(found[0]?.seqs, [big.seq, first.seq]);
    assert.match(found[0]?.detail ?? '', /largest recent client packet is 5000 bytes/);
  });

  test('a 413 close long after the last client packet names no culprit', () => {
    const f = new EventFactory();
    const session = f.session('S', 'k');
    const old = f.emit('S', 'c2s', 'upload', ['x'], { size: 500 });
    f.ts += 10_000;
    const end = f.ev(
      close('S', 'server', {
        first: 'server',
        description: "a payload over the target's maxHttpBufferSize (HTTP 413)",
      }),
    );
    const found = analyse([session, old, end]);
    assert.deepEqual(found[0]?.seqs, [end.seq]);
  });

  test('an ordinary close is no problem', () => {
    const f = new EventFactory();
    const events = [
      f.session('S', 'k'),
      f.emit('S', 'c2s', 'a', [], { size: 900 }),
      f.ev(close('S', 'client')),
    ];
    assert.deepEqual(analyse(events), []);
  });
});

describe('events handled twice after a reconnect', () => {
  test('an acked event left unanswered by a drop and sent again after the reconnect is flagged', () => {
    const f = new EventFactory();
    const session = f.session('A', 'k');
    const first = f.emit('A', 'c2s', 'pay', [{ amount: 10 }], { id: 1 });
    const answered = f.emit('A', 'c2s', 'ping', [], { id: 2 });
    const pong = f.ack('A', 's2c', 2, []);
    const events = [
      session,
      first,
      answered,
      pong,
      ackEvent(f, 'A', 2, answered.seq, pong.seq),
      f.ev(close('A', 'client')),
      f.session('B', 'k'),
      f.emit('B', 'c2s', 'ping', [], { id: 2 }), // was acked: not a duplicate
    ];
    const again = f.emit('B', 'c2s', 'pay', [{ amount: 10 }], { id: 1 });
    const found = analyse([...events, again]);
    assert.equal(found.length, 1);
    assert.equal(found[0]?.kind, 'handled-twice');
    assert.equal(found[0]?.title, '"pay" sent again after a reconnect');
    assert.deepEqual(found[0]?.seqs, [first.seq, again.seq]);
    assert.equal(found[0]?.confidence, 'likely');
    assert.equal(found[0]?.sessionId, 'B');
  });

  test('not for other args, another client, once only, nor long after the drop', () => {
    const f = new EventFactory();
    const events = [
      f.session('A', 'k'),
      f.emit('A', 'c2s', 'pay', [{ amount: 10 }], { id: 1 }),
      f.ev(close('A', 'client')),
      f.session('C', 'other client'),
      f.emit('C', 'c2s', 'pay', [{ amount: 10 }], { id: 1 }),
      f.session('B', 'k'),
      f.emit('B', 'c2s', 'pay', [{ amount: 11 }], { id: 1 }),
    ];
    assert.deepEqual(analyse(events), []);
    const g = new EventFactory();
    const late = [g.session('A', 'k'), g.emit('A', 'c2s', 'pay', [1], { id: 1 }), g.ev(close('A', 'client'))];
    g.ts += AFTER_DROP_WINDOW_MS + 1;
    late.push(g.session('B', 'k'), g.emit('B', 'c2s', 'pay', [1], { id: 1 }));
    assert.deepEqual(analyse(late), [], 'past the window');
    const h = new EventFactory();
    const twice = [
      h.session('A', 'k'),
      h.emit('A', 'c2s', 'pay', [1], { id: 1 }),
      h.ev(close('A', 'client')),
      h.session('B', 'k'),
      h.emit('B', 'c2s', 'pay', [1], { id: 1 }),
      h.emit('B', 'c2s', 'pay', [1], { id: 2 }),
    ];
    assert.equal(analyse(twice).length, 1, 'one resend matches one drop');
  });
});

describe('clients that cannot connect (issue #10)', () => {
  test('a target that is down: each failed attempt is a target-unreachable problem with the fix', () => {
    const f = new EventFactory();
    const error = 'refused the connection (ECONNREFUSED): is it running?';
    const events = [
      f.ev({
        type: 'attempt',
        clientKey: 'k',
        attempt: 1,
        delay: 50,
        cause: 'transport close',
        outcome: 'failed',
        error,
      }),
      f.ev({
        type: 'attempt',
        clientKey: 'k',
        attempt: 2,
        delay: 100,
        cause: 'transport close',
        outcome: 'failed',
        error,
      }),
      f.ev({ type: 'attempt', clientKey: 'k', attempt: 3, delay: 100, outcome: 'connected', sessionId: 'S' }),
    ];
    const found = analyse(events);
    assert.deepEqual(
      found.map((p) => [p.kind, p.title, p.seqs]),
      [
        ['target-unreachable', `the target is unreachable: ${error}`, [1]],
        ['target-unreachable', `the target is unreachable: ${error}`, [2]],
      ],
    );
    assert.match(found[0]?.fix ?? '', /Start the app, or check --target/);
    assert.ok(found[0]?.evidence.some((l) => l.includes('attempt 1 failed')));
    assert.equal(found[0]?.sessionId, undefined);
  });

  test('a handshake the target answered with an error status is handshake-refused', () => {
    const f = new EventFactory();
    const found = analyse([
      f.ev({
        type: 'attempt',
        clientKey: 'k',
        attempt: 0,
        delay: 0,
        outcome: 'failed',
        error: 'the target answered 403: {"code":4,"message":"Forbidden"}',
      }),
    ]);
    assert.deepEqual(
      found.map((p) => [p.kind, p.title]),
      [['handshake-refused', 'the target refused the handshake with HTTP 403']],
    );
  });
});

describe('the analyzer', () => {
  test('forgets a session when it ends, ignores problem events, survives sessions it never saw begin', () => {
    const f = new EventFactory();
    const found: ProblemReport[] = [];
    const analyzer = new Analyzer((p) => found.push(p));
    for (const e of cleanTraffic(f)) analyzer.observe(e);
    assert.equal(analyzer.size, 1, 'A ended, B is live');
    analyzer.observe(f.problem('B', 1)); // never evidence of another
    analyzer.observe(f.emit('Z', 'c2s', 'disconnect', [], { size: 5000 })); // no session event for Z
    analyzer.observe(f.ev(close('Z', 'client')));
    assert.deepEqual(
      found.map((p) => p.kind),
      ['reserved-event'],
    );
    assert.equal(analyzer.size, 1);
  });
});
