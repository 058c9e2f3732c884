/**
 * The panel's problems, for a capture without `problem` events (the source layer runs the detectors
 * of shared/analysis, panel/src/source/analysis.ts; the store lists what they find): error events
 * merged when repeated, a refused namespace, a failed upgrade, payloads over maxPayload, reserved
 * event names, an event sent again after a reconnect, dropped events. For a source that carries the
 * proxy's problems, the store lists those. Also rooms from admin-ui and inferred groups; the stats.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProblemEvent, ProxyEvent, UnstampedEvent } from '../../shared/events.js';
import { attachSource } from '../../panel/src/source/adapter.js';
import { SourceAnalysis, type ProblemsFrom } from '../../panel/src/source/analysis.js';
import { FileSource } from '../../panel/src/source/file-source.js';
import { createPanelStore } from '../../panel/src/store/panel-store.js';
import { applyEvents, createModel, type PanelModel } from '../../panel/src/store/reduce.js';
import { problemList, roomList, roomsOf } from '../../panel/src/store/selectors.js';
import { statsSeries } from '../../panel/src/store/stats.js';
import { EventFactory } from '../support/panel-events.js';

/** A model fed as attachSource feeds it: each batch through the source layer's analysis first. */
function panelOf(from: ProblemsFrom = 'panel'): { model: PanelModel; apply(events: ProxyEvent[]): void } {
  const model = createModel();
  const analysis = new SourceAnalysis(from);
  return { model, apply: (events) => void applyEvents(model, analysis.run(events)) };
}

test('error events become problems; repeats are merged with a count', () => {
  const f = new EventFactory();
  const { model, apply } = panelOf();
  const err = (): UnstampedEvent => ({
    type: 'error',
    sessionId: 'S',
    message: 'the target answered 400 bad request',
  });
  apply([f.session('S', 'k'), f.ev(err()), f.ev(err()), f.ev(err())]);
  const list = problemList(model);
  assert.equal(list.length, 1);
  assert.equal(list[0]?.count, 3);
  assert.deepEqual(list[0]?.seqs, [2, 3, 4]);
});

test('derived problems: refused namespace, failed upgrade, oversize packet and close, reserved name, dropped', () => {
  const f = new EventFactory();
  const { model, apply } = panelOf();
  const session = f.session('S', 'k');
  const refused = f.ev({ type: 'connect_error', sessionId: 'S', nsp: '/secure', message: 'not authorized' });
  const failed = f.ev({
    type: 'upgrade',
    sessionId: 'S',
    leg: 'client',
    stage: 'failure',
    reason: 'websocket error',
  });
  const big = f.emit('S', 'c2s', 'upload', ['x'], { size: 5000 }); // maxPayload is 1000 in the factory
  apply([
    session,
    refused,
    failed,
    big,
    f.emit('S', 's2c', 'disconnect', ['oops']),
    f.ev({
      type: 'close',
      sessionId: 'S',
      leg: 'server',
      first: 'server',
      reason: 'transport error',
      clientReason: 'transport close',
      serverReason: 'transport error',
      description: "a message over the target's maxHttpBufferSize (WebSocket 1009)",
    }),
    f.ev({ type: 'dropped', count: 12, reason: 'observer too slow' }),
  ]);
  const kinds = problemList(model)
    .map((p) => p.kind)
    .sort();
  assert.deepEqual(kinds, [
    'connect_error',
    'dropped',
    'payload-too-large',
    'payload-too-large',
    'reserved-event',
    'upgrade-failed',
  ]);
  const closeProblem = problemList(model).find(
    (p) => p.kind === 'payload-too-large' && p.title.startsWith('session closed'),
  );
  assert.equal(closeProblem?.seqs[0], big.seq, 'the close is linked to the big packet');
  assert.equal(model.dropped.events, 12);
});

test('an acked event left unanswered by a drop and sent again after the reconnect is flagged', () => {
  const f = new EventFactory();
  const { model, apply } = panelOf();
  const session = f.session('A', 'k');
  const first = f.emit('A', 'c2s', 'pay', [{ amount: 10 }], { id: 1 });
  const answered = f.emit('A', 'c2s', 'ping', [], { id: 2 });
  const pong = f.ack('A', 's2c', 2, []);
  apply([
    session,
    first,
    answered,
    pong,
    f.ev({
      type: 'ack',
      sessionId: 'A',
      nsp: '/',
      id: 2,
      direction: 'c2s',
      event: 'ping',
      latency: 1,
      eventSeq: answered.seq,
      ackSeq: pong.seq,
    }),
    f.ev({
      type: 'close',
      sessionId: 'A',
      leg: 'client',
      first: 'client',
      reason: 'transport close',
      clientReason: 'transport close',
      serverReason: 'transport close',
    }),
    f.session('B', 'k'),
    f.emit('B', 'c2s', 'ping', [], { id: 2 }), // was acked: not a duplicate
  ]);
  const again = f.emit('B', 'c2s', 'pay', [{ amount: 10 }], { id: 1 });
  apply([again]);
  const dups = problemList(model).filter((p) => p.kind === 'handled-twice');
  assert.equal(dups.length, 1);
  assert.deepEqual(dups[0]?.seqs, [first.seq, again.seq]);
});

