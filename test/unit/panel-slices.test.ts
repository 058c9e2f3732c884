/**
 * The panel store's slices (panel/src/store/slices.ts) and its pause buffer: a batch bumps the
 * revisions of the slices it changed and no other, so a view subscribed to one slice is not
 * re-rendered by another's traffic; and holding events while paused costs linear time, with no copy
 * of what already waits.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProxyEvent } from '../../shared/events.js';
import { createPanelStore, type PanelStore } from '../../panel/src/store/panel-store.js';
import type { Revisions, Slice } from '../../panel/src/store/slices.js';
import { EventFactory } from '../support/panel-events.js';

/** The slices whose revision moved between two snapshots. */
function bumped(before: Revisions, after: Revisions): Slice[] {
  return (Object.keys(before) as Slice[]).filter((k) => after[k] !== before[k]).sort();
}

function ingestAndDiff(store: PanelStore, events: ProxyEvent[]): Slice[] {
  const before = store.getState().rev;
  store.getState().ingest(events);
  return bumped(before, store.getState().rev);
}

test('a batch bumps the revisions of the slices it changed, and only those', () => {
  const f = new EventFactory();
  const store = createPanelStore();
  assert.deepEqual(ingestAndDiff(store, [f.session('S', 'k')]), ['sessions', 'stats']);
  assert.deepEqual(ingestAndDiff(store, [f.emit('S', 'c2s', 'chat', ['hi'])]), [
    'packets',
    'sessions',
    'stats',
  ]);
  const room = f.ev({
    type: 'room',
    action: 'join',
    source: 'admin-ui',
    nsp: '/',
    room: 'lobby',
    socketId: 's1',
  });
  assert.deepEqual(ingestAndDiff(store, [room]), ['rooms', 'stats']);
  // Problems come from `problem` events (shared/analysis); an error event is only counted.
  const error = f.ev({ type: 'error', message: 'the target answered garbage' });
  assert.deepEqual(ingestAndDiff(store, [error]), ['stats']);
  assert.deepEqual(ingestAndDiff(store, [f.problem('s1', 1)]), ['problems', 'stats']);
  // A packet: its session's counters and the packet table, the rooms and problems untouched.
  assert.deepEqual(ingestAndDiff(store, [f.emit('S', 's2c', 'chat', [])]), ['packets', 'sessions', 'stats']);
  assert.deepEqual(ingestAndDiff(store, [f.ev({ type: 'drain', sessionId: 'S', leg: 'client' })]), [
    'sessions',
    'stats',
  ]);
});

test('a view on one slice is not notified by traffic in another; repeats and pauses bump nothing', () => {
  const f = new EventFactory();
  const store = createPanelStore();
  const history = [f.session('S', 'k'), f.emit('S', 'c2s', 'a', [])];
  store.getState().ingest(history);
  const roomsSeen: number[] = [];
  let notified = 0;
  const offRooms = store.subscribe((s, prev) => {
    notified++;
    if (s.rev.rooms !== prev.rev.rooms) roomsSeen.push(s.rev.rooms);
  });
  for (let i = 0; i < 50; i++) store.getState().ingest([f.emit('S', i % 2 ? 'c2s' : 's2c', 'tick', [i])]);
  assert.deepEqual(roomsSeen, [], 'fifty packet batches: the rooms view has nothing to redo');
  assert.equal(notified, 50);

  const before = store.getState().rev;
  store.getState().ingest(history); // a reconnect's history again: all skipped
  assert.equal(store.getState().rev, before, 'nothing applied, nothing bumped');
  assert.equal(notified, 50, 'and no notification');

  store.getState().pause();
  store.getState().ingest([f.emit('S', 'c2s', 'b', [])]);
  assert.equal(store.getState().rev, before, 'events held while paused change no slice');
  store.getState().resume();
  assert.deepEqual(bumped(before, store.getState().rev), ['packets', 'sessions', 'stats']);

  const restarted = new EventFactory();
  restarted.ts = f.ts + 60_000; // a new proxy process: seqs from 1 again
  const beforeRestart = store.getState().rev;
  store.getState().ingest([restarted.session('T', 'k2')]);
  assert.deepEqual(
    bumped(beforeRestart, store.getState().rev),
    ['packets', 'problems', 'rooms', 'sessions', 'stats'],
    'the model started over: every slice changed',
  );
  offRooms();
});

/**
 * Runs `fn` counting the array elements copied by `concat` and `slice` (how a buffer gets copied),
 * and stops early (returns false) once the count passes `budget`, so quadratic code fails fast.
 */
function withCopyBudget(budget: number, fn: (over: () => boolean) => void): number {
  const proto = Array.prototype as unknown as Record<'concat' | 'slice', (...args: unknown[]) => unknown[]>;
  const { concat, slice } = proto;
  let copied = 0;
  proto.concat = function (this: unknown[], ...args: unknown[]) {
    const out = concat.apply(this, args);
    copied += out.length;
    return out;
  };
  proto.slice = function (this: unknown[], ...args: unknown[]) {
    const out = slice.apply(this, args);
    copied += out.length;
    return out;
  };
  try {
    fn(() => copied > budget);
  } finally {
    proto.concat = concat;
    proto.slice = slice;
  }
  return copied;
}

test('pausing holds 200 000 events in batches of 8 in linear time: what waits is never copied', () => {
  const f = new EventFactory();
  const N = 200_000;
  const batches: ProxyEvent[][] = [[f.session('S', 'k')]];
  for (let i = 0; batches.length * 8 < N; i++) {
    const batch: ProxyEvent[] = [];
    for (let j = 0; j < 7; j++) batch.push(f.emit('S', j % 2 ? 'c2s' : 's2c', 'tick', [i, j]));
    batch.push(f.ev({ type: 'drain', sessionId: 'S', leg: 'client' })); // an event, not a packet
    batches.push(batch);
  }
  const store = createPanelStore();
  store.getState().pause();
  let held = 0;
  let copiedWhenOver = -1;
  const t0 = performance.now();
  const copied = withCopyBudget(N, (over) => {
    for (const batch of batches) {
      store.getState().ingest(batch);
      held += batch.length;
      if (over()) {
        copiedWhenOver = held;
        break;
      }
    }
  });
  const ms = performance.now() - t0;
  assert.equal(
    copiedWhenOver,
    -1,
    `holding events copied more elements than events arrived (${copied} copied by the time ${held} were held)`,
  );
  assert.equal(held, batches.length * 8 - 7);
  // The old buffer (one concat per batch) took seconds here; linear work takes a few milliseconds.
  assert.ok(ms < 1000, `holding ${held} events took ${ms.toFixed(0)} ms`);
  const { waiting } = store.getState();
  assert.deepEqual(waiting, { events: held, packets: (batches.length - 1) * 7 }, 'packets counted apart');
  assert.equal(store.getState().model.packets.size, 0);

  store.getState().resume();
  const { model } = store.getState();
  assert.equal(model.packets.size, (batches.length - 1) * 7, 'every held packet applied on resume');
  assert.equal(model.cursor.applied, held);
  const seqs = model.packets.rows.toArray().map((r) => r.e.seq);
  assert.ok(
    seqs.every((s, i) => i === 0 || s > (seqs[i - 1] as number)),
    'in the order they came',
  );
});
