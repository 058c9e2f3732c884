/**
 * Rooms over time, as a user sees them: a real socket.io@4 app instrumented with @socket.io/admin-ui,
 * the real CLI with `--admin-ui`, the panel in Chromium. A room joined, left and joined again shows
 * as two intervals in the member's cell, a second member as a cell of its own; admin-ui rooms are
 * drawn solid. Screenshots light and dark.
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
  eventually,
  openDashboard,
  screenshot,
  startScene,
  type Cli,
  type Scene,
} from './support/dashboard.js';

let scene: Scene | undefined;
let cli: Cli;
let page: Page;
const sockets: Socket[] = [];

before(async () => {
  scene = await startScene({
    serve: (t) => {
      instrument(t.io, { auth: false });
      t.io.on('connection', (s) => {
        s.on('join', (room: string, ack: () => void) => {
          void s.join(room);
          ack();
        });
        s.on('leave', (room: string, ack: () => void) => {
          void s.leave(room);
          ack();
        });
      });
    },
    args: ['--admin-ui'],
  });
  ({ cli, page } = scene);
});

after(() =>
  closeAll(
    () => sockets.forEach((s) => s.close()),
    () => scene?.close(),
  ),
);

test('an admin-ui room join, leave and join again shows as intervals on the rooms over time', async () => {
  const alice = client(cli.proxy, 'alice');
  const bob = client(cli.proxy, 'bob');
  sockets.push(alice, bob);
  await Promise.all([connected(alice), connected(bob)]);
  await alice.timeout(3000).emitWithAck('join', 'blue');
  await sleep(150);
  await bob.timeout(3000).emitWithAck('join', 'blue');
  await sleep(150);
  await alice.timeout(3000).emitWithAck('leave', 'blue');
  await sleep(150);
  await alice.timeout(3000).emitWithAck('join', 'blue');

  await page.getByTestId('tab-rooms').click();
  await page.getByTestId('rooms-over-time-toggle').click();
  const blue = page.locator('[data-testid="rooms-over-time-row"][data-room="blue"]');
  await blue.waitFor();
  assert.equal(await blue.getAttribute('data-source'), 'admin-ui');
  const aliceCell = blue.locator(`[data-testid="room-cell"][data-member="${alice.id}"]`);
  const intervals = await eventually(
    async () => {
      const title = (await aliceCell.getAttribute('title').catch(() => null)) ?? '';
      const lines = title.split('\n').slice(1);
      return lines.length === 2 && lines;
    },
    5000,
    'alice in blue twice',
  );
  assert.match(intervals[0] ?? '', /^\d\d:\d\d:\d\d\.\d{3} – \d\d:\d\d:\d\d\.\d{3}$/, 'the first stay ended');
  assert.match(intervals[1] ?? '', / – now$/, 'the second lasts');
  assert.equal(await aliceCell.locator('rect').count(), 2);
  assert.equal(await aliceCell.getAttribute('data-member-now'), 'true');
  const bobCell = blue.locator(`[data-testid="room-cell"][data-member="${bob.id}"]`);
  assert.equal(await bobCell.locator('rect').count(), 1);
  assert.equal(await bobCell.getAttribute('data-member-now'), 'true');
  // The stays are in time order across the strip: alice's second starts after bob's.
  const xs = async (cell: typeof aliceCell) =>
    cell.locator('rect').evaluateAll((els) => els.map((e) => Number(e.getAttribute('x'))));
  const [a1, a2] = await xs(aliceCell);
  const [b1] = await xs(bobCell);
  assert.ok(a1! < b1! && b1! < a2!, `alice ${a1}, ${a2}; bob ${b1}`);
  await screenshot(page, 'light-rooms-over-time');

  const { context, page: dark } = await openDashboard((scene as Scene).browser, cli.dashboard, {
    colorScheme: 'dark',
  });
  try {
    await dark.getByTestId('tab-rooms').click();
    await dark.getByTestId('rooms-over-time-toggle').click();
    await dark.locator('[data-testid="rooms-over-time-row"][data-room="blue"]').waitFor();
    await screenshot(dark, 'dark-rooms-over-time');
  } finally {
    await context.close();
  }
});
