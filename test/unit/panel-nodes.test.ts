/**
 * The panel in front of a cluster (issue #15): each session names its node, Stats counts sessions
 * per node; with one node the table does not show. Rendered with react-dom/server, as
 * panel-views.test.ts does (the sidebar itself imports CSS, which Node cannot load: its node filter
 * is tested on its row model in panel-sidebar-rows.test.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { ControllerContext } from '../../panel/src/app/context.js';
import { PanelController } from '../../panel/src/app/controller.js';
import { createPanelStore } from '../../panel/src/store/panel-store.js';
import { createUiStore } from '../../panel/src/store/ui-store.js';
import { NodesTable } from '../../panel/src/views/NodesTable.js';
import { SessionItem } from '../../panel/src/views/sidebar/SessionItem.js';
import type { ProxyEvent } from '../../shared/events.js';
import { EventFactory } from '../support/panel-events.js';

function render(events: ProxyEvent[], element: ReactElement): string {
  const controller = new PanelController(createPanelStore(), createUiStore());
  controller.panel.getState().ingest(events);
  return renderToStaticMarkup(createElement(ControllerContext.Provider, { value: controller }, element));
}

function cluster(): ProxyEvent[] {
  const f = new EventFactory();
  return [
    f.session('S1', 'a', { target: 'http://10.0.0.1:3000' }),
    f.session('S2', 'b', { target: 'http://10.0.0.2:3000' }),
    f.session('S3', 'c', { target: 'http://10.0.0.1:3000' }),
    f.transportClose('S3', { evidence: ['a test'] }),
  ];
}

test('several nodes: each session names its node', () => {
  const events = cluster();
  const controller = new PanelController(createPanelStore(), createUiStore());
  controller.panel.getState().ingest(events);
  const s1 = controller.panel.getState().model.sessions.get('S1')!;
  const item = (showNode: boolean) =>
    renderToStaticMarkup(
      createElement(
        ControllerContext.Provider,
        { value: controller },
        createElement(SessionItem, { s: s1, now: Date.now(), selected: false, showNode }),
      ),
    );
  assert.match(
    item(true),
    /<span class="node" data-testid="session-node" title="target node http:\/\/10\.0\.0\.1:3000">· 10\.0\.0\.1:3000<\/span>/,
  );
  assert.doesNotMatch(item(false), /session-node/);
});

test('Stats: open and seen sessions per node', () => {
  const html = render(cluster(), createElement(NodesTable));
  const rows = [
    ...html.matchAll(/<tr data-node="([^"]+)"><td[^>]*>[^<]*<\/td><td>(\d+)<\/td><td>(\d+)<\/td><\/tr>/g),
  ].map((m) => [m[1], Number(m[2]), Number(m[3])]);
  assert.deepEqual(rows, [
    ['http://10.0.0.1:3000', 1, 2],
    ['http://10.0.0.2:3000', 1, 1],
  ]);
});

test('one node: no table', () => {
  const f = new EventFactory();
  assert.equal(render([f.session('S1', 'a'), f.session('S2', 'b')], createElement(NodesTable)), '');
});
