/**
 * The panel's zustand store (panel/src/store/panel-store.ts) and the source adapter: pause/resume
 * buffering, a reconnect's repeated history skipped, a restarted proxy starting the model over, and
 * batches coalesced from a source.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProxyEvent } from '../../shared/events.js';
import { attachSource } from '../../panel/src/source/adapter.js';
import type { EventSource, SourceStatus } from '../../panel/src/source/event-source.js';
import { backoffDelay } from '../../panel/src/source/backoff.js';
import { createPanelStore } from '../../panel/src/store/panel-store.js';
import { EventFactory } from '../support/panel-events.js';

test('while paused, events are buffered, not applied, and applied in order on resume', () => {
  const f = new EventFactory();
  const store = createPanelStore();
  store.getState().ingest([f.session('S', 'k'), f.emit('S', 'c2s', 'a', [])]);
  assert.equal(store.getState().model.packets.size, 1);
  store.getState().pause();
  store.getState().ingest([f.emit('S', 'c2s', 'b', [])]);
  store.getState().ingest([f.emit('S', 's2c', 'c', []), f.emit('S', 's2c', 'd', [])]);
  assert.equal(store.getState().model.packets.size, 1, 'nothing applied while paused');
  assert.deepEqual(store.getState().waiting, { events: 3, packets: 3 });
  const rev = store.getState().rev;
  store.getState().resume();
  const { model, waiting, paused } = store.getState();
  assert.equal(paused, false);
  assert.deepEqual(waiting, { events: 0, packets: 0 });
  assert.deepEqual(
    model.packets.rows.toArray().map((r) => r.e.sio?.event),
    ['a', 'b', 'c', 'd'],
  );
  assert.equal(store.getState().rev.packets, rev.packets + 1, 'one revision bump for the whole buffer');
});

test('a full pause buffer resumes by itself rather than grow without limit', () => {
  const f = new EventFactory();
  const store = createPanelStore({ maxBuffered: 1000 });
  store.getState().pause();
  const many: ProxyEvent[] = [];
  for (let i = 0; i <= 1000; i++) many.push(f.heartbeat('S', 'ping', 's2c'));
  store.getState().ingest(many.slice(0, 600));
  assert.equal(store.getState().paused, true);
  store.getState().ingest(many.slice(600));
  assert.equal(store.getState().paused, false);
  assert.equal(store.getState().autoResumed, true);
  const { packets } = store.getState().model;
  assert.equal(packets.size, 1001, 'every buffered event was applied');
});

test('history sent again after a reconnect is skipped; a restarted proxy starts the model over', () => {
  const f = new EventFactory();
  const store = createPanelStore();
  const first = [f.session('S', 'k'), f.emit('S', 'c2s', 'a', []), f.emit('S', 'c2s', 'b', [])];
  store.getState().ingest(first);
  store.getState().ingest([...first, f.emit('S', 'c2s', 'c', [])]); // the reconnect's history + one new
  assert.equal(store.getState().model.packets.size, 3);
  assert.equal(store.getState().model.cursor.skipped, 3);

  const restarted = new EventFactory();
  restarted.ts = f.ts + 60_000; // a new process: seqs from 1 again, later times
  store.getState().ingest([restarted.session('T', 'k2'), restarted.emit('T', 'c2s', 'x', [])]);
  const { model, restarts } = store.getState();
  assert.equal(restarts, 1);
  assert.deepEqual([...model.sessions.keys()], ['T']);
  assert.equal(model.packets.size, 1);
});

test('the adapter coalesces batches, forwards status after the events before it, and stops', async () => {
  const f = new EventFactory();
  const store = createPanelStore();
  let push: ((b: ProxyEvent[]) => void) | undefined;
  let status: ((s: SourceStatus) => void) | undefined;
  let closed = false;
  const source: EventSource = {
    info: { kind: 'devtools', label: 'test source' },
    connect(onEvents, onStatus) {
      push = onEvents;
      status = onStatus;
    },
    close() {
      closed = true;
    },
  };
  const seen: number[] = [];
  store.subscribe((s) => seen.push(s.model.packets.size));
  const stop = attachSource(source, store);
  assert.equal(store.getState().source.label, 'test source');
  push?.([f.session('S', 'k')]);
  push?.([f.emit('S', 'c2s', 'a', []), { nonsense: true } as unknown as ProxyEvent]);
  push?.([f.emit('S', 'c2s', 'b', [])]);
  assert.equal(store.getState().model.packets.size, 0, 'not applied synchronously');
  status?.({ state: 'connected', since: Date.now() });
  assert.equal(store.getState().model.packets.size, 2, 'flushed before the status');
  assert.equal(store.getState().status.state, 'connected');
  push?.([f.emit('S', 'c2s', 'c', [])]);
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(store.getState().model.packets.size, 3);
  stop();
  assert.equal(closed, true);
  push?.([f.emit('S', 'c2s', 'd', [])]);
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(store.getState().model.packets.size, 3, 'nothing after stop');
});

test('reconnect backoff doubles up to its maximum, with bounded jitter', () => {
  const opts = { min: 250, max: 10_000, jitter: 0.2 };
  assert.equal(
    backoffDelay(0, opts, () => 0.5),
    250,
  );
  assert.equal(
    backoffDelay(3, opts, () => 0.5),
    2000,
  );
  assert.equal(
    backoffDelay(20, opts, () => 0.5),
    10_000,
  );
  assert.equal(
    backoffDelay(0, opts, () => 0),
    200,
  );
  assert.equal(
    backoffDelay(0, opts, () => 1),
    300,
  );
});
