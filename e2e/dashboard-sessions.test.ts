/**
 * The dashboard's sessions, as a user sees them: the real CLI in front of a real socket.io@4 app,
 * the panel in Chromium. A Node client and a browser page (served through the proxy) appear in the
 * sidebar and go from polling to WebSocket; a server-side disconnect shows its reason in both
 * vocabularies; a target that goes down and comes back shows the client's reconnect attempts.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { startTarget, type Target } from '../test/support/harness.js';
import {
  closeAll,
  connected,
  eventually,
  screenshot,
  sessionItem,
  startScene,
  type Cli,
  type Scene,
} from './support/dashboard.js';

const APP_PAGE = `<!doctype html><meta charset="utf-8"><title>app</title>
<script src="/socket.io/socket.io.js"></script>
<script>window.socket = io({ query: { client: 'page' } });</script>`;

let scene: Scene;
/** The app once restarted on its port (the reconnect test), closed on its own. */
let restarted: Target | undefined;
let cli: Cli;
let page: Page;

/** The app: a page that loads socket.io-client, and `kick`, which disconnects the socket server-side. */
function serve(t: Target): void {
  t.http.prependListener('request', (req, res) => {
    if (req.url === '/') res.writeHead(200, { 'Content-Type': 'text/html' }).end(APP_PAGE);
  });
  t.io.on('connection', (s) => {
    s.on('kick', () => s.disconnect(true));
  });
}

before(async () => {
  scene = await startScene({ serve });
  ({ cli, page } = scene);
});

after(() =>
  closeAll(
    () => scene?.close(),
    () => restarted?.close(),
  ),
);

/** The namespace `/` of a session item opens the socket view. */
async function openSocketView(sid: string): Promise<void> {
  await page
    .locator(`[data-testid="session-item"][data-sid="${sid}"] [data-testid="namespace-item"]`)
    .click();
  await page.getByTestId('socket-view').waitFor();
}

test('a Node client appears as a session and goes from polling to WebSocket', async () => {
  const node = await scene.connect('node');
  const item = sessionItem(page, node);
  await item.getByText('polling → websocket').waitFor({ timeout: 5000 });
  assert.equal(await item.getAttribute('data-state'), 'connected');
  const ns = item.getByTestId('namespace-item');
  assert.match(await ns.innerText(), /connected/);
  assert.match(await ns.innerText(), new RegExp(`^/\\s+${node.id?.slice(0, 8)}`));
  const group = page.getByTestId('client-item').filter({ has: item });
  assert.match(await group.innerText(), /^node\b/m, 'the client is labelled with its query');

  // The socket view: the Socket's fields and the lifecycle from the polling handshake to the upgrade.
  await openSocketView(node.io.engine.id);
  const fields = page.getByTestId('socket-fields');
  assert.match(await fields.innerText(), new RegExp(`socket\\.id\\s+${node.id}`));
  assert.match(await fields.innerText(), /conn\.transport\.name\s+websocket/);
  const timeline = page.getByTestId('timeline');
  await timeline.locator('[data-kind="upgrade"]', { hasText: 'upgrade success' }).first().waitFor();
  const kinds = await timeline
    .getByTestId('timeline-item')
    .evaluateAll((els) => els.map((el) => `${el.getAttribute('data-kind')}: ${el.textContent}`));
  assert.match(kinds[0] ?? '', /^handshake: .*handshake over polling/);
  assert.ok(
    kinds.findIndex((k) => k.startsWith('upgrade') && k.includes('success')) > 0,
    `the upgrade follows the handshake: ${kinds.join(' | ')}`,
  );
  assert.ok(
    kinds.some((k) => k.startsWith('connect:')),
    'the namespace connect is in the lifecycle',
  );
  await screenshot(page, 'socket-view');
});

test('a browser page served through the proxy appears with its user agent and upgrades', async () => {
  const app = await page.context().newPage();
  try {
    await app.goto(cli.proxy + '/');
    const sid = await app
      .waitForFunction(() => {
        const s = (window as unknown as { socket: Socket }).socket;
        return s.connected && s.io.engine.transport.name === 'websocket' && s.io.engine.id;
      })
      .then((h) => h.jsonValue());
    const item = page.locator(`[data-testid="session-item"][data-sid="${sid}"]`);
    await item.getByText('polling → websocket').waitFor({ timeout: 5000 });
    assert.match(await item.innerText(), /Chrome \d+/, 'the browser is named by its user agent');
    const group = page.getByTestId('client-item').filter({ has: item });
    assert.match(await group.innerText(), /^page\b/m);
    await page.getByTestId('tab-packets').click();
    await screenshot(page, 'sessions-and-packets');
  } finally {
    await app.close();
  }
});

