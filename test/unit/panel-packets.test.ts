/**
 * The panel's packet store (bounded, oldest evicted, counted), ack linking, and the filter: which rows
 * each filter keeps, the incremental filtered view, and filtering 200 000 packets within 100 ms.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PacketEvent, UnstampedEvent } from '../../shared/events.js';
import { compileFilter, EMPTY_FILTER, type PacketFilter } from '../../panel/src/store/filter.js';
import { FilteredPackets } from '../../panel/src/store/filtered-view.js';
import { PacketStore } from '../../panel/src/store/packet-store.js';
import { applyEvents, createModel } from '../../panel/src/store/reduce.js';
import { jumpIndex } from '../../panel/src/store/selectors.js';
import { EventFactory } from '../support/panel-events.js';

test('the packet store keeps at most maxPackets, evicting the oldest and counting them', () => {
  const f = new EventFactory();
  const store = new PacketStore({ maxPackets: 1000, maxCost: Infinity });
  for (let i = 0; i < 2500; i++) store.add(f.emit('S', 'c2s', 'e', [i]));
  assert.equal(store.size, 1000);
  assert.equal(store.evicted, 1500);
  assert.equal(store.rows.at(0)?.e.seq, 1501);
  assert.equal(store.bySeq(1500), undefined);
  assert.equal(store.bySeq(2000)?.e.seq, 2000);
});

test('the packet store also bounds the memory of big payloads', () => {
  const f = new EventFactory();
  const store = new PacketStore({ maxPackets: 1_000_000, maxCost: 1_000_000 });
  const big = 'x'.repeat(10_000);
  for (let i = 0; i < 200; i++) store.add(f.emit('S', 'c2s', 'big', [big]));
  assert.ok(store.size < 60, `held ${store.size}`);
  assert.equal(store.size + store.evicted, 200);
});

test('ack events link the EVENT and ACK rows both ways, with the latency', () => {
  const f = new EventFactory();
  const model = createModel();
  const session = f.session('S', 'k');
  const event = f.emit('S', 'c2s', 'save', [{ doc: 1 }], { id: 7 });
  const ack = f.ack('S', 's2c', 7, ['ok']);
  applyEvents(model, [
    session,
    event,
    ack,
    f.ev({
      type: 'ack',
      sessionId: 'S',
      nsp: '/',
      id: 7,
      direction: 'c2s',
      event: 'save',
      latency: 12.5,
      eventSeq: event.seq,
      ackSeq: ack.seq,
    } satisfies UnstampedEvent),
  ]);
  assert.equal(model.packets.bySeq(event.seq)?.linkSeq, ack.seq);
  assert.equal(model.packets.bySeq(ack.seq)?.linkSeq, event.seq);
  assert.equal(model.packets.bySeq(ack.seq)?.latency, 12.5);
});

function sample(): { store: PacketStore; all: PacketEvent[] } {
  const f = new EventFactory();
  const all: PacketEvent[] = [
    f.emit('A', 'c2s', 'chat message', ['Hello World']),
    f.emit('A', 's2c', 'chat message', ['hello back']),
    f.heartbeat('A', 'ping', 's2c'),
    f.heartbeat('A', 'pong', 'c2s'),
    f.emit('B', 'c2s', 'join', ['room-a'], { nsp: '/admin' }),
    f.ack('B', 's2c', 3, [{ ok: true }], '/admin'),
    f.emit('B', 's2c', 'order:42', [{ total: 99.5 }]),
  ];
  const store = new PacketStore();
  for (const e of all) store.add(e);
  return { store, all };
}

function seqsFor(filter: Partial<PacketFilter>): number[] {
  const { store } = sample();
  const view = new FilteredPackets();
  view.update(store, compileFilter({ ...EMPTY_FILTER, ...filter }));
  return Array.from({ length: view.length }, (_, i) => view.at(i)?.e.seq ?? -1);
}

test('filters: heartbeats hidden by default, direction, session, namespace, type, event, text, regex', () => {
  assert.deepEqual(seqsFor({}), [1, 2, 5, 6, 7]);
  assert.deepEqual(seqsFor({ heartbeats: true }), [1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(seqsFor({ direction: 'c2s' }), [1, 5]);
  assert.deepEqual(seqsFor({ sessionId: 'B' }), [5, 6, 7]);
  assert.deepEqual(seqsFor({ namespace: '/admin' }), [5, 6]);
  assert.deepEqual(seqsFor({ type: 'sio:ACK' }), [6]);
  assert.deepEqual(seqsFor({ type: 'engine:ping', heartbeats: true }), [3]);
  assert.deepEqual(seqsFor({ event: 'CHAT' }), [1, 2]);
  assert.deepEqual(seqsFor({ text: 'hello' }), [1, 2]);
  assert.deepEqual(seqsFor({ text: '"ok":true' }), [6]);
  assert.deepEqual(seqsFor({ text: '/Hello W/' }), [1]);
  assert.deepEqual(seqsFor({ text: '/order:\\d+/' }), [7]);
  assert.deepEqual(seqsFor({ text: '/hello/i', direction: 's2c' }), [2]);
});

test('an invalid regex is reported and filters nothing out', () => {
  const compiled = compileFilter({ ...EMPTY_FILTER, text: '/([a-/' });
  assert.match(compiled.error ?? '', /invalid regex/);
  assert.deepEqual(seqsFor({ text: '/([a-/' }), [1, 2, 5, 6, 7]);
});

test('the filtered view follows appends and evictions without rescanning', () => {
  const f = new EventFactory();
  const store = new PacketStore({ maxPackets: 10, maxCost: Infinity });
  const view = new FilteredPackets();
  const filter = compileFilter({ ...EMPTY_FILTER, direction: 'c2s' });
  for (let i = 0; i < 6; i++) store.add(f.emit('S', i % 2 ? 's2c' : 'c2s', 'e', [i]));
  view.update(store, filter);
  assert.equal(view.length, 3);
  for (let i = 6; i < 16; i++) store.add(f.emit('S', i % 2 ? 's2c' : 'c2s', 'e', [i]));
  assert.equal(view.update(store, filter), true);
  // The store holds seqs 7..16; c2s are the odd seqs.
  assert.deepEqual(
    Array.from({ length: view.length }, (_, i) => view.at(i)?.e.seq),
    [7, 9, 11, 13, 15],
  );
  assert.equal(view.update(store, filter), false, 'nothing new: nothing changed');
  assert.equal(jumpIndex(view, 10), 1, 'jumping to a filtered-out seq lands on the packet before it');
  assert.equal(jumpIndex(view, 13), 3);
});

test('filtering 200 000 packets takes less than 100 ms', () => {
  const f = new EventFactory();
  const names = ['chat message', 'typing', 'cursor', 'order:update', 'presence'];
  const built: PacketEvent[] = [];
  for (let i = 0; i < 200_000; i++) {
    built.push(
      i % 10 === 0
        ? f.heartbeat(`s${i % 50}`, 'ping', 's2c')
        : f.emit(`s${i % 50}`, i % 3 ? 's2c' : 'c2s', names[i % 5] as string, [
            { user: `user-${i % 977}`, text: `message number ${i} about Widget ${i % 131}`, n: i },
          ]),
    );
  }
  // Through JSON, as the panel gets them from the stream (flat strings, not the test's concatenations).
  const events = JSON.parse(JSON.stringify(built)) as PacketEvent[];
  const store = new PacketStore();
  for (const e of events) store.add(e);
  assert.equal(store.size, 200_000);
  const time = (filter: Partial<PacketFilter>) => {
    const view = new FilteredPackets();
    const t = performance.now();
    view.update(store, compileFilter({ ...EMPTY_FILTER, ...filter }));
    return { ms: performance.now() - t, n: view.length };
  };
  const cases: Partial<PacketFilter>[] = [
    {},
    { text: 'widget 77' },
    { text: 'WIDGET 78' },
    { text: '/user-9\\d\\d/' },
    { event: 'order', direction: 's2c' },
    { sessionId: 's7', text: 'number 1' },
  ];
  for (const c of cases) {
    const { ms, n } = time(c);
    assert.ok(n > 0, `${JSON.stringify(c)} matched nothing`);
    assert.ok(ms < 100, `${JSON.stringify(c)} took ${ms.toFixed(1)} ms`);
    console.log(`filter ${JSON.stringify(c)}: ${n} rows in ${ms.toFixed(1)} ms`);
  }
});