test('a source that carries the proxy’s problems: listed as they come, merged, none derived again', () => {
  const f = new EventFactory();
  const { model, apply } = panelOf('source');
  const session = f.session('S', 'k');
  const reserved = f.emit('S', 'c2s', 'disconnect', [], { size: 5000 }); // over maxPayload too
  const problem = () => f.problem('S', reserved.seq);
  apply([session, reserved, problem(), problem(), f.ev({ type: 'dropped', count: 3, reason: 'slow' })]);
  const list = problemList(model);
  assert.deepEqual(
    list.map((p) => [p.kind, p.count]),
    [
      ['dropped', 1],
      ['reserved-event', 2],
    ],
    'the proxy’s problem merged; only the panel’s own missed events derived here',
  );
  assert.equal(list[1]?.fix, 'Rename the event.');
  assert.deepEqual(list[1]?.evidence, ['packet #2 is an EVENT named "disconnect"']);
  assert.deepEqual(list[1]?.seqs, [reserved.seq, reserved.seq]);
});

test('a derived problem sorts right after the event that raised it and passes the cursor', () => {
  const f = new EventFactory();
  const analysis = new SourceAnalysis('panel');
  const session = f.session('S', 'k');
  const reserved = f.emit('S', 'c2s', 'disconnect', []);
  const next = f.emit('S', 'c2s', 'fine', []);
  const out = analysis.run([session, reserved, next]);
  assert.deepEqual(
    out.map((e) => e.type),
    ['session', 'packet', 'problem', 'packet'],
  );
  const derived = out[2] as ProblemEvent;
  assert.ok(derived.seq > reserved.seq && derived.seq < next.seq, `seq ${derived.seq}`);
  assert.equal(derived.ts, reserved.ts);
  const model = createModel();
  const r = applyEvents(model, out);
  assert.equal(r.applied, 4);
  assert.equal(problemList(model).length, 1);
});

test('a capture file shows the same problems whether it was recorded with them or without', async () => {
  const f = new EventFactory();
  const session = f.session('S', 'k');
  const reserved = f.emit('S', 'c2s', 'disconnect', []);
  const proxyProblem = f.problem('S', reserved.seq);
  const open = async (events: ProxyEvent[]) => {
    const text = events.map((e) => JSON.stringify(e)).join('\n');
    const file = Object.assign(new Blob([text]), { name: 'capture.ndjson' });
    const store = createPanelStore();
    const stop = attachSource(new FileSource(file), store);
    for (let i = 0; i < 100 && store.getState().status.state !== 'connected'; i++)
      await new Promise((r) => setTimeout(r, 20));
    stop();
    return problemList(store.getState().model).map((p) => [p.kind, p.title, p.count, p.seqs]);
  };
  const expected = [['reserved-event', '"disconnect" is a reserved event name', 1, [reserved.seq]]];
  assert.deepEqual(await open([session, reserved]), expected, 'derived by the panel');
  assert.deepEqual(await open([session, reserved, proxyProblem]), expected, 'the recorded one, not twice');
});

test('rooms: admin-ui joins and leaves by socket, inferred groups replaced whole, own rooms hidden', () => {
  const f = new EventFactory();
  const model = createModel();
  applyEvents(model, [
    f.ev({
      type: 'room',
      action: 'join',
      source: 'admin-ui',
      nsp: '/',
      room: 'lobby',
      socketId: 's1',
      sessionId: 'A',
    }),
    f.ev({
      type: 'room',
      action: 'join',
      source: 'admin-ui',
      nsp: '/',
      room: 'lobby',
      socketId: 's2',
      sessionId: 'B',
    }),
    f.ev({
      type: 'room',
      action: 'join',
      source: 'admin-ui',
      nsp: '/',
      room: 's1',
      socketId: 's1',
      own: true,
    }),
    f.ev({ type: 'room', action: 'leave', source: 'admin-ui', nsp: '/', room: 'lobby', socketId: 's2' }),
    f.ev({
      type: 'room',
      action: 'group',
      source: 'inferred',
      nsp: '/',
      room: '<inferred #1: chat>',
      members: ['A', 'B'],
    }),
    f.ev({
      type: 'room',
      action: 'group',
      source: 'inferred',
      nsp: '/',
      room: '<inferred #1: chat>',
      members: ['A'],
    }),
  ]);
  const rooms = roomList(model, false);
  assert.deepEqual(
    rooms.map((r) => [r.room, r.source, r.members]),
    [
      ['<inferred #1: chat>', 'inferred', ['A']],
      ['lobby', 'admin-ui', ['s1']],
    ],
  );
  assert.equal(roomList(model, true).length, 3);
  assert.deepEqual(
    roomsOf(model, 'A', 's1', '/')
      .map((r) => r.room)
      .sort(),
    ['<inferred #1: chat>', 'lobby', 's1'],
  );
});

test('stats: packets and bytes per second, live sessions over the window, zero before the first event', () => {
  const f = new EventFactory();
  const model = createModel();
  applyEvents(model, [f.session('A', 'k'), f.emit('A', 'c2s', 'a', [], { size: 10 })]);
  f.ts += 2000;
  applyEvents(model, [
    f.session('B', 'k'),
    f.emit('B', 'c2s', 'b', [], { size: 20 }),
    f.emit('B', 's2c', 'c', [], { size: 30 }),
    f.ev({
      type: 'close',
      sessionId: 'A',
      leg: 'client',
      first: 'client',
      reason: 'transport close',
      clientReason: 'transport close',
      serverReason: 'transport close',
    }),
    f.ev({
      type: 'close',
      sessionId: 'A',
      leg: 'server',
      first: 'client',
      reason: 'transport close',
      clientReason: 'transport close',
      serverReason: 'transport close',
    }),
  ]);
  const series = statsSeries(model.stats);
  const n = series.packets.length;
  assert.equal(n, 300);
  assert.deepEqual(series.packets.slice(-3), [1, 0, 2]);
  assert.deepEqual(series.bytes.slice(-3), [10, 0, 50]);
  assert.deepEqual(series.live.slice(-4), [0, 1, 1, 1], 'both closes of A count once');
  assert.equal(model.stats.liveNow, 1);
});
