/**
 * The DevTools tab finds a running sio-proxy by itself: opening the dashboard URL the CLI prints
 * teaches the extension its token (the content script sees the dashboard's mark), and a panel that
 * opens on in-page capture probes `/api/hello` and offers the proxy in a notice whose button
 * switches to its stream, token filled in, the choice remembered. A page that is not a dashboard
 * teaches nothing, a dismissed notice stays dismissed, and a proxy whose token the extension does
 * not know gets the token field focused with a word on where to find it.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { startTarget, type Target } from '../test/support/harness.js';
import { client, connected, eventually, startCli, type Cli } from './support/dashboard.js';
import { launchWithExtension, waitForPanel, type ExtensionBrowser } from './support/extension.js';

const PAGE = `<!doctype html><meta charset="utf-8"><title>not a dashboard</title><p>an app page`;

let target: Target;
let cli: Cli;
let dashboard: { origin: string; token: string };
let ext: ExtensionBrowser;
const sockets: { close(): void }[] = [];

before(async () => {
  target = await startTarget();
  target.http.prependListener('request', (req, res) => {
    if (!req.url?.startsWith('/socket.io/')) res.writeHead(200, { 'Content-Type': 'text/html' }).end(PAGE);
  });
  cli = await startCli(target.url);
  const url = new URL(cli.dashboard);
  dashboard = { origin: url.origin, token: url.searchParams.get('token') ?? '' };
  ext = await launchWithExtension();
});

after(async () => {
  for (const s of sockets) s.close();
  await ext?.close();
  await cli?.close();
  await target?.close();
});

/** What the service worker has learned (chrome.storage.local), in its order. */
async function learned(): Promise<{ origin: string; token: string }[]> {
  const worker = ext.context.serviceWorkers()[0] ?? ext.worker;
  return worker.evaluate(async () => {
    type Local = { get(k: string): Promise<Record<string, unknown>> };
    const local = (globalThis as unknown as { chrome: { storage: { local: Local } } }).chrome.storage.local;
    return ((await local.get('knownProxies')).knownProxies ?? []) as { origin: string; token: string }[];
  });
}

/** A tab of the extension's browser to inspect, and the panel page for it. */
async function panelForNewTab(name: string): Promise<Page> {
  const page = await ext.context.newPage();
  await page.goto(`${target.url}/app?tab=${name}`);
  return ext.openPanel(await ext.tabIdOf(page));
}

/** The panel's search for a running proxy is over (`data-discovery` on the header). */
async function discoveryDone(panel: Page): Promise<string> {
  const header = panel.getByTestId('ext-header');
  await eventually(
    async () => {
      const state = await header.getAttribute('data-discovery');
      return state !== null && state !== 'probing';
    },
    10_000,
    'the probe to end',
  );
  return (await header.getAttribute('data-discovery')) ?? '';
}

test('a page that is not a dashboard teaches nothing, though its URL has a token', async () => {
  const page = await ext.context.newPage();
  // On the target (loopback, like a dashboard), and on the dashboard's own origin with a wrong
  // token: its 401 answer is not the dashboard either.
  await page.goto(`${target.url}/?token=x`, { waitUntil: 'load' });
  await page.goto(`${dashboard.origin}/?token=wrong-token`, { waitUntil: 'load' });
  await new Promise((r) => setTimeout(r, 1000));
  assert.deepEqual(await learned(), []);
  await page.close();
});

