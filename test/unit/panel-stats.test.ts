/**
 * The Stats tab's layout maths and derivations (panel/src/views/stats/): buckets, stacked columns,
 * latency bins and percentiles, and what the store's slices say once derived, built from events
 * through the real reducers.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { ProxyEvent, UnstampedEvent } from '../../shared/events.js';
import { applyEvents, createModel } from '../../panel/src/store/reduce.js';
import {
  bucketOf,
  bucketWidth,
  histogramBars,
  latencyBin,
  latencyBinLabel,
  latencyX,
  niceMax,
  percentile,
  stackColumns,
  stackedMax,
  statsWindow,
  topLayers,
  TopN,
} from '../../panel/src/views/stats/layout.js';
import { OTHER, packetStats } from '../../panel/src/views/stats/packet-stats.js';
import { reconnects, sessionMix } from '../../panel/src/views/stats/session-stats.js';
import { StackedChart } from '../../panel/src/views/stats/StackedChart.js';
import { deriveStats, statsEnd } from '../../panel/src/views/stats/derive.js';
import { EventFactory, T0 } from '../support/panel-events.js';

test('time buckets are round widths, aligned, and place each time in its bucket', () => {
  assert.equal(bucketWidth(300_000, 60), 5000);
  assert.equal(bucketWidth(300_000, 300), 1000);
  assert.equal(bucketWidth(60_000, 60), 1000);
  assert.equal(bucketWidth(3_600_000, 60), 60_000);
  const w = statsWindow(12_345, 42_345, 5000);
  assert.deepEqual(w, { from: 12_345, to: 42_345, bucketMs: 5000, start: 10_000, count: 7 });
  assert.equal(bucketOf(12_345, w.start, w.bucketMs, w.count), 0);
  assert.equal(bucketOf(15_000, w.start, w.bucketMs, w.count), 1);
  assert.equal(bucketOf(42_344, w.start, w.bucketMs, w.count), 6);
  assert.equal(bucketOf(45_000, w.start, w.bucketMs, w.count), -1);
  assert.equal(bucketOf(9_999, w.start, w.bucketMs, w.count), -1);
});

test('axis maxima round up to 1, 2 or 5 times a power of ten', () => {
  assert.deepEqual(
    [0, 0.3, 1, 1.5, 3, 7, 10, 11, 450, 501].map(niceMax),
    [1, 1, 1, 2, 5, 10, 10, 20, 500, 1000],
  );
});

test('stacked columns: layers bottom-up, scaled to the maximum, empty values drawn as nothing', () => {
  const layers = [
    [1, 0, 2],
    [1, 3, 0],
  ];
  assert.equal(stackedMax(layers), 3);
  const rects = stackColumns(layers, 4, 300, 100);
  assert.deepEqual(
    rects.map((r) => [r.layer, r.column, r.x, r.y, r.w, r.h]),
    [
      [0, 0, 0, 75, 99, 25],
      [1, 0, 0, 50, 99, 25],
      [1, 1, 100, 25, 99, 75],
      [0, 2, 200, 50, 99, 50],
    ],
  );
  assert.deepEqual(stackColumns([[]], 1, 100, 100), []);
});

test('latency bins follow 1-2-5 steps, a known delay lands in the bin it starts, the last is open', () => {
  assert.equal(latencyBin(0.4), 0);
  assert.equal(latencyBin(1), 1);
  assert.equal(latencyBin(49.9), 5);
  assert.equal(latencyBin(50), 6);
  assert.equal(latencyBin(53), 6);
  assert.equal(latencyBin(203), 8);
  assert.equal(latencyBin(60_000), 13);
  assert.equal(latencyBinLabel(6), '50 ms–100 ms');
  assert.equal(latencyBinLabel(10), '1 s–2 s');
  assert.equal(latencyBinLabel(13), '≥ 10 s');
  // Marks sit inside the bar of their bin: 75 ms halfway through bin 6 of 14 on a 140 wide axis.
  assert.equal(latencyX(75, 140), 65);
  assert.equal(latencyX(50, 140), 60);
  assert.equal(latencyX(20_000, 140), 130);
});

test('histogram bars: equal widths, heights scaled to the largest bin', () => {
  assert.deepEqual(histogramBars([0, 2, 4], 30, 40), [
    { x: 0, y: 40, w: 9, h: 0 },
    { x: 10, y: 20, w: 9, h: 20 },
    { x: 20, y: 0, w: 9, h: 40 },
  ]);
});

test('percentiles by nearest rank', () => {
  const v = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(v, 50), 50);
  assert.equal(percentile(v, 95), 95);
  assert.equal(percentile(v, 99), 99);
  assert.equal(percentile([7], 99), 7);
  assert.ok(Number.isNaN(percentile([], 50)));
});

test('top layers keep the largest keys and fold the rest into one', () => {
  const series = new Map([
    ['a', [1, 1]],
    ['b', [5, 0]],
    ['c', [0, 2]],
  ]);
  const counts = new Map([
    ['a', 2],
    ['b', 5],
    ['c', 2],
  ]);
  assert.deepEqual(topLayers(series, counts, 2, 'rest'), {
    keys: ['b', 'a', 'rest'],
    layers: [
      [5, 0],
      [1, 1],
      [0, 2],
    ],
  });
  assert.deepEqual(topLayers(series, counts, 3, 'rest').keys, ['b', 'a', 'c']);
  const top = new TopN<string>(3);
  let built = 0;
  [5, 1, 9, 3, 7, 9, 2].forEach((n) => top.offer(n, () => (built++, `#${n}`)));
  assert.deepEqual(top.items, ['#9', '#9', '#7']);
  assert.equal(built, 6, 'an item is only built when it gets in (the 2 never is)');
});

/** A model fed `events` through the panel's reducers. */
function modelOf(events: ProxyEvent[]) {
  const model = createModel();
  applyEvents(model, events);
  return model;
}

