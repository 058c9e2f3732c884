/**
 * The extension's in-page capture over time: the service worker stopped while idle (MV3 does it
 * after ~30 s), the target restarting (socket.io-client's reconnect as attempts), and a reload of
 * the inspected page with "Keep on reload" off and on.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Target } from '../test/support/harness.js';
import { startAppTarget } from './support/app-target.js';
import { launchWithExtension, waitForPanel, type ExtensionBrowser } from './support/extension.js';

const PAGE = `<!doctype html><meta charset="utf-8"><title>lifecycle</title>
<script src="/socket.io/socket.io.js"></script>
<script>
  window.socket = io({ reconnectionDelay: 100, reconnectionDelayMax: 200 });
</script>`;

let target: Target;
let ext: ExtensionBrowser;

const serve = (port = 0): Promise<Target> => startAppTarget({ '/?': PAGE }, port);

before(async () => {
  target = await serve();
  ext = await launchWithExtension();
});

after(async () => {
  await ext?.close();
  await target?.close();
});

type Win = { socket: { connected: boolean; emit(e: string): void; io: { engine: { id: string } } } };
const emit = (page: Page, name: string) =>
  page.evaluate((n) => (window as unknown as Win).socket.emit(n), name);
const engineSid = (page: Page) => page.evaluate(() => (window as unknown as Win).socket.io.engine.id);

async function openApp(name: string): Promise<{ page: Page; tabId: number }> {
  const page = await ext.context.newPage();
  await page.goto(`${target.url}/?name=${name}`);
  await page.waitForFunction(() => (window as unknown as Win).socket.connected);
  return { page, tabId: await ext.tabIdOf(page) };
}

test('the panel keeps receiving after the service worker was stopped, without repeats', async () => {
  const { page, tabId } = await openApp('sw');
  const panel = await ext.openPanel(tabId);
  await emit(page, 'before-stop');
  await waitForPanel(panel, (s) => s.packets.some((p) => p.event === 'before-stop'), 'before-stop');

  // What Chrome does to an idle MV3 worker, now: every port to it drops.
  const cdp = await ext.context.newCDPSession(panel);
  const stopped = new Promise<void>((resolve) =>
    cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
      if (versions.some((v) => v.scriptURL.endsWith('/service-worker.js') && v.runningStatus === 'stopped'))
        resolve();
    }),
  );
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await stopped; // the worker really went, its variables and ports with it (the panel's port wakes it)
  await emit(page, 'after-stop');
  const snap = await waitForPanel(
    panel,
    (s) => s.packets.some((p) => p.event === 'after-stop') && s.state === 'connected',
    'after-stop',
  );
  const events = snap.packets.filter((p) => p.event).map((p) => p.event);
  assert.deepEqual(events, ['before-stop', 'after-stop']);
  await panel.close();
  await page.close();
});

test('a target restart shows as a closed session and a reconnect attempt', async () => {
  const { page, tabId } = await openApp('restart');
  const panel = await ext.openPanel(tabId);
  const first = await engineSid(page);
  await waitForPanel(panel, (s) => s.sessions.some((x) => x.sid === first), 'the first session');

  const port = target.port;
  await target.close();
  target = await serve(port);
  await page.waitForFunction((sid) => {
    const s = (window as unknown as Win).socket;
    return s.connected && s.io.engine.id !== sid;
  }, first);
  const second = await engineSid(page);
  const snap = await waitForPanel(
    panel,
    (s) =>
      s.sessions.some((x) => x.sid === second) && s.sessions.some((x) => x.sid === first && x.closeReason),
    'the second session',
  );
  assert.equal(snap.sessions.find((x) => x.sid === first)?.closeReason, 'transport close');
  const last = snap.attempts.at(-1);
  assert.equal(last?.outcome, 'connected');
  assert.ok((last?.attempt ?? 0) >= 1, `attempts ${JSON.stringify(snap.attempts)}`);
  assert.equal(last?.cause, 'transport close');
  assert.equal(new Set(snap.attempts.map((a) => a.clientKey)).size, 1, 'one client across the reconnect');
  await panel.close();
  await page.close();
});

test('a reload starts over, or keeps the old session when "Keep on reload" is checked', async () => {
  const { page, tabId } = await openApp('reload');
  const panel = await ext.openPanel(tabId);
  const first = await engineSid(page);
  await waitForPanel(panel, (s) => s.sessions.some((x) => x.sid === first), 'the first session');

  await page.reload();
  await page.waitForFunction(() => (window as unknown as Win).socket.connected);
  const second = await engineSid(page);
  let snap = await waitForPanel(panel, (s) => s.sessions.some((x) => x.sid === second), 'after the reload');
  assert.deepEqual(
    snap.sessions.map((s) => s.sid),
    [second],
    'cleared: only the new document’s session',
  );

  await panel.getByTestId('ext-keep-on-reload').check();
  await page.reload();
  await page.waitForFunction(() => (window as unknown as Win).socket.connected);
  const third = await engineSid(page);
  snap = await waitForPanel(panel, (s) => s.sessions.some((x) => x.sid === third), 'after the second reload');
  assert.deepEqual(snap.sessions.map((s) => s.sid).sort(), [second, third].sort(), 'kept');
  assert.equal(snap.sessions.find((s) => s.sid === second)?.closeReason, 'transport close');
  await panel.close();
  await page.close();
});
