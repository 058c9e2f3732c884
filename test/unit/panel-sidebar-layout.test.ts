/**
 * The sidebar at scale (issue #15): with 10,000 sessions in the store, heartbeats must not make the
 * sidebar derive its clients, node counts and rows again (that walk over every session, on every
 * batch, cost the dashboard its scroll frames), yet a row must still show its session's new counters.
 * Derivations are counted, not timed. A close moves the layout: then they are derived again.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { ControllerContext } from '../../panel/src/app/context.js';
import { PanelController } from '../../panel/src/app/controller.js';
import { createPanelStore } from '../../panel/src/store/panel-store.js';
import { layoutDerivations, sessionsLayout } from '../../panel/src/store/sessions-layout.js';
import { createUiStore } from '../../panel/src/store/ui-store.js';
import { SessionItem } from '../../panel/src/views/sidebar/SessionItem.js';
import { shownSession, sidebarRows, type SidebarRow } from '../../panel/src/views/sidebar/sidebar-rows.js';
import type { ProxyEvent } from '../../shared/events.js';
import { EventFactory } from '../support/panel-events.js';

const N = 10_000;

type SessionRow = Extract<SidebarRow, { kind: 'session' }>;

test('a batch of heartbeats for 10,000 sessions derives no sidebar rows, and the rows show the new counts', () => {
  const f = new EventFactory();
  const controller = new PanelController(createPanelStore(), createUiStore());
  const store = controller.panel;
  const nodes = ['http://10.0.0.1:3000', 'http://10.0.0.2:3000'];
  store
    .getState()
    .ingest(Array.from({ length: N }, (_, i) => f.session(`S${i}`, `k${i}`, { target: nodes[i % 2] })));
  const model = store.getState().model;
  const before = sessionsLayout(model);
  const rows = sidebarRows(before.groups, false, new Set(), undefined, before.nodes);
  assert.equal(before.open, N);
  assert.deepEqual(
    before.nodes.map((n) => [n.label, n.open]),
    [
      ['10.0.0.1:3000', N / 2],
      ['10.0.0.2:3000', N / 2],
    ],
  );
  const derived = layoutDerivations();

  // One heartbeat round: the server's ping and the client's pong, for every session.
  const heartbeats: ProxyEvent[] = [];
  for (let i = 0; i < N; i++)
    heartbeats.push(f.heartbeat(`S${i}`, 'ping', 's2c'), f.heartbeat(`S${i}`, 'pong', 'c2s'));
  const rev = store.getState().rev.sessions;
  store.getState().ingest(heartbeats);
  assert.notEqual(store.getState().rev.sessions, rev, 'the sessions slice changed: its views re-render');

  const after = sessionsLayout(model);
  assert.equal(layoutDerivations(), derived, 'heartbeats derived the layout again');
  assert.equal(after, before, 'same groups and node counts: the rows memoised on them stay');

  // What a row shows is its session as it is now: the ping and pong counted each way.
  const row = rows.find((r): r is SessionRow => r.kind === 'session' && r.session.sid === 'S4242');
  assert.ok(row);
  const s = shownSession(row, model.sessions);
  assert.deepEqual([s.packets.c2s, s.packets.s2c, s.heartbeats], [1, 1, 2]);
  const html = renderToStaticMarkup(
    createElement(
      ControllerContext.Provider,
      { value: controller },
      createElement(SessionItem, { s, now: f.ts, selected: false }),
    ),
  );
  assert.match(html, /↑ 1 · 1 B/);
  assert.match(html, /↓ 1 · 1 B/);

  // A close changes what the sidebar places and counts: derived again, once.
  store.getState().ingest([f.transportClose('S0')]);
  const closed = sessionsLayout(model);
  assert.equal(layoutDerivations(), derived + 1);
  assert.equal(closed.open, N - 1);
  assert.equal(closed.nodes[0]?.open, N / 2 - 1);
  assert.equal(sessionsLayout(model), closed);
});
