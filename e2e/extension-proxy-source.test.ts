/**
 * The extension's "proxy" source: the panel reads a running sio-proxy's event stream (dashboard URL
 * and token typed into the strip above the panel) instead of the tab, and remembers the choice.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Target } from '../test/support/harness.js';
import { startAppTarget } from './support/app-target.js';
import { startCli, type Cli } from './support/dashboard.js';
import { launchWithExtension, waitForPanel, type ExtensionBrowser } from './support/extension.js';

const PAGE = `<!doctype html><meta charset="utf-8"><title>proxied</title>
<script src="/socket.io/socket.io.js"></script>
<script>window.socket = io(); socket.on('connect', () => socket.emit('through-proxy'));</script>`;

let target: Target;
let cli: Cli;
let ext: ExtensionBrowser;

before(async () => {
  target = await startAppTarget({ '/': PAGE });
  cli = await startCli(target.url);
  ext = await launchWithExtension();
});

after(async () => {
  await ext?.close();
  await cli?.close();
  await target?.close();
});

test('the panel shows a running proxy’s stream when asked, and remembers the choice', async () => {
  const page = await ext.context.newPage();
  await page.goto(cli.proxy + '/');
  const tabId = await ext.tabIdOf(page);
  const panel = await ext.openPanel(tabId);
  const dashboard = new URL(cli.dashboard);

  await panel.getByTestId('ext-source-select').selectOption('proxy');
  await panel.getByTestId('ext-proxy-url').fill(dashboard.origin);
  await panel.getByTestId('ext-proxy-token').fill(dashboard.searchParams.get('token') ?? '');
  await panel.getByTestId('ext-proxy-connect').click();
  const snap = await waitForPanel(
    panel,
    (s) => s.source?.kind === 'live' && s.packets.some((p) => p.event === 'through-proxy'),
    'the proxy’s events',
  );
  assert.equal(snap.state, 'connected');
  assert.match((await panel.getByTestId('ext-source-note').textContent()) ?? '', /sio-proxy stream/);

  // A panel opened later starts on the proxy again (chrome.storage.local).
  const again = await ext.openPanel(tabId);
  await waitForPanel(again, (s) => s.source?.kind === 'live' && s.state === 'connected', 'the proxy again');
  assert.equal(await again.getByTestId('ext-source-select').inputValue(), 'proxy');
  await again.getByTestId('ext-source-select').selectOption('page');
  await waitForPanel(again, (s) => s.source?.kind === 'devtools', 'back to in-page capture');
});
