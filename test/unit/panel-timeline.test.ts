/**
 * The timeline's maths (panel/src/views/timeline): lanes from the store's sessions (bars, the
 * upgrade, the close by whom and whether the client comes back, the gaps with their attempts,
 * guesses), the viewport (zoom around a point, pan, fit, follow, the overview's brush), hit
 * testing, the packet density and the overview's count of open sessions.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { ControllerContext } from '../../panel/src/app/context.js';
import { PanelController } from '../../panel/src/app/controller.js';
import { createUiStore } from '../../panel/src/store/ui-store.js';
import type { ProxyEvent, UnstampedEvent } from '../../shared/events.js';
import { createPanelStore } from '../../panel/src/store/panel-store.js';
import { clientGroups, clientLabel } from '../../panel/src/store/selectors.js';
import { gapLabel, openSessions, tickStep } from '../../panel/src/views/timeline/draw.js';
import { extentOf, laneOf, type Lane } from '../../panel/src/views/timeline/lanes.js';
import { density, PacketTimes } from '../../panel/src/views/timeline/packet-times.js';
import {
  closeText,
  gapText,
  TimelineTable,
  transportText,
} from '../../panel/src/views/timeline/TimelineTable.js';
import {
  brushOf,
  fit,
  follow,
  FOLLOW_WHOLE_MS,
  followLive,
  fromBrush,
  hitTest,
  MIN_MS_PER_PX,
  panBy,
  tOf,
  visibleLanes,
  wheelFactor,
  xOf,
  zoomAt,
} from '../../panel/src/views/timeline/viewport.js';
import { EventFactory, T0 } from '../support/panel-events.js';

function closeEvents(
  f: EventFactory,
  sid: string,
  clientReason: string,
  serverReason: string,
  first: 'client' | 'server',
  active: boolean,
  advance = 1,
): ProxyEvent[] {
  const base = { type: 'close', sessionId: sid, first, clientReason, serverReason, active } as const;
  return [
    f.ev(
      { ...base, leg: first, reason: first === 'client' ? clientReason : serverReason } as UnstampedEvent,
      advance,
    ),
    f.ev(
      { ...base, leg: first === 'client' ? 'server' : 'client', reason: 'forced close' } as UnstampedEvent,
      0,
    ),
  ];
}

function attempt(
  f: EventFactory,
  clientKey: string,
  n: number,
  outcome: 'connected' | 'failed',
  extra: Record<string, unknown> = {},
  advance = 1,
): ProxyEvent {
  return f.ev(
    {
      type: 'attempt',
      clientKey,
      attempt: n,
      delay: 100,
      outcome,
      cause: 'transport close',
      confidence: 'likely',
      evidence: [],
      ...extra,
    } as UnstampedEvent,
    advance,
  );
}

/** A client that upgrades, loses its target, fails twice, reconnects; and a second that is kicked. */
function scenario() {
  const f = new EventFactory();
  const events: ProxyEvent[] = [
    f.session('s1', 'alice'),
    attempt(f, 'alice', 0, 'connected', { sessionId: 's1', cause: undefined }),
    f.ev({ type: 'upgrade', sessionId: 's1', leg: 'server', stage: 'success' } as UnstampedEvent, 50),
    f.ev({ type: 'upgrade', sessionId: 's1', leg: 'client', stage: 'success' } as UnstampedEvent, 10),
    f.emit('s1', 'c2s', 'chat', ['hi']),
    f.heartbeat('s1', 'ping', 's2c'),
    f.heartbeat('s1', 'pong', 'c2s'),
    ...closeEvents(f, 's1', 'transport close', 'transport close', 'server', true, 1000),
    attempt(f, 'alice', 1, 'failed', { error: 'ECONNREFUSED' }, 200),
    attempt(f, 'alice', 2, 'failed', { error: 'ECONNREFUSED' }, 400),
    f.session('s2', 'alice', {}),
    attempt(f, 'alice', 3, 'connected', { sessionId: 's2' }, 0),
    f.session('k1', 'kicked'),
    ...closeEvents(f, 'k1', 'io server disconnect', 'server namespace disconnect', 'server', false, 300),
  ];
  const store = createPanelStore();
  store.getState().ingest(events);
  const model = store.getState().model;
  const now = f.ts + 1000;
  const lanes = clientGroups(model).map((g) => laneOf(g, clientLabel(g), now));
  return { f, model, lanes, now, store };
}