test('a server-side disconnect shows its reason, in the client’s and the server’s words', async () => {
  const kicked = await scene.connect('kicked');
  const sid = kicked.io.engine.id;
  const gone = new Promise<string>((resolve) => kicked.once('disconnect', resolve));
  kicked.emit('kick');
  assert.equal(await gone, 'io server disconnect');

  const item = page.locator(`[data-testid="session-item"][data-sid="${sid}"]`);
  await item.and(page.locator('[data-state="closed"]')).waitFor({ timeout: 5000 });
  assert.match(await item.getByTestId('namespace-item').innerText(), /io server disconnect/);
  assert.match(await item.innerText(), /closed: /);

  await openSocketView(sid);
  const disconnect = page.getByTestId('timeline').locator('[data-kind="disconnect"]');
  await disconnect.waitFor();
  const text = await disconnect.innerText();
  assert.match(text, /client: io server disconnect/);
  assert.match(text, /server: server namespace disconnect/);
  assert.match(text, /started by the server leg/);
  assert.match(text, /does not reconnect by itself/);
  assert.match(await page.getByTestId('socket-fields').innerText(), /active\s+false/);
  await screenshot(page, 'socket-view-server-disconnect');
});

test('reconnect attempts while the target is down, the last one a success', async () => {
  const looper = await scene.connect('looper', {
    reconnection: true,
    reconnectionDelay: 100,
    reconnectionDelayMax: 200,
    randomizationFactor: 0,
  });
  const group = page.getByTestId('client-item').filter({ hasText: 'looper' });
  await group.locator('[data-testid="attempt-chip"][data-attempt="0"][data-outcome="connected"]').waitFor();

  const { port } = scene.target;
  await scene.target.close();
  // Three failures in a row are a reconnect loop: the sidebar says so while the target is down.
  await group.getByTestId('reconnect-loop').waitFor({ timeout: 5000 });
  assert.match(await group.getByTestId('reconnect-loop').innerText(), /\d+ failures in a row/);
  await screenshot(page, 'reconnect-loop');

  restarted = await startTarget({}, port);
  serve(restarted);
  await connected(looper, false, 5000);
  const chips = group.getByTestId('attempt-chip');
  const outcomes = await eventually(
    async () => {
      const list = await chips.evaluateAll((els) =>
        els.map((el) => `${el.getAttribute('data-attempt')}:${el.getAttribute('data-outcome')}`),
      );
      return list.length > 2 && list[list.length - 1]?.endsWith(':connected') && list;
    },
    5000,
    'the successful reconnect attempt',
  );
  const attempts = outcomes.map((o) => Number(o.split(':')[0]));
  assert.deepEqual(
    attempts,
    attempts.map((_, i) => i),
    `attempts numbered 0..n: ${outcomes.join(' ')}`,
  );
  assert.equal(outcomes[0], '0:connected');
  assert.ok(
    outcomes.slice(1, -1).every((o) => o.endsWith(':failed')) && outcomes.length >= 4,
    `failed attempts between the first connection and the last: ${outcomes.join(' ')}`,
  );
  assert.equal(await group.getByTestId('reconnect-loop').count(), 0, 'the loop is over');
  const last = chips.last();
  assert.match((await last.getAttribute('title')) ?? '', /reconnect attempt \d+[\s\S]*connected/);
  await screenshot(page, 'reconnect-attempts');

  // The dropped session's lifecycle ends with the attempts that followed it, up to the one that connected.
  const first = group.getByTestId('session-item').first();
  await first.and(page.locator('[data-state="closed"]')).waitFor();
  await first.getByTestId('namespace-item').click();
  const next = page.getByTestId('timeline').locator('[data-kind="next-attempt"]');
  await eventually(async () => (await next.count()) === outcomes.length - 1, 3000, 'the next attempts');
  const texts = await next.allInnerTexts();
  assert.match(texts[0] ?? '', /reconnect attempt #1 after .* \(cause: transport close\) — failed/);
  assert.match(texts[texts.length - 1] ?? '', /reconnect attempt #\d+ .*— connected as session/);
});