/** A session with 3 `order` acked after 50, 60 and 200 ms, 2 `chat` never acked, and one heartbeat. */
function orderScenario(f = new EventFactory()): ProxyEvent[] {
  const events: ProxyEvent[] = [f.session('S', 'k', { transport: 'websocket' })];
  for (const [id, delay] of [
    [1, 50],
    [2, 60],
    [3, 200],
  ] as const) {
    const ev = f.emit('S', 'c2s', 'order', [id], { id, size: 100 * id });
    const ack = f.ack('S', 's2c', id, ['ok']);
    ack.ts = ev.ts + delay;
    f.ts = ack.ts;
    events.push(ev, ack, ackEvent(f, ev, ack, 'order'));
  }
  events.push(f.emit('S', 's2c', 'chat', ['hi'], { size: 1000 }), f.emit('S', 's2c', 'chat', ['ho']));
  const ping = f.heartbeat('S', 'ping', 's2c');
  const pong = f.heartbeat('S', 'pong', 'c2s');
  pong.ts = ping.ts + 30;
  f.ts = pong.ts;
  events.push(ping, pong);
  return events;
}

test('packet stats: events per second by name, ack latency per name, bytes, heartbeats, lists', () => {
  const model = modelOf(orderScenario());
  const win = statsWindow(T0, T0 + 10_000, 1000);
  const s = packetStats(model.packets.rows, win, { topEvents: 1, listLength: 2 });

  assert.deepEqual(s.eventNames, ['order', OTHER]);
  assert.equal(
    s.eventRates[0]?.reduce((a, b) => a + b),
    3,
  );
  assert.equal(
    s.eventRates[1]?.reduce((a, b) => a + b),
    2,
  );
  assert.deepEqual(
    [...s.eventTotals],
    [
      ['order', 3],
      ['chat', 2],
    ],
  );
  assert.equal(s.ackLatency.length, 1);
  const order = s.ackLatency[0]!;
  assert.deepEqual(
    [order.event, order.count, order.p50, order.p95, order.p99, order.max],
    ['order', 3, 60, 200, 200, 200],
  );
  assert.equal(order.bins[latencyBin(50)], 2);
  assert.equal(order.bins[latencyBin(200)], 1);
  assert.deepEqual(
    s.slowestAcks.map((r) => [r.event, r.value]),
    [
      ['order', 200],
      ['order', 60],
    ],
  );
  assert.deepEqual(
    s.biggestPackets.map((r) => r.value),
    [1000, 300],
  );
  const sizes = model.packets.rows.toArray().map((r) => r.e);
  const sum = (d: string) => sizes.filter((e) => e.direction === d).reduce((a, e) => a + e.size, 0);
  assert.deepEqual(s.bytesTotal, { c2s: sum('c2s'), s2c: sum('s2c') });
  assert.equal(
    s.bytes.c2s.reduce((a, b) => a + b),
    sum('c2s'),
  ); // 1 s buckets: bytes/s sum to bytes
  assert.deepEqual(s.heartbeats, [{ sessionId: 'S', count: 1, last: 30, p50: 30, max: 30 }]);
});

test('packet stats only read the rows in the window', () => {
  const f = new EventFactory();
  const session = f.session('S', 'k');
  const early = f.emit('S', 'c2s', 'a', []);
  f.ts += 60_000;
  const late = f.emit('S', 'c2s', 'b', []);
  const model = modelOf([session, early, late]);
  const s = packetStats(model.packets.rows, statsWindow(late.ts - 1000, late.ts + 1, 1000));
  assert.deepEqual(s.eventNames, ['b']);
});

