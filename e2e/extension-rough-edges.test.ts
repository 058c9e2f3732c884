/**
 * The DevTools tab on in-page capture of a polling client whose POSTs are answered late (a slow
 * network or server): the CONNECT the client POSTed is listed before the server's answer to it,
 * which a GET brought back while the POST was still waiting for its "ok" (the capture keeps its
 * place from send()); the client is named by its endpoint; the line on what the source cannot know
 * is shown whole; probing for a proxy where none runs leaves the panel's console clean.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import type { Target } from '../test/support/harness.js';
import { startAppTarget } from './support/app-target.js';
import { launchWithExtension, waitForPanel, type ExtensionBrowser } from './support/extension.js';

const POST_DELAY_MS = 400;

// Engine.IO v4 polling by hand: the handshake, a long-poll GET, then a POST of CONNECT (`40`).
const PAGE = `<!doctype html><meta charset="utf-8"><title>polling order</title>
<script>
  const base = '/socket.io/?EIO=4&transport=polling';
  const xhr = (method, url, body) => new Promise((resolve) => {
    const x = new XMLHttpRequest();
    x.open(method, url);
    x.onload = () => resolve(x.responseText);
    x.send(body);
  });
  (async () => {
    const open = await xhr('GET', base + '&t=a');
    const url = base + '&sid=' + JSON.parse(open.slice(1)).sid;
    const poll = xhr('GET', url + '&t=b');
    const post = xhr('POST', url + '&t=c', '40');
    window.answer = await poll;
    window.posted = await post;
  })();
</script>`;

let target: Target;
let ext: ExtensionBrowser;

before(async () => {
  target = await startAppTarget({ '/?': PAGE });
  // The POST's "ok" leaves late; the packets it carried are handled at once (the GET answers).
  target.http.prependListener('request', (req, res) => {
    if (req.method !== 'POST') return;
    const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
    res.end = ((...args: unknown[]) => {
      setTimeout(() => end(...args), POST_DELAY_MS);
      return res;
    }) as typeof res.end;
  });
  ext = await launchWithExtension();
});

after(async () => {
  await ext?.close();
  await target?.close();
});

test('a POSTed CONNECT is listed before the answer a GET brought while the POST waited', async () => {
  const page = await ext.context.newPage();
  await page.goto(`${target.url}/?order=1`);
  await page.waitForFunction(() => (window as unknown as { posted?: string }).posted === 'ok');
  assert.match(String(await page.evaluate(() => (window as unknown as { answer: string }).answer)), /^40/);
  const panel = await ext.openPanel(await ext.tabIdOf(page));
  const snap = await waitForPanel(
    panel,
    (s) => s.packets.filter((p) => p.sio === 'CONNECT').length === 2,
    'both CONNECT packets',
  );
  const connects = snap.packets.filter((p) => p.sio === 'CONNECT').map((p) => p.direction);
  assert.deepEqual(connects, ['c2s', 's2c'], 'the client’s CONNECT first, then the server’s answer');
  const times = await panel.evaluate(() => {
    type Rows = { size: number; rows: { at(i: number): { e: { ts: number } } | undefined } };
    const w = window as unknown as {
      __sioPanel: { controller: { panel: { getState(): { model: { packets: Rows } } } } };
    };
    const { packets } = w.__sioPanel.controller.panel.getState().model;
    return Array.from({ length: packets.size }, (_, i) => packets.rows.at(i)?.e.ts ?? 0);
  });
  assert.deepEqual(
    times,
    [...times].sort((a, b) => a - b),
    'rows in time order',
  );
});

test('the client is named by its endpoint, and the source note is shown whole', async () => {
  const page = await ext.context.newPage();
  await page.goto(`${target.url}/?label=1`);
  await page.waitForFunction(() => (window as unknown as { posted?: string }).posted === 'ok');
  const panel = await ext.openPanel(await ext.tabIdOf(page));
  await panel.setViewportSize({ width: 1000, height: 700 });
  const head = panel.locator('.client-head').first();
  await head.waitFor();
  const text = (await head.innerText()).replace(/\s+/g, ' ');
  assert.match(text, new RegExp(`127\\.0\\.0\\.1:${target.port}/socket\\.io/`), text);
  assert.doesNotMatch(text, /client \w{6}:|…/, text);
  const note = panel.getByTestId('ext-source-note');
  assert.match(await note.innerText(), /use the proxy source for those\.$/);
  const fits = await note.evaluate((el) => ({
    scroll: el.scrollWidth,
    client: el.clientWidth,
    right: el.getBoundingClientRect().right,
    width: window.innerWidth,
  }));
  assert.ok(
    fits.scroll <= fits.client && fits.right <= fits.width,
    `the note is cut: ${JSON.stringify(fits)}`,
  );
});

test('probing for a proxy where none listens logs nothing in the panel’s console', async () => {
  // The remembered dashboard URL is probed first: a port where nothing listens.
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
  const worker = ext.context.serviceWorkers()[0] ?? ext.worker;
  await worker.evaluate(async (url) => {
    type Local = { set(items: object): Promise<void> };
    const local = (globalThis as unknown as { chrome: { storage: { local: Local } } }).chrome.storage.local;
    await local.set({
      panelSettings: { source: 'page', proxyUrl: url, proxyToken: '', keepOnReload: false },
    });
  }, `http://127.0.0.1:${port}`);
  const page = await ext.context.newPage();
  await page.goto(`${target.url}/?probe=1`);
  const panel = await ext.context.newPage();
  const messages: string[] = [];
  panel.on('console', (m) => messages.push(`${m.type()}: ${m.text()}`));
  await panel.goto(`chrome-extension://${ext.extensionId}/panel.html?tabId=${await ext.tabIdOf(page)}`);
  const header = panel.getByTestId('ext-header');
  await header.and(panel.locator('[data-discovery="none"], [data-discovery="found"]')).waitFor();
  await panel.waitForTimeout(200);
  assert.deepEqual(
    messages.filter((m) => /ERR_CONNECTION_REFUSED|Failed to load/.test(m)),
    [],
  );
});
