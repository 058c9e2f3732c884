/**
 * The DevTools tab's Control tab on a running sio-proxy (issue #13): with the proxy as its source,
 * the extension's panel (a chrome-extension:// page) drives the proxy's control API with the token:
 * a breakpoint holds the page's next event until it is forwarded, and an event composed to the
 * client reaches the page's own socket.io client. With in-page capture the tab says what it needs.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Target } from '../test/support/harness.js';
import { startAppTarget } from './support/app-target.js';
import { eventually, startCli, type Cli } from './support/dashboard.js';
import { launchWithExtension, waitForPanel, type ExtensionBrowser } from './support/extension.js';

const PAGE = `<!doctype html><meta charset="utf-8"><title>proxied</title>
<script src="/socket.io/socket.io.js"></script>
<script>
  window.news = [];
  window.socket = io();
  socket.on('news', (...args) => news.push(args));
</script>`;

let target: Target;
let cli: Cli;
let ext: ExtensionBrowser;
/** What the app's server received as `order`. */
const orders: unknown[][] = [];

before(async () => {
  target = await startAppTarget({ '/': PAGE });
  target.io.on('connection', (s) => s.on('order', (...args: unknown[]) => orders.push(args)));
  cli = await startCli(target.url);
  ext = await launchWithExtension();
});

after(async () => {
  await ext?.close();
  await cli?.close();
  await target?.close();
});

/** The app's page (its client upgraded to WebSocket, where the control API acts) and its session id. */
async function appPage(): Promise<{ page: Page; sid: string }> {
  const page = await ext.context.newPage();
  await page.goto(cli.proxy + '/');
  const sid = await eventually(
    () =>
      page.evaluate(() => {
        type Engine = { id: string; transport: { name: string } };
        const s = (window as unknown as { socket: { connected: boolean; io: { engine: Engine } } }).socket;
        return s.connected && s.io.engine.transport.name === 'websocket' ? s.io.engine.id : '';
      }),
    10_000,
    'the page connected over WebSocket',
  );
  return { page, sid };
}

test('with a proxy source, the Control tab holds and forwards a packet, and composes to the page', async () => {
  const { page, sid } = await appPage();
  const panel = await ext.openPanel(await ext.tabIdOf(page));
  const dashboard = new URL(cli.dashboard);
  await panel.getByTestId('ext-source-select').selectOption('proxy');
  await panel.getByTestId('ext-proxy-url').fill(dashboard.origin);
  await panel.getByTestId('ext-proxy-token').fill(dashboard.searchParams.get('token') ?? '');
  await panel.getByTestId('ext-proxy-connect').click();
  await waitForPanel(panel, (s) => s.source?.kind === 'live' && s.state === 'connected', 'the proxy');

  // A breakpoint from the rule form: the page's next `order` is held, the server has not got it.
  await panel.locator(`[data-testid="session-item"][data-sid="${sid}"]`).click();
  await panel.getByTestId('tab-control').click();
  await panel.getByTestId('control-view').waitFor();
  await panel.getByTestId('rule-direction').selectOption('c2s');
  await panel.getByTestId('rule-event').fill('order');
  await panel.getByTestId('rule-add').click();
  await panel.getByTestId('rule-row').waitFor();
  await page.evaluate(() =>
    (window as unknown as { socket: { emit(...a: unknown[]): void } }).socket.emit('order', 7),
  );
  const held = panel.getByTestId('held-row');
  await held.waitFor({ timeout: 5000 });
  assert.match(await held.innerText(), /order[\s\S]*\[7\]/);
  assert.equal(await panel.getByTestId('held-counter').innerText(), '1 held');
  assert.equal(orders.length, 0);
  await held.getByTestId('held-forward').click();
  await eventually(async () => orders.length === 1, 5000, 'the forwarded order at the server');
  assert.deepEqual(orders[0], [7]);
  await panel.getByTestId('rule-remove').click();

  // Compose to the client, as the server: the page's own socket gets it.
  assert.equal(await panel.getByTestId('compose-session').inputValue(), sid);
  await panel.getByTestId('compose-direction').selectOption('s2c');
  await panel.getByTestId('compose-event').fill('news');
  await panel.getByTestId('compose-args').fill('["from devtools"]');
  await panel.getByTestId('compose-send').click();
  await panel.getByTestId('compose-answer').waitFor();
  assert.match(await panel.getByTestId('compose-answer').innerText(), /^sent as #\d+/);
  const news = await eventually(
    () => page.evaluate(() => (window as unknown as { news: unknown[][] }).news),
    5000,
    'the news at the page',
  );
  assert.deepEqual(news, [['from devtools']]);

  // With in-page capture there is no control API: the tab says it needs the proxy, and how.
  await panel.getByTestId('ext-source-select').selectOption('page');
  await waitForPanel(panel, (s) => s.source?.kind === 'devtools', 'in-page capture');
  await panel.getByTestId('tab-control').click();
  assert.match(await panel.getByTestId('control-unavailable').innerText(), /npx sio-proxy --target/);
});