test('sessions by EIO version and transport, open and seen', () => {
  const f = new EventFactory();
  const model = modelOf([
    f.session('A', 'a'),
    f.session('B', 'b', { transport: 'websocket' }),
    f.session('C', 'c', { eio: 3, transport: 'websocket' }),
    f.ev({
      type: 'close',
      sessionId: 'B',
      leg: 'client',
      first: 'client',
      reason: 'transport close',
      clientReason: 'transport close',
      serverReason: 'transport close',
    } as UnstampedEvent),
    f.session('D', 'd', { transport: 'websocket' }),
  ]);
  assert.deepEqual(
    sessionMix(model.sessions).map((m) => [m.key, m.open, m.total]),
    [
      ['EIO 4 · websocket', 1, 2],
      ['EIO 3 · websocket', 1, 1],
      ['EIO 4 · polling', 1, 1],
    ],
  );
});

test('reconnects per minute by cause, first connections left out', () => {
  const f = new EventFactory();
  const attempt = (attempt: number, outcome: 'connected' | 'failed', cause?: string, advance = 1000) =>
    f.ev(
      {
        type: 'attempt',
        clientKey: 'k',
        attempt,
        delay: 0,
        outcome,
        ...(cause ? { cause } : {}),
      } as UnstampedEvent,
      advance,
    );
  const model = modelOf([
    attempt(0, 'connected'),
    attempt(1, 'failed', 'transport close'),
    attempt(2, 'connected', 'transport close'),
    attempt(1, 'connected', 'ping timeout', 61_000),
  ]);
  const r = reconnects(model.clients, statsWindow(T0, T0 + 180_000, 60_000));
  assert.equal(r.total, 3);
  assert.deepEqual(r.causes, ['transport close', 'ping timeout']);
  assert.deepEqual(r.perBucket, [
    [2, 0, 0],
    [0, 1, 0],
  ]);
  assert.deepEqual(r.outcomes.get('transport close'), { connected: 1, failed: 1 });
});

/** The proxy's `ack` event for `ev` answered by `ack`. */
function ackEvent(f: EventFactory, ev: ProxyEvent, ack: ProxyEvent, event: string): ProxyEvent {
  const e = ev as ProxyEvent & { sio: { id: number } };
  return f.ev(
    {
      type: 'ack',
      sessionId: 'S',
      nsp: '/',
      id: e.sio.id,
      direction: 'c2s',
      event,
      latency: ack.ts - ev.ts,
      eventSeq: ev.seq,
      ackSeq: ack.seq,
    } as UnstampedEvent,
    0,
  );
}

test('a stacked chart says its numbers in words and as a table, not only as a picture', () => {
  const html = renderToStaticMarkup(
    createElement(StackedChart, {
      title: 'Events per second, by name',
      keys: ['order', 'chat'],
      layers: [
        [1, 3],
        [0, 2],
      ],
      format: (v: number) => `${v}/s`,
      span: '5 min',
      testId: 'x',
    }),
  );
  assert.match(
    html,
    /role="img" aria-label="Events per second, by name: order: 2\/s on average, peak 3\/s; chat: 1\/s on average, peak 2\/s"/,
  );
  const cells = [...html.matchAll(/<t[hd][^>]*>([^<]*)<\/t[hd]>/g)].map((m) => m[1]);
  assert.deepEqual(cells, [
    'series',
    'now',
    'peak',
    'average',
    'order',
    '3/s',
    '3/s',
    '2/s',
    'chat',
    '2/s',
    '2/s',
    '1/s',
  ]);
  // Nothing to draw: said so, and no empty picture.
  const empty = renderToStaticMarkup(
    createElement(StackedChart, {
      title: 'T',
      keys: [],
      layers: [],
      format: String,
      span: '5 min',
      testId: 'x',
    }),
  );
  assert.match(empty, /Nothing in the last 5 min\./);
  assert.doesNotMatch(empty, /<svg/);
});

test('the Stats tab shows a capture file up to its last event, however old; live, up to now', () => {
  const model = modelOf(orderScenario());
  const file = deriveStats(model, statsEnd(false, Date.now(), model.stats.lastSecond));
  assert.deepEqual(
    file.packets.ackLatency.map((a) => [a.event, a.count, a.p50]),
    [['order', 3, 60]],
  );
  assert.deepEqual(
    file.packets.heartbeats.map((h) => h.sessionId),
    ['S'],
  );
  assert.deepEqual(
    file.mix.map((m) => m.key),
    ['EIO 4 · websocket'],
  );
  assert.deepEqual(file.bytes, [file.packets.bytes.c2s, file.packets.bytes.s2c]);
  // Live, the same events (months old) are out of the window: nothing to show but the sessions.
  const live = deriveStats(model, statsEnd(true, Date.now(), model.stats.lastSecond));
  assert.deepEqual(live.packets.ackLatency, []);
  assert.deepEqual(live.packets.eventNames, []);
});