test('a lane per client; a session bar changes transport at the client leg’s upgrade', () => {
  const { lanes } = scenario();
  assert.deepEqual(
    lanes.map((l) => l.label),
    ['alice', 'kicked'],
  );
  const [s1, s2] = (lanes[0] as Lane).sessions;
  assert.equal(s1?.first, 'polling');
  assert.equal(s1?.upgradedAt, T0 + 1 + 1 + 50 + 10 - 1 + 1, 'the client leg’s success, not the server’s');
  assert.equal(transportText(s1!), 'polling → websocket after 61 ms');
  assert.equal(s2?.end, undefined, 'the reconnect is open');
});

test('the close says who closed it and whether socket.io-client comes back by itself', () => {
  const { lanes } = scenario();
  const s1 = (lanes[0] as Lane).sessions[0]!;
  assert.deepEqual(
    { by: s1.close?.by, reason: s1.close?.reason, reconnects: s1.close?.reconnects },
    { by: 'server', reason: 'transport close', reconnects: true },
  );
  assert.equal(closeText(s1), 'closed by the server: transport close, reconnects by itself');
  const k1 = (lanes[1] as Lane).sessions[0]!;
  assert.equal(k1.close?.reconnects, false);
  assert.equal(closeText(k1), 'closed by the server: io server disconnect, does not reconnect by itself');
  assert.deepEqual((lanes[1] as Lane).gaps, [], 'no wait after a close the client does not come back from');
});

test('the gap to the next session is the backoff, with the failed attempts and the one that connected', () => {
  const { lanes } = scenario();
  const lane = lanes[0] as Lane;
  assert.equal(lane.gaps.length, 1);
  const g = lane.gaps[0]!;
  assert.equal(g.from, lane.sessions[0]?.end);
  assert.equal(g.to, lane.sessions[1]?.start);
  assert.equal(g.failed, 2);
  assert.equal(g.connectedAttempt, 3);
  assert.deepEqual(
    g.attempts.map((a) => `${a.attempt}:${a.failed ? 'failed' : 'ok'}`),
    ['1:failed', '2:failed', '3:ok'],
  );
  assert.equal(gapLabel(g), '#3 after 601 ms · 2 failed');
  assert.equal(gapText(g), 'reconnect #3 after 601 ms, 2 failed attempts');
});

test('a client still trying: the gap runs to now, with its failed attempts', () => {
  const f = new EventFactory();
  const store = createPanelStore();
  store
    .getState()
    .ingest([
      f.session('a', 'bob'),
      ...closeEvents(f, 'a', 'transport close', 'transport close', 'server', true, 100),
      attempt(f, 'bob', 1, 'failed', {}, 100),
      attempt(f, 'bob', 2, 'failed', {}, 200),
    ]);
  const now = f.ts + 5000;
  const [lane] = clientGroups(store.getState().model).map((g) => laneOf(g, 'bob', now));
  assert.equal(lane?.gaps.length, 1);
  assert.equal(lane?.gaps[0]?.to, now);
  assert.equal(lane?.gaps[0]?.failed, 2);
  assert.equal(gapLabel(lane!.gaps[0]!), 'no reconnect yet · 2 failed');
});

test('a reconnect the stream only guessed is drawn as a guess, and hidden with the guesses', () => {
  const f = new EventFactory();
  const store = createPanelStore();
  store
    .getState()
    .ingest([
      f.session('a', 'twin'),
      ...closeEvents(f, 'a', 'transport close', 'transport close', 'server', true, 100),
      f.session('b', 'twin'),
      attempt(
        f,
        'twin',
        1,
        'connected',
        { sessionId: 'b', confidence: 'guess', evidence: ['two clients alike'] },
        0,
      ),
    ]);
  const group = clientGroups(store.getState().model)[0]!;
  const lane = laneOf(group, 'twin', f.ts);
  assert.equal(lane.guess, true);
  assert.equal(lane.sessions[1]?.guess, true);
  assert.equal(lane.gaps[0]?.guess, true);
  assert.match(gapLabel(lane.gaps[0]!), /guess$/);
  const hidden = laneOf(group, 'twin', f.ts, true);
  assert.equal(hidden.gaps.length, 0, 'no gap joins a guessed session when guesses are hidden');
});

