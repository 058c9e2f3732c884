/**
 * Screenshots of the dashboard's main views, light and dark, over a live scene: a real socket.io@4
 * app (instrumented with @socket.io/admin-ui, a `/secure` namespace whose middleware refuses), the
 * real CLI with `--admin-ui`, clients that chat with acks, send binary, join rooms, get kicked, and
 * a request with an unknown sid. Saved to test-results/screenshots/<theme>-<view>.png; each view is
 * checked for what it should show first, so a screenshot is never of an empty or a wrong view.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { instrument } from '@socket.io/admin-ui';
import type { Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { sleep } from '../test/support/harness.js';
import {
  client,
  closeAll,
  connected,
  packetRows,
  screenshot,
  startScene,
  type Cli,
  type Scene,
} from './support/dashboard.js';

let scene: Scene | undefined;
let cli: Cli;
let page: Page;
const sockets: Socket[] = [];
let alice: Socket;
let kicked: Socket;

before(async () => {
  scene = await startScene({
    serve: (t) => {
      instrument(t.io, { auth: false });
      t.io.on('connection', (s) => {
        s.on('join', (room: string, ack: () => void) => {
          void s.join(room);
          ack();
        });
        s.on('chat', (msg: { text: string }, ack: (r: unknown) => void) => {
          s.to('blue').emit('chat', { from: s.handshake.query.client, ...msg });
          setTimeout(() => ack({ ok: true, at: Date.now() }), 5);
        });
        s.on('avatar', (_name: string, _bytes: Buffer, ack: (n: number) => void) => ack(_bytes.length));
        s.on('kick', () => s.disconnect(true));
      });
      t.io.of('/secure').use((_s, next) => {
        const err = new Error('not authorized') as Error & { data?: unknown };
        err.data = { reason: 'missing token' };
        next(err);
      });
    },
    args: ['--admin-ui'],
  });
  ({ cli, page } = scene);

  alice = client(cli.proxy, 'alice', { auth: { user: 'alice' } });
  const bob = client(cli.proxy, 'bob', { auth: { user: 'bob' } });
  kicked = client(cli.proxy, 'kicked');
  const intruder = client(cli.proxy + '/secure', 'intruder');
  sockets.push(alice, bob, kicked, intruder);
  await Promise.all([connected(alice), connected(bob), connected(kicked)]);
  await alice.timeout(3000).emitWithAck('join', 'blue');
  await bob.timeout(3000).emitWithAck('join', 'blue');
  for (let i = 0; i < 20; i++) {
    const from = i % 3 ? alice : bob;
    await from
      .timeout(3000)
      .emitWithAck('chat', { text: `message ${i}`, tags: ['demo', i % 2 ? 'odd' : 'even'] });
    await sleep(60);
  }
  await alice
    .timeout(3000)
    .emitWithAck('avatar', 'me.png', Buffer.from('\x89PNG\r\n\x1a\n sio-proxy avatar', 'latin1'));
  kicked.emit('kick');
  // An Engine.IO request with an unknown sid: the target's 400, which the proxy reports as a problem.
  await fetch(`${cli.proxy}/socket.io/?EIO=4&transport=polling&sid=nope`);
});

after(() =>
  closeAll(
    () => sockets.forEach((s) => s.close()),
    () => scene?.close(),
  ),
);

async function tab(name: 'packets' | 'socket' | 'rooms' | 'problems' | 'stats'): Promise<void> {
  await page.getByTestId(`tab-${name}`).click();
}

/** Every view, checked then saved as `<theme>-<view>.png`. */
async function shootAll(theme: 'light' | 'dark'): Promise<string[]> {
  const saved: string[] = [];
  const close = page.getByRole('button', { name: 'close the detail pane' });

  await tab('packets');
  if (await close.count()) await close.click();
  const sessionChip = page.getByTestId('filter-session');
  if (await sessionChip.count()) await sessionChip.click();
  await packetRows(page).filter({ hasText: 'chat' }).first().waitFor();
  saved.push(await screenshot(page, `${theme}-sessions-packets`));

  // Find one chat message with the filter, select it, and clear the filter: the selection stays in view.
  await page.getByTestId('filter-input').fill('message 4"');
  await packetRows(page).filter({ hasText: 'EVENT' }).filter({ hasText: '↑' }).first().click();
  await page.getByTestId('filter-input').fill('');
  await page.getByTestId('detail-pane').getByTestId('ack-link').waitFor();
  saved.push(await screenshot(page, `${theme}-detail-pane`));

  await close.click();
  await page.getByTestId('filter-type').selectOption('sio:BINARY_EVENT');
  await packetRows(page).first().click();
  await page.getByTestId('filter-type').selectOption('');
  await page.getByTestId('hex-dump').waitFor();
  saved.push(await screenshot(page, `${theme}-detail-binary`));

  await page
    .locator(`[data-testid="session-item"][data-sid="${alice.io.engine.id}"] [data-testid="namespace-item"]`)
    .click();
  await page.getByTestId('timeline').locator('[data-kind="connect"]').waitFor();
  saved.push(await screenshot(page, `${theme}-socket-lifecycle`));

  await page
    .locator('[data-testid="client-item"]', { hasText: 'kicked' })
    .getByTestId('namespace-item')
    .click();
  await page.getByTestId('timeline').locator('[data-kind="disconnect"]').waitFor();
  saved.push(await screenshot(page, `${theme}-socket-disconnect`));

  await tab('rooms');
  await page.getByTestId('room-item').filter({ hasText: 'blue' }).waitFor();
  saved.push(await screenshot(page, `${theme}-rooms`));

  await tab('problems');
  await page.locator('[data-testid="problem-item"][data-kind="connect_error"]').waitFor();
  await page.locator('[data-testid="problem-item"][data-kind="error"]').waitFor();
  saved.push(await screenshot(page, `${theme}-problems`));

  await tab('stats');
  await page.getByTestId('stat-card').first().waitFor();
  saved.push(await screenshot(page, `${theme}-stats`));
  return saved;
}

/** The page background's relative luminance (0 black .. 1 white). */
async function backgroundLuminance(): Promise<number> {
  const rgb = await page.evaluate(() => {
    // The first element up from the sessions sidebar that paints a background.
    for (
      let el: Element | null = document.querySelector('[data-testid="sessions-sidebar"]');
      el;
      el = el.parentElement
    ) {
      const bg = getComputedStyle(el).backgroundColor;
      if (bg && bg !== 'transparent' && !/rgba\(.*, 0\)$/.test(bg)) return bg;
    }
    return 'rgb(255, 255, 255)';
  });
  const [r = 0, g = 0, b = 0] = (rgb.match(/\d+(\.\d+)?/g) ?? []).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

test('light theme: every main view', async () => {
  await page.emulateMedia({ colorScheme: 'light' });
  const saved = await shootAll('light');
  assert.equal(saved.length, 8);
  assert.ok((await backgroundLuminance()) > 0.7, 'a light background');
});

test('dark theme (prefers-color-scheme: dark): every main view', async () => {
  await page.emulateMedia({ colorScheme: 'dark' });
  const saved = await shootAll('dark');
  assert.equal(saved.length, 8);
  assert.ok((await backgroundLuminance()) < 0.3, 'a dark background');
});