test('the dashboard teaches its token; a panel on in-page capture offers the proxy and switches to it', async () => {
  const dash = await ext.context.newPage();
  await dash.goto(cli.dashboard);
  const known = await eventually(async () => (await learned()).length > 0 && learned(), 10_000, 'the token');
  assert.deepEqual(
    known.map((k) => ({ origin: k.origin, token: k.token })),
    [dashboard],
    'the dashboard alone, not the page of the previous test',
  );

  // A client of the proxy that the in-page capture of the inspected tab cannot see.
  const socket = client(cli.proxy, 'discovered');
  sockets.push(socket);
  await connected(socket);
  socket.emit('through-the-found-proxy', 1);

  const panel = await panelForNewTab('offer');
  assert.equal(await panel.getByTestId('ext-source-select').inputValue(), 'page');
  const notice = panel.getByTestId('ext-discovery-notice');
  await notice.waitFor({ timeout: 10_000 });
  assert.match(
    (await notice.textContent()) ?? '',
    new RegExp(`^sio-proxy \\S+ is running at ${dashboard.origin} — `),
  );
  assert.equal(await discoveryDone(panel), 'found');
  await waitForPanel(panel, (s) => s.source?.kind === 'devtools', 'in-page capture until asked');

  await panel.getByTestId('ext-discovery-show').click();
  const snap = await waitForPanel(
    panel,
    (s) => s.source?.kind === 'live' && s.packets.some((p) => p.event === 'through-the-found-proxy'),
    'the proxy’s stream with the client’s event',
  );
  assert.equal(snap.state, 'connected');
  assert.equal(await notice.count(), 0, 'the notice is gone');
  assert.equal(await panel.getByTestId('ext-source-select').inputValue(), 'proxy');
  assert.equal(await panel.getByTestId('ext-proxy-url').inputValue(), dashboard.origin);
  assert.equal(await panel.getByTestId('ext-proxy-token').inputValue(), dashboard.token);

  // Remembered: a panel opened later starts on the proxy, and offers nothing.
  const again = await panelForNewTab('again');
  await waitForPanel(again, (s) => s.source?.kind === 'live' && s.state === 'connected', 'the proxy again');
  assert.equal(await again.getByTestId('ext-source-select').inputValue(), 'proxy');
  assert.equal(await discoveryDone(again), 'idle');
  assert.equal(await again.getByTestId('ext-discovery-notice').count(), 0);

  // Picking the proxy source with the token field emptied fills in the learned token again.
  await again.getByTestId('ext-proxy-token').fill('');
  await again.getByTestId('ext-proxy-connect').click();
  await eventually(
    async () => (await again.getByTestId('ext-proxy-token').inputValue()) === dashboard.token,
    10_000,
    'the token filled in',
  );
  await again.getByTestId('ext-source-select').selectOption('page');
  await waitForPanel(again, (s) => s.source?.kind === 'devtools', 'back to in-page capture');
});

test('a dismissed notice is not shown again for that proxy', async () => {
  const panel = await panelForNewTab('dismiss');
  const notice = panel.getByTestId('ext-discovery-notice');
  await notice.waitFor({ timeout: 10_000 });
  await panel.getByTestId('ext-discovery-dismiss').click();
  assert.equal(await notice.count(), 0);
  assert.equal(await panel.getByTestId('ext-source-select').inputValue(), 'page');

  const later = await panelForNewTab('after-dismiss');
  await discoveryDone(later);
  assert.equal(
    await later.locator(`[data-testid="ext-discovery-notice"][data-origin="${dashboard.origin}"]`).count(),
    0,
  );
  assert.equal(await later.getByTestId('ext-source-select').inputValue(), 'page');
});

test('a proxy whose token is unknown: switched to, the token field focused, the note says where it is', async () => {
  const other = await startCli(target.url);
  try {
    const origin = new URL(other.dashboard).origin;
    const token = new URL(other.dashboard).searchParams.get('token') ?? '';
    const panel = await panelForNewTab('unknown-token');
    // The user picks the proxy source and types the URL only: the panel finds it, but no token.
    await panel.getByTestId('ext-source-select').selectOption('proxy');
    await panel.getByTestId('ext-proxy-url').fill(origin);
    await panel.getByTestId('ext-proxy-token').fill('');
    await panel.getByTestId('ext-proxy-connect').click();
    assert.equal(await discoveryDone(panel), 'found');
    const note = panel.getByTestId('ext-source-note');
    await eventually(async () => /Paste the token/.test((await note.textContent()) ?? ''), 5000, 'the hint');
    assert.match((await note.textContent()) ?? '', new RegExp(`${origin}.*dashboard:`));
    assert.equal(
      await panel.evaluate(() => document.activeElement?.getAttribute('data-testid')),
      'ext-proxy-token',
    );

    // Back on in-page capture, the next panel offers that proxy first (the URL the user chose).
    await panel.getByTestId('ext-source-select').selectOption('page');
    const next = await panelForNewTab('offer-unknown');
    const notice = next.getByTestId('ext-discovery-notice');
    await notice.waitFor({ timeout: 10_000 });
    assert.equal(await notice.getAttribute('data-origin'), origin);
    await next.getByTestId('ext-discovery-show').click();
    assert.equal(await next.getByTestId('ext-source-select').inputValue(), 'proxy');
    assert.equal(await next.getByTestId('ext-proxy-url').inputValue(), origin);
    assert.equal(
      await next.evaluate(() => document.activeElement?.getAttribute('data-testid')),
      'ext-proxy-token',
    );
    assert.match((await next.getByTestId('ext-source-note').textContent()) ?? '', /Paste the token/);
    await waitForPanel(next, (s) => s.source?.kind === 'devtools', 'no stream without a token');

    // Typed in, the stream opens.
    await next.getByTestId('ext-proxy-token').fill(token);
    await next.getByTestId('ext-proxy-token').press('Enter');
    await waitForPanel(next, (s) => s.source?.kind === 'live' && s.state === 'connected', 'the other proxy');
  } finally {
    await other.close();
  }
});