test('the extent covers every session, up to now for open ones', () => {
  const { lanes, now } = scenario();
  assert.deepEqual(extentOf(lanes, now), { from: T0 + 1, to: now });
  assert.deepEqual(extentOf([], 5000), { from: 5000 - 60_000, to: 5000 });
});

test('zoom keeps the instant under the pointer; pan moves with the drag; fit and follow', () => {
  const v = fit(1000, 2000, 1000, 0);
  assert.equal(v.start, 1000);
  assert.equal(v.msPerPx, 1);
  const z = zoomAt(v, 250, 0.5);
  assert.equal(tOf(z, 250), tOf(v, 250));
  assert.equal(z.msPerPx, 0.5);
  const out = zoomAt(v, 0, 1e12);
  assert.ok(out.msPerPx <= 86_400_000, 'zoom out is bounded');
  assert.equal(zoomAt(v, 0, 1e-12).msPerPx, MIN_MS_PER_PX, 'zoom in is bounded');
  assert.equal(xOf(panBy(v, 100), 1000), 100, 'dragging right by 100 px moves the content 100 px right');
  assert.ok(wheelFactor(100) > 1 && wheelFactor(-100) < 1, 'wheel down zooms out');
  assert.ok(Math.abs(wheelFactor(100) * wheelFactor(-100) - 1) < 1e-12, 'a notch back undoes a notch');
  const f = follow(v, 5000, 1000);
  assert.ok(xOf(f, 5000) > 900 && xOf(f, 5000) < 1000, 'now sits near the right edge');
  assert.equal(f.msPerPx, v.msPerPx);
});

test('follow live shows a short capture whole, a long one at the view’s zoom', () => {
  const v = fit(0, 1000, 1000, 0);
  const short = followLive(v, 0, 60_000, 1000);
  assert.ok(xOf(short, 0) >= 0 && xOf(short, 60_000) <= 1000, 'all of it in view');
  const long = followLive(v, 0, FOLLOW_WHOLE_MS + 1, 1000);
  assert.equal(long.msPerPx, v.msPerPx);
  assert.ok(xOf(long, FOLLOW_WHOLE_MS + 1) > 900);
});

test('the overview brush is the view’s range, and a brush gives back that range', () => {
  const extent = { from: 0, to: 10_000 };
  const v = fit(2000, 4000, 500, 0);
  const b = brushOf(v, 500, extent, 1000);
  assert.ok(Math.abs(b.x0 - 200) < 1e-9 && Math.abs(b.x1 - 400) < 1e-9);
  const back = fromBrush(b.x1, b.x0, extent, 1000, 500);
  assert.ok(Math.abs(back.start - 2000) < 1e-6 && Math.abs(back.msPerPx - v.msPerPx) < 1e-9);
});

test('only the lanes in the window are drawn', () => {
  assert.deepEqual(visibleLanes(5000, 24, 0, 240), { first: 0, last: 10 });
  assert.deepEqual(visibleLanes(5000, 24, 24 * 4990 + 12, 240), { first: 4990, last: 5000 });
  assert.deepEqual(visibleLanes(3, 24, 0, 240), { first: 0, last: 3 });
});

test('hit testing finds the bar, an attempt mark in a gap, the gap, or nothing', () => {
  const { lanes, now } = scenario();
  const lane = lanes[0] as Lane;
  const s1 = lane.sessions[0]!;
  const v = fit(s1.start, now, 1000, 0);
  const mid = xOf(v, (s1.start + (s1.end as number)) / 2);
  const hit = hitTest(lanes, v, mid, 5, 24, now);
  assert.equal(hit?.kind === 'session' && hit.session.sid, 's1');
  const g = lane.gaps[0]!;
  const failed = g.attempts[0]!;
  const onMark = hitTest(lanes, v, xOf(v, failed.ts), 12, 24, now);
  assert.equal(onMark?.kind === 'attempt' && onMark.attempt.attempt, 1);
  const between = (g.attempts[0]!.ts + g.attempts[1]!.ts) / 2;
  const onGap = hitTest(lanes, v, xOf(v, between), 12, 24, now, 0);
  assert.equal(onGap?.kind, 'gap');
  const second = hitTest(lanes, v, xOf(v, lanes[1]!.sessions[0]!.start + 1), 24 + 3, 24, now);
  assert.equal(second?.kind === 'session' && second.session.sid, 'k1', 'the second lane');
  assert.equal(hitTest(lanes, v, 10, 24 * 5, 24, now), undefined, 'below the last lane');
  // A session shorter than a pixel is still hit within the slop.
  const tiny = fit(s1.start, s1.start + 1e7, 1000, 0);
  const near = hitTest(lanes, tiny, xOf(tiny, s1.start) - 2, 5, 24, now);
  assert.equal(near?.kind, 'session');
});

