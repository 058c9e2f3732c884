/**
 * On a dashboard over Redis (issue #15, "Many proxies, one dashboard"): a new rule or target fault
 * goes to the proxy picked in the Control tab, or to every live one. The picker shows only when the
 * stream named more than one proxy; the client asks the dashboard's API for that proxy (`?source=`).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { ProxyEvent } from '../../shared/events.js';
import type { PanelController } from '../../panel/src/app/controller.js';
import { ControllerContext } from '../../panel/src/app/context.js';
import { ControlClient } from '../../panel/src/source/control-client.js';
import { ControlDriver } from '../../panel/src/source/control-driver.js';
import { createControlStore } from '../../panel/src/store/control-store.js';
import { createPanelStore } from '../../panel/src/store/panel-store.js';
import { createUiStore } from '../../panel/src/store/ui-store.js';
import { Faults } from '../../panel/src/views/control/Faults.js';
import { Rules } from '../../panel/src/views/control/Rules.js';

/** A fetch that records `METHOD path?query` and answers 201 `{ id }` to a POST, `[]` else. */
function recordingFetch() {
  const calls: string[] = [];
  const fetchFn = async (url: string, init?: RequestInit) => {
    const u = new URL(url);
    const method = init?.method ?? 'GET';
    calls.push(`${method} ${u.pathname}${u.search}`);
    return method === 'POST'
      ? new Response(JSON.stringify({ id: 'p1:r1' }), { status: 201 })
      : new Response('[]', { status: 200 });
  };
  return { calls, fetchFn };
}

test('a rule or target fault for one proxy is asked for with ?source=, for all without', async () => {
  const { calls, fetchFn } = recordingFetch();
  const c = new ControlClient('http://dash', 't', fetchFn);
  await c.addRule({ match: { event: 'order' }, action: { kind: 'pause' } }, 'build 7');
  await c.addRule({ match: { event: 'order' }, action: { kind: 'pause' } });
  await c.addTargetFault({ kind: 'block-upgrade' }, 'p1');
  await c.addTargetFault({ kind: 'block-upgrade' });
  assert.deepEqual(calls, [
    'POST /api/rules?source=build%207',
    'POST /api/rules',
    'POST /api/faults?source=p1',
    'POST /api/faults',
  ]);
});

test("the driver passes the picked proxy on and names it in the action's outcome", async () => {
  const { calls, fetchFn } = recordingFetch();
  const store = createControlStore();
  const driver = new ControlDriver(new ControlClient('http://dash', 't', fetchFn), store);
  assert.equal(await driver.addRule({ match: {}, action: { kind: 'drop' } }, 'p1'), true);
  assert.deepEqual(store.getState().last, { what: 'add a drop rule on proxy p1', ok: true });
  assert.equal(await driver.addTargetFault({ kind: 'target-down', ms: 1000 }, 'p0'), true);
  assert.deepEqual(store.getState().last, { what: 'target target-down on proxy p0', ok: true });
  await driver.addRule({ match: {}, action: { kind: 'pause' } });
  assert.deepEqual(store.getState().last, { what: 'add a pause rule', ok: true });
  assert.deepEqual(
    calls.filter((x) => x.startsWith('POST')),
    ['POST /api/rules?source=p1', 'POST /api/faults?source=p0', 'POST /api/rules'],
  );
  driver.stop();
});

const source = (name: string, state: 'up' | 'gone', seq: number): ProxyEvent => ({
  type: 'source',
  source: name,
  state,
  reason: state === 'up' ? 'writing to the stream' : 'stopped',
  seq,
  ts: seq,
});

/** The rule editor and the target-fault controls as the panel renders them over `events`. */
function renderControls(events: ProxyEvent[]): string {
  const panel = createPanelStore();
  panel.getState().ingest(events);
  const controlStore = createControlStore();
  const value = { controlStore, panel, ui: createUiStore() } as unknown as PanelController;
  return renderToStaticMarkup(
    createElement(ControllerContext.Provider, { value }, createElement(Rules), createElement(Faults)),
  );
}

/** The options of the select `testId`, as the person reads them; undefined when it is not shown. */
function options(html: string, testId: string): string[] | undefined {
  const select = new RegExp(`<select[^>]*data-testid="${testId}"[^>]*>(.*?)</select>`).exec(html);
  if (!select) return undefined;
  return [...select[1]!.matchAll(/<option[^>]*>(.*?)<\/option>/g)].map((m) => m[1]!.replace(/<!-- -->/g, ''));
}

test('the picker shows with two proxies or more, "all proxies" first, a gone proxy marked', () => {
  const many = renderControls([source('p1', 'up', 1), source('p0', 'up', 2), source('p2', 'gone', 3)]);
  const expected = ['all proxies', 'proxy p0', 'proxy p1', 'proxy p2 (gone)'];
  assert.deepEqual(options(many, 'rule-proxy'), expected);
  assert.deepEqual(options(many, 'target-proxy'), expected);
  assert.match(many, /<option value="" selected="">all proxies<\/option>/, '"all proxies" by default');

  // One proxy on the dashboard, or a proxy's own dashboard (no `source` events): nothing to pick.
  for (const html of [renderControls([source('p0', 'up', 1)]), renderControls([])]) {
    assert.equal(options(html, 'rule-proxy'), undefined);
    assert.equal(options(html, 'target-proxy'), undefined);
    assert.match(html, /data-testid="rule-add"/, 'the editor itself is there');
  }
});
