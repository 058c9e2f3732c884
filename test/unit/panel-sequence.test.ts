/**
 * The sequence view's rows (panel/src/views/sequence): a session's packets and lifecycle notes in
 * order, heartbeat runs folded (and unfolded on demand), EVENT -> ACK links on separate tracks when
 * they overlap, the proxy's own packets on one leg, interventions as notes, the virtual window, and
 * the session's packets found in the store and kept up to date.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProxyEvent, UnstampedEvent } from '../../shared/events.js';
import { createPanelStore } from '../../panel/src/store/panel-store.js';
import {
  ackLinks,
  FOLD_FROM,
  rowWindow,
  sequenceRows,
  type SeqRow,
} from '../../panel/src/views/sequence/rows.js';
import { SessionPackets } from '../../panel/src/views/sequence/session-packets.js';
import { EventFactory } from '../support/panel-events.js';

function ack(
  f: EventFactory,
  sid: string,
  e: { seq: number; ts: number },
  a: { seq: number; ts: number },
  id: number,
): ProxyEvent {
  return f.ev(
    {
      type: 'ack',
      sessionId: sid,
      nsp: '/',
      id,
      direction: 'c2s',
      event: 'chat',
      latency: a.ts - e.ts,
      eventSeq: e.seq,
      ackSeq: a.seq,
    } as UnstampedEvent,
    0,
  );
}

function build(events: ProxyEvent[]) {
  const store = createPanelStore();
  store.getState().ingest(events);
  const model = store.getState().model;
  return { store, model, finder: new SessionPackets() };
}

const describe = (rows: SeqRow[]) =>
  rows.map((r) =>
    r.kind === 'packet'
      ? `${r.direction} ${r.span} ${r.label}`
      : r.kind === 'note'
        ? `note ${r.leg}: ${r.text}`
        : `fold ${r.pings}/${r.pongs}`,
  );

test('packets and lifecycle notes in order; heartbeats folded; acks linked', () => {
  const f = new EventFactory();
  const head = [
    f.session('s', 'c'),
    f.ev({ type: 'upgrade', sessionId: 's', leg: 'client', stage: 'success' } as UnstampedEvent),
  ];
  const e1 = f.emit('s', 'c2s', 'chat', ['a'], { id: 1 });
  const e2 = f.emit('s', 'c2s', 'chat', ['b'], { id: 2 });
  const beats = [
    f.heartbeat('s', 'ping', 's2c'),
    f.heartbeat('s', 'pong', 'c2s'),
    f.heartbeat('s', 'ping', 's2c'),
    f.heartbeat('s', 'pong', 'c2s'),
  ];
  const a1 = f.ack('s', 's2c', 1, [true]);
  const l1 = ack(f, 's', e1, a1, 1);
  const a2 = f.ack('s', 's2c', 2, [true]);
  const l2 = ack(f, 's', e2, a2, 2);
  const { model, finder } = build([
    ...head,
    e1,
    e2,
    ...beats,
    a1,
    l1,
    a2,
    l2,
    f.ev({
      type: 'close',
      sessionId: 's',
      leg: 'client',
      first: 'client',
      reason: 'transport close',
      clientReason: 'transport close',
      serverReason: 'transport close',
    } as UnstampedEvent),
  ]);
  const session = model.sessions.get('s')!;
  const packets = finder.of(model.packets, 's');
  assert.equal(packets.length, 8);
  const rows = sequenceRows(session, packets);
  assert.deepEqual(describe(rows), [
    'note both: handshake over polling',
    'note client: upgrade success',
    'c2s both EVENT chat #1',
    'c2s both EVENT chat #2',
    'fold 2/2',
    's2c both ACK #1',
    's2c both ACK #2',
    'note client: closed: transport close',
  ]);
  const links = ackLinks(rows);
  assert.deepEqual(
    links.map((l) => [l.from, l.to, l.track, l.eventSeq, l.ackSeq]),
    [
      [2, 5, 0, e1.seq, a1.seq],
      [3, 6, 1, e2.seq, a2.seq],
    ],
    'overlapping links take separate tracks',
  );
  assert.equal(links[0]?.latency, a1.ts - e1.ts);
  // Unfolded, the run's packets are rows of their own, dashed as heartbeats.
  const open = sequenceRows(session, packets, new Set([beats[0]!.seq]));
  assert.equal(open.filter((r) => r.kind === 'packet' && r.heartbeat).length, 4);
  assert.equal(ackLinks(open)[0]?.to, 8, 'links follow the rows');
});

test('a short run of heartbeats is not folded; the upgrade probe is a packet of its own', () => {
  const f = new EventFactory();
  const head = f.session('s', 'c');
  const probe = f.ev({
    type: 'packet',
    sessionId: 's',
    direction: 'c2s',
    transport: 'websocket',
    engine: 'ping',
    size: 6,
    data: 'probe',
  } as UnstampedEvent);
  const { model, finder } = build([
    head,
    probe,
    f.heartbeat('s', 'ping', 's2c'),
    f.heartbeat('s', 'pong', 'c2s'),
  ]);
  assert.ok(FOLD_FROM > 2);
  const rows = sequenceRows(model.sessions.get('s')!, finder.of(model.packets, 's'));
  assert.deepEqual(describe(rows), [
    'note both: handshake over polling',
    'c2s both ping probe',
    's2c both ping',
    'c2s both pong',
  ]);
  assert.equal(rows[1]?.kind === 'packet' && rows[1].probe, true);
});

test('the proxy’s own packets cross one leg; interventions are notes where they happened', () => {
  const f = new EventFactory();
  const head = [
    f.session('s', 'c'),
    f.ev({
      type: 'intervention',
      sessionId: 's',
      action: 'dropped',
      detail: 'EVENT chat dropped by rule r1',
    } as UnstampedEvent),
  ];
  const injected = { ...f.emit('s', 'c2s', 'hello', []), injected: true };
  const toClient = { ...f.emit('s', 's2c', 'news', []), injected: true };
  const { model, finder } = build([
    ...head,
    injected,
    toClient,
    f.ev({
      type: 'intervention',
      sessionId: 'unknown',
      action: 'dropped',
      detail: 'elsewhere',
    } as UnstampedEvent),
  ]);
  assert.equal(model.sessions.has('unknown'), false, 'an intervention alone makes no session');
  const rows = sequenceRows(model.sessions.get('s')!, finder.of(model.packets, 's'));
  assert.deepEqual(describe(rows), [
    'note both: handshake over polling',
    'note both: proxy dropped: EVENT chat dropped by rule r1',
    'c2s server EVENT hello',
    's2c client EVENT news',
  ]);
});

test('the session’s packets are found once, then kept up to date; another session starts over', () => {
  const f = new EventFactory();
  const { store, finder } = build([
    f.session('a', 'c'),
    f.session('b', 'd'),
    f.emit('a', 'c2s', 'x', []),
    f.emit('b', 'c2s', 'y', []),
  ]);
  const first = finder.of(store.getState().model.packets, 'a');
  assert.equal(first.length, 1);
  assert.equal(finder.of(store.getState().model.packets, 'a'), first, 'the same array while nothing changed');
  store.getState().ingest([f.emit('a', 's2c', 'z', []), f.emit('b', 's2c', 'w', [])]);
  assert.deepEqual(
    finder.of(store.getState().model.packets, 'a').map((r) => r.e.sio?.event),
    ['x', 'z'],
  );
  assert.deepEqual(
    finder.of(store.getState().model.packets, 'b').map((r) => r.e.sio?.event),
    ['y', 'w'],
  );
});

test('the rows evicted from the store leave the session’s list', () => {
  const f = new EventFactory();
  const store = createPanelStore({ limits: { maxPackets: 3, maxCost: 1e9 } });
  const finder = new SessionPackets();
  store.getState().ingest([f.session('a', 'c'), f.emit('a', 'c2s', '1', []), f.emit('a', 'c2s', '2', [])]);
  assert.equal(finder.of(store.getState().model.packets, 'a').length, 2);
  store.getState().ingest([f.emit('a', 'c2s', '3', []), f.emit('a', 'c2s', '4', [])]);
  assert.deepEqual(
    finder.of(store.getState().model.packets, 'a').map((r) => r.e.sio?.event),
    ['2', '3', '4'],
  );
});

test('the virtual window: the rows in view plus the overscan', () => {
  assert.deepEqual(rowWindow(100_000, 24, 0, 480, 10), { first: 0, last: 30 });
  assert.deepEqual(rowWindow(100_000, 24, 24 * 50_000, 480, 10), { first: 49_990, last: 50_030 });
  assert.deepEqual(rowWindow(5, 24, 0, 480, 10), { first: 0, last: 5 });
});
