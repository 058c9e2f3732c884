/**
 * One time window for the Timeline and Stats (issue #16: "with the same time window as the
 * timeline"): the UI store holds it (unset until the Timeline is moved), Stats derives from it (a
 * fixed range, or a live one keeping its length), and says which window it shows.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { formatTime } from '../../panel/src/lib/format.js';
import { createPanelStore } from '../../panel/src/store/panel-store.js';
import { createUiStore, type TimeWindow } from '../../panel/src/store/ui-store.js';
import { deriveStats, statsRange, WINDOW_MS } from '../../panel/src/views/stats/derive.js';
import { StatsWindow } from '../../panel/src/views/stats/StatsWindow.js';
import type { ProxyEvent, UnstampedEvent } from '../../shared/events.js';
import { EventFactory, T0 } from '../support/panel-events.js';

/** Two acked `order`s, 50 ms and 60 ms, five seconds apart. */
function scenario() {
  const f = new EventFactory();
  const events: ProxyEvent[] = [f.session('S', 'k', { transport: 'websocket' })];
  for (const [id, delay, at] of [
    [1, 50, T0 + 100],
    [2, 60, T0 + 5100],
  ] as const) {
    f.ts = at - 1;
    const ev = f.emit('S', 'c2s', 'order', [id], { id });
    f.ts = at + delay - 1;
    const ack = f.ack('S', 's2c', id, ['ok']);
    // The proxy pairs them: its `ack` event carries the latency the rows get.
    const paired = f.ev(
      {
        type: 'ack',
        sessionId: 'S',
        nsp: '/',
        id,
        direction: 'c2s',
        event: 'order',
        latency: delay,
        eventSeq: ev.seq,
        ackSeq: ack.seq,
      } as UnstampedEvent,
      0,
    );
    events.push(ev, ack, paired);
  }
  const store = createPanelStore();
  store.getState().ingest(events);
  return store;
}

test('the UI store has no window until the Timeline sets one; Stats then keeps its default', () => {
  const ui = createUiStore();
  assert.equal(ui.getState().timeWindow, undefined);
  const end = Math.floor(T0 / 1000) + 100;
  assert.deepEqual(statsRange(end), { from: (end + 1) * 1000 - WINDOW_MS, to: (end + 1) * 1000 });
  ui.getState().setTimeWindow({ from: T0, to: T0 + 1000, live: false });
  assert.deepEqual(ui.getState().timeWindow, { from: T0, to: T0 + 1000, live: false });
  ui.getState().setTimeWindow(undefined);
  assert.equal(ui.getState().timeWindow, undefined);
});

test('Stats covers the Timeline’s window: a fixed range as it is, a live one with its length up to now', () => {
  const end = Math.floor(T0 / 1000) + 100;
  assert.deepEqual(statsRange(end, { from: T0, to: T0 + 1000, live: false }), {
    from: T0,
    to: T0 + 1000,
  });
  assert.deepEqual(statsRange(end, { from: T0, to: T0 + 20_000, live: true }), {
    from: (end + 1) * 1000 - 20_000,
    to: (end + 1) * 1000,
  });
});

test('the acks Stats counts are those in the window', () => {
  const model = scenario().getState().model;
  const latencies = (w?: { from: number; to: number; live: boolean }, end = Math.floor(T0 / 1000) + 10) =>
    deriveStats(model, end, w).packets.ackLatency.map((a) => [a.event, a.count, a.max]);
  assert.deepEqual(latencies(), [['order', 2, 60]], 'the default five minutes hold both');
  assert.deepEqual(latencies({ from: T0, to: T0 + 1000, live: false }), [['order', 1, 50]]);
  assert.deepEqual(latencies({ from: T0 + 5000, to: T0 + 6000, live: false }), [['order', 1, 60]]);
  // Live, long after: the default window is empty, the Timeline's fixed window still shows its acks.
  const later = Math.floor(T0 / 1000) + 3600;
  assert.deepEqual(latencies(undefined, later), []);
  assert.deepEqual(latencies({ from: T0, to: T0 + 1000, live: false }, later), [['order', 1, 50]]);
  assert.deepEqual(latencies({ from: 0, to: 2000, live: true }, Math.floor((T0 + 5200) / 1000)), [
    ['order', 1, 60],
  ]);
});

test('the Stats tab says which window it shows, and offers its default back', () => {
  const end = Math.floor(T0 / 1000) + 10;
  const render = (timeWindow?: TimeWindow) =>
    renderToStaticMarkup(
      createElement(StatsWindow, {
        range: statsRange(end, timeWindow),
        span: timeWindow ? '1.0 s' : '5 min',
        defaultSpan: '5 min',
        timeWindow,
        onReset: () => {},
      }),
    );
  assert.match(render(), /Window: the last 5 min \(zoom or brush the Timeline to pick another\)/);
  const html = render({ from: T0, to: T0 + 1000, live: false });
  assert.match(
    html,
    new RegExp(`Window: the Timeline’s, ${formatTime(T0)} – ${formatTime(T0 + 1000)} \\(1\\.0 s\\)`),
  );
  assert.match(html, /data-testid="stats-window-reset"[^>]*>Last 5 min</);
  assert.match(html, /data-shared="fixed"/);
  assert.match(render({ from: 0, to: 1000, live: true }), /the last 1\.0 s \(following live\)/);
});
