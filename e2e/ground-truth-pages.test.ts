/**
 * Ground truth in Chromium (issue #10, item 1): an app's page served through the proxy, loaded again
 * and again. Separate page loads in fresh browser contexts, and reloads of one page, are new clients
 * to the user (each its own page and Manager), even from the same address and user agent a moment
 * apart; a socket.io-client reconnect after a target restart inside one page is an attempt of that
 * page's client. Each page records its own Engine.IO sessions; the stream is scored against them as
 * in test/integration/ground-truth.test.ts, and the figures are kept in docs/ground-truth.md.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { score, scoreLine, watchServer, type TruthClient } from '../test/support/ground-truth.js';
import { sleep, startProxy, type Proxy, type Target } from '../test/support/harness.js';
import { startAppTarget } from './support/app-target.js';
import { launchChromium } from './support/browser.js';

/** A chat-like page: socket.io-client with its defaults (polling first, then the upgrade). */
const APP = `<!doctype html><meta charset="utf-8"><title>app</title>
<script src="/socket.io/socket.io.js"></script>
<script>
  window.sids = [];
  window.socket = io();
  socket.io.on('open', () => sids.push(socket.io.engine.id));
</script>`;
const PAGES = { '/': APP, '/?': APP };

let target: Target;
let proxy: Proxy;
let browser: Browser;
const serverReasons = new Map<string, string>();
const lines: string[] = [];

interface PageWindow {
  sids: string[];
  socket: { connected: boolean; io: { engine: { transport: { name: string } } } };
}

/** The page's sessions so far, once it is connected with at least `n` of them. */
async function sessionsOf(page: Page, n: number): Promise<string[]> {
  await page.waitForFunction(
    (min) => {
      const w = window as unknown as PageWindow;
      return w.socket?.connected && w.sids.length >= min;
    },
    n,
    { timeout: 15_000 },
  );
  return page.evaluate(() => (window as unknown as PageWindow).sids.slice());
}

/** Waits until the page's socket runs over WebSocket, as a chat app's would after a moment. */
const upgraded = (page: Page) =>
  page.waitForFunction(
    () => (window as unknown as PageWindow).socket.io.engine.transport.name === 'websocket',
    undefined,
    { timeout: 15_000 },
  );

/** Scores the stream against the pages' truth; every `certain` attempt and every reason must hold. */
async function judge(name: string, clients: TruthClient[]) {
  // The pages are closed: give the target a moment to see each session end (it does within ~100 ms,
  // except a page that left mid-upgrade: engine.io then waits for its ping timeout, as directly).
  const ended = () => clients.every((c) => c.sessions.every((sid) => serverReasons.has(sid)));
  for (let waited = 0; waited < 3000 && !ended(); waited += 50) await sleep(50);
  await sleep(200);
  const result = score(proxy.events, clients, serverReasons);
  lines.push(scoreLine(name, result));
  for (const l of result.lines) console.log(`  ${name}: ${l}`);
  assert.deepEqual(result.certainWrong, [], 'every attempt called certain is right');
  assert.deepEqual(result.reasonsWrong, [], 'every reason right, or ambiguous with the true one listed');
  return result;
}

before(async () => {
  target = await startAppTarget(PAGES);
  watchServer(target.io, serverReasons);
  proxy = await startProxy(target.url);
  browser = await launchChromium();
});

after(async () => {
  console.log(
    [
      '| scenario | sessions | grouped right | certain | certain wrong | reasons right | ambiguous (true one listed) | reasons wrong |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      ...lines,
    ].join('\n'),
  );
  await browser?.close();
  await proxy?.close();
  await target?.close();
});

describe('ground truth in Chromium: page loads are clients, reconnects inside a page are attempts', () => {
  test('page loads in fresh browser contexts, one after another, are each a new client', async () => {
    const clients: TruthClient[] = [];
    for (let i = 0; i < 5; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(proxy.url + '/');
      const [sid = ''] = await sessionsOf(page, 1);
      // Half the visits leave before the upgrade, half after: both leaves look different on the wire.
      if (i % 2 === 1) await upgraded(page);
      clients.push({ name: `visit ${i}`, sessions: [sid], clientReasons: new Map() });
      await context.close();
    }
    const result = await judge('fresh contexts, one after another', clients);
    assert.equal(result.groupedRight, result.sessions, 'no page load filed as a reconnect');
  });

  test('reloads of one page are each a new client', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const clients: TruthClient[] = [];
    await page.goto(proxy.url + '/');
    for (let i = 0; i < 4; i++) {
      const [sid = ''] = await sessionsOf(page, 1);
      if (i % 2 === 1) await upgraded(page);
      clients.push({ name: `load ${i}`, sessions: [sid], clientReasons: new Map() });
      if (i < 3) await page.reload();
    }
    await context.close();
    const result = await judge('reloads of one page', clients);
    assert.equal(result.groupedRight, result.sessions, 'no reload filed as a reconnect');
  });

  test('tabs closed and opened in one context, and a navigation to another page of the app', async () => {
    const context = await browser.newContext();
    const clients: TruthClient[] = [];
    for (let i = 0; i < 3; i++) {
      const page = await context.newPage();
      await page.goto(proxy.url + '/');
      const [sid = ''] = await sessionsOf(page, 1);
      if (i !== 1) await upgraded(page);
      clients.push({ name: `tab ${i}`, sessions: [sid], clientReasons: new Map() });
      if (i < 2) {
        await page.close();
        continue;
      }
      // The same tab goes to another page of the app: a new page, a new client.
      await page.goto(proxy.url + '/?room=2');
      const [again = ''] = await sessionsOf(page, 1);
      clients.push({ name: 'tab 2, next page', sessions: [again], clientReasons: new Map() });
    }
    await context.close();
    const result = await judge('tabs closed, navigation', clients);
    assert.equal(result.groupedRight, result.sessions, 'no new tab or page filed as a reconnect');
  });

  test('a target restart inside one page: its reconnect is an attempt of that page', async () => {
    const context = await browser.newContext();
    const pages = [await context.newPage(), await (await browser.newContext()).newPage()];
    for (const page of pages) await page.goto(proxy.url + '/');
    for (const page of pages) await sessionsOf(page, 1);
    await upgraded(pages[1] as Page);
    const port = target.port;
    await target.close();
    target = await startAppTarget(PAGES, port);
    watchServer(target.io, serverReasons);
    const clients: TruthClient[] = [];
    for (const [i, page] of pages.entries()) {
      clients.push({ name: `page ${i}`, sessions: await sessionsOf(page, 2), clientReasons: new Map() });
    }
    for (const page of pages) await page.context().close();
    await judge('target restart inside pages', clients);
  });
});