test('packet density counts each session’s packets per column, heartbeats apart', () => {
  const { store, model } = scenario();
  const times = new PacketTimes();
  assert.equal(times.update(model.packets), true);
  assert.equal(times.update(model.packets), false, 'nothing new');
  const s1 = times.of('s1')!;
  assert.equal(s1.packets.length, 1);
  assert.equal(s1.heartbeats.length, 2);
  const v = fit(T0, T0 + 1000, 100, 0);
  const counts = density([T0 + 5, T0 + 6, T0 + 25, T0 + 999, T0 + 2000], v, 0, 100, 2);
  assert.equal(counts.length, 50);
  assert.equal(counts[0], 2);
  assert.equal(counts[1], 1);
  assert.equal(counts[49], 1);
  assert.equal(
    [...counts].reduce((a, b) => a + b, 0),
    4,
    'a packet out of range is not counted',
  );
  // New packets are picked up; a cleared store starts over.
  const f = new EventFactory();
  f.seq = 1000;
  store.getState().ingest([f.emit('s1', 's2c', 'news', [])]);
  times.update(store.getState().model.packets);
  assert.equal(times.of('s1')?.packets.length, 2);
  store.getState().startSource({ kind: 'file', label: 'x' });
  times.update(store.getState().model.packets);
  assert.equal(times.of('s1'), undefined);
});

test('the overview counts the sessions open at each column', () => {
  const lanes = [
    {
      sessions: [
        { start: 0, end: 50 },
        { start: 60, end: undefined },
      ],
    },
    { sessions: [{ start: 20, end: 30 }] },
  ] as unknown as Lane[];
  const open = openSessions(lanes, fit(0, 100, 10, 0), 10, 100);
  assert.deepEqual([...open], [1, 1, 2, 1, 1, 0, 1, 1, 1, 1]);
});

test('axis ticks are round steps', () => {
  assert.equal(tickStep(0.7), 1);
  assert.equal(tickStep(130), 200);
  assert.equal(tickStep(45_000), 60_000);
  assert.equal(tickStep(4 * 3_600_000), 4 * 3_600_000);
});

test('the table says what the canvas draws, a row per session, for screen readers', () => {
  const { lanes, now, store } = scenario();
  const controller = new PanelController(store, createUiStore());
  const html = renderToStaticMarkup(
    createElement(
      ControllerContext.Provider,
      { value: controller },
      createElement(TimelineTable, { lanes, now }),
    ),
  );
  const rows = [
    ...html.matchAll(/<tr data-testid="timeline-row"[^>]*data-sid="([^"]+)"[^>]*>(.*?)<\/tr>/g),
  ].map((m) => [m[1], m[2]!.replace(/<[^>]*>/g, '|').replace(/\|+/g, '|')]);
  assert.deepEqual(
    rows.map(([sid]) => sid),
    ['s1', 's2', 'k1'],
  );
  assert.match(
    rows[0]![1]!,
    /\|alice\|s1\|.*\|polling → websocket after 61 ms\|closed by the server: transport close, reconnects by itself\|reconnect #3 after 601 ms, 2 failed attempts\|/,
  );
  assert.match(rows[1]![1]!, /\|open\|/);
  assert.match(rows[2]![1]!, /\|kicked\|k1\|.*does not reconnect by itself/);
  assert.match(html, /<caption[^>]*>Sessions by client, oldest first<\/caption>/);
});
