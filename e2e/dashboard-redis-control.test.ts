/**
 * The control tab of `sio-proxy dashboard --redis`, as a user drives it: two proxies (the library's
 * createProxy with `redis`, no dashboard of their own) in front of two socket.io@4 apps, one
 * dashboard over a real redis-server, the panel in Chromium. A pause rule added in the tab reaches
 * both proxies; each held packet is listed with its proxy, and forwarding one from the tab releases
 * it on that proxy alone; a rule removed in the tab goes from its own proxy only. A rule or target
 * fault for one proxy, picked in the tab, lands on that proxy only.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { createProxy, type SioProxy } from '../proxy/api.js';
import { RedisDashboard } from '../proxy/dashboard/redis-dashboard.js';
import { startTarget, type Target } from '../test/support/harness.js';
import { startRedis, type RedisServer } from '../test/support/redis-server.js';
import { launchChromium } from './support/browser.js';
import {
  client,
  closeAll,
  connected,
  ensurePanelBuilt,
  eventually,
  openDashboard,
} from './support/dashboard.js';

const KEY = 'e2e-ctl';
let redis: RedisServer;
const targets: Target[] = [];
const proxies: SioProxy[] = [];
const sockets: Socket[] = [];
let dash: RedisDashboard;
let browser: Browser;
let page: Page;
/** What each app's server received as `order`. */
const orders: unknown[][][] = [[], []];

before(async () => {
  ensurePanelBuilt();
  redis = await startRedis();
  for (const i of [0, 1]) {
    const t = await startTarget();
    t.io.on('connection', (s) => s.on('order', (...args: unknown[]) => orders[i]!.push(args)));
    targets.push(t);
    proxies.push(await createProxy({ target: t.url, redis: { url: redis.url, key: KEY, source: `p${i}` } }));
  }
  dash = new RedisDashboard({ redis: { url: redis.url, key: KEY } });
  await dash.start();
  await eventually(
    async () => dash.sources().p0 === 'up' && dash.sources().p1 === 'up',
    10_000,
    'p0 and p1 up',
  );
  for (const p of proxies) {
    const s = client(p.url, 'ctl');
    sockets.push(s);
    await connected(s);
  }
  browser = await launchChromium();
  ({ page } = await openDashboard(browser, dash.url()));
});

after(() =>
  closeAll(
    ...sockets.map((s) => () => s.close()),
    () => browser?.close(),
    () => dash?.close(),
    ...proxies.map((p) => () => p.close()),
    ...targets.map((t) => () => t.close()),
    () => redis?.stop(),
  ),
);

test('rules and held packets of both proxies, each with its proxy, acted on from the tab', async () => {
  await page.getByTestId('tab-control').click();
  await page.getByTestId('rule-event').fill('order');
  await page.getByTestId('rule-add').click();
  const rules = page.getByTestId('rule-row');
  await eventually(async () => (await rules.count()) === 2, 5000, 'a rule row per proxy');
  assert.deepEqual(await page.getByTestId('rules').getByTestId('control-source').allTextContents(), [
    'proxy p0',
    'proxy p1',
  ]);
  assert.deepEqual(
    proxies.map((p) => p.rules.list().map((r) => r.action.kind)),
    [['pause'], ['pause']],
    'armed on both proxies',
  );

  sockets[0]!.emit('order', 'from p0');
  sockets[1]!.emit('order', 'from p1');
  const held = page.getByTestId('held-row');
  await eventually(async () => (await held.count()) === 2, 10_000, 'two held packets');
  const p1Row = held.filter({ hasText: 'proxy p1' });
  assert.equal(await p1Row.count(), 1);
  assert.match((await p1Row.textContent()) ?? '', /from p1/);
  await p1Row.getByTestId('held-forward').click();
  await eventually(async () => orders[1]!.length === 1, 5000, "p1's app gets its order");
  assert.deepEqual(orders[1], [['from p1']]);
  assert.deepEqual(orders[0], [], "p0's packet is still held");
  assert.equal(proxies[0]!.paused().length, 1);
  await eventually(async () => (await held.count()) === 1, 5000, 'one held packet left');
  assert.match((await held.textContent()) ?? '', /proxy p0/);

  await rules.filter({ hasText: 'proxy p0' }).getByTestId('rule-remove').click();
  await eventually(async () => proxies[0]!.rules.list().length === 0, 5000, "p0's rule removed");
  assert.equal(proxies[1]!.rules.list().length, 1, "p1's rule stays");
  assert.equal(await page.getByTestId('control-unanswered').count(), 0, 'every proxy answered');
  await held.getByTestId('held-forward').click();
  await eventually(async () => orders[0]!.length === 1, 5000, "p0's app gets its order");
});

test('a rule or target fault for one proxy, picked in the tab, lands on that proxy only', async () => {
  // Before: p1 keeps the pause rule of the test above, p0 has none.
  const before = proxies.map((p) => p.rules.list().length);
  const picker = page.getByTestId('rule-proxy');
  assert.deepEqual(await picker.locator('option').allTextContents(), ['all proxies', 'proxy p0', 'proxy p1']);
  assert.equal(await picker.inputValue(), '', '"all proxies" by default');
  await picker.selectOption('p0');
  await page.getByTestId('rule-event').fill('picked');
  await page.getByTestId('rule-action').selectOption('drop');
  await page.getByTestId('rule-add').click();
  await eventually(
    async () => proxies[0]!.rules.list().some((r) => r.action.kind === 'drop'),
    5000,
    "p0's drop rule",
  );
  assert.deepEqual(
    proxies[0]!.rules.list().map((r) => [r.match.event, r.action.kind]),
    [['picked', 'drop']],
    'armed on p0',
  );
  assert.equal(proxies[1]!.rules.list().length, before[1], 'nothing new on p1');
  assert.ok(!proxies[1]!.rules.list().some((r) => r.action.kind === 'drop'));
  const dropRows = page.getByTestId('rule-row').filter({ hasText: 'picked' });
  await eventually(async () => (await dropRows.count()) === 1, 5000, 'one row for the new rule');
  assert.equal(await dropRows.getByTestId('control-source').textContent(), 'proxy p0');

  await page.getByTestId('target-proxy').selectOption('p1');
  await page.getByTestId('target-block-upgrade').click();
  const badges = page.getByTestId('target-fault');
  await eventually(async () => (await badges.count()) >= 1, 5000, 'a target fault listed');
  // Every proxy was asked for its faults: the merged list has p1's alone.
  assert.deepEqual(await badges.getByTestId('control-source').allTextContents(), ['proxy p1']);
  assert.equal(await page.getByTestId('control-unanswered').count(), 0, 'every proxy answered');
});
