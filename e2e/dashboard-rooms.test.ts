/**
 * The dashboard's rooms, as a user sees them: a real socket.io@4 app instrumented with
 * @socket.io/admin-ui, the real CLI run with `--admin-ui`, the panel in Chromium. Rooms joined and
 * left server-side show up (and go) with their members, labelled as admin-ui facts; over time, a
 * room joined, left and joined again is two stays in the member's cell (light and dark screenshots).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
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
import { serveRooms } from './support/rooms-app.js';

let scene: Scene | undefined;
let cli: Cli;
let page: Page;
const sockets: Socket[] = [];

before(async () => {
  scene = await startScene({
    serve: serveRooms,
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

/** The rooms tab's row of `room` (in namespace `/`). */
function roomRow(room: string) {
  return page.getByTestId('room-item').filter({ has: page.getByRole('cell', { name: room, exact: true }) });
}

test('a room joined server-side is listed with its member, from admin-ui', async () => {
  const alice = client(cli.proxy, 'alice');
  const bob = client(cli.proxy, 'bob');
  sockets.push(alice, bob);
  await Promise.all([connected(alice), connected(bob)]);
  await alice.timeout(3000).emitWithAck('join', 'blue');
  await bob.timeout(3000).emitWithAck('join', 'green');

  await page.getByTestId('tab-rooms').click();
  const blue = roomRow('blue');
  await blue.waitFor();
  assert.equal(await blue.getAttribute('data-source'), 'admin-ui');
  const cells = await blue.getByRole('cell').allInnerTexts();
  assert.equal(cells[0], '/');
  assert.equal(cells[1], 'blue');
  assert.equal(cells[2], 'admin-ui');
  const members = blue.getByRole('button');
  assert.deepEqual(await members.allInnerTexts(), [alice.id?.slice(0, 8)]);
  assert.equal(await members.first().getAttribute('title'), `socket ${alice.id}`);
  await roomRow('green').waitFor();
  assert.deepEqual(await roomRow('green').getByRole('button').allInnerTexts(), [bob.id?.slice(0, 8)]);
  await screenshot(page, 'rooms');

  // A member links to its socket: the socket view lists the room.
  await members.first().click();
  await page.getByTestId('tab-socket').click();
  const fields = page.getByTestId('socket-fields');
  assert.match(await fields.innerText(), new RegExp(`socket\\.id\\s+${alice.id}`));
  // Its own room (named after its id) and blue, as chips.
  assert.match(await fields.innerText(), new RegExp(`\\nrooms\\n(${alice.id})?blue\\n`));
});

test('a second member joins, and a room left by all is gone', async () => {
  const carol = client(cli.proxy, 'carol');
  sockets.push(carol);
  await connected(carol);
  await carol.timeout(3000).emitWithAck('join', 'blue');
  await page.getByTestId('tab-rooms').click();
  const blue = roomRow('blue');
  await eventually(async () => (await blue.getByRole('button').count()) === 2, 5000, 'two members of blue');
  assert.ok((await blue.getByRole('button').allInnerTexts()).includes(carol.id?.slice(0, 8) ?? '?'));

  const bob = sockets[1] as Socket;
  await bob.timeout(3000).emitWithAck('leave', 'green');
  await roomRow('green').waitFor({ state: 'detached' });
  await blue.waitFor();
});

test('an admin-ui room join, leave and join again shows as intervals on the rooms over time', async () => {
  const dora = client(cli.proxy, 'dora');
  const erin = client(cli.proxy, 'erin');
  sockets.push(dora, erin);
  await Promise.all([connected(dora), connected(erin)]);
  await dora.timeout(3000).emitWithAck('join', 'violet');
  await sleep(150);
  await erin.timeout(3000).emitWithAck('join', 'violet');
  await sleep(150);
  await dora.timeout(3000).emitWithAck('leave', 'violet');
  await sleep(150);
  await dora.timeout(3000).emitWithAck('join', 'violet');

  await page.getByTestId('tab-rooms').click();
  await page.getByTestId('rooms-over-time-toggle').click();
  const blue = page.locator('[data-testid="rooms-over-time-row"][data-room="violet"]');
  await blue.waitFor();
  assert.equal(await blue.getAttribute('data-source'), 'admin-ui');
  const doraCell = blue.locator(`[data-testid="room-cell"][data-member="${dora.id}"]`);
  const intervals = await eventually(
    async () => {
      const title = (await doraCell.getAttribute('title').catch(() => null)) ?? '';
      const lines = title.split('\n').slice(1);
      return lines.length === 2 && lines;
    },
    5000,
    'dora in violet twice',
  );
  assert.match(intervals[0] ?? '', /^\d\d:\d\d:\d\d\.\d{3} – \d\d:\d\d:\d\d\.\d{3}$/, 'the first stay ended');
  assert.match(intervals[1] ?? '', / – now$/, 'the second lasts');
  assert.equal(await doraCell.locator('rect').count(), 2);
  assert.equal(await doraCell.getAttribute('data-member-now'), 'true');
  const erinCell = blue.locator(`[data-testid="room-cell"][data-member="${erin.id}"]`);
  assert.equal(await erinCell.locator('rect').count(), 1);
  assert.equal(await erinCell.getAttribute('data-member-now'), 'true');
  // The stays are in time order across the strip: dora's second starts after erin's.
  const xs = async (cell: typeof doraCell) =>
    cell.locator('rect').evaluateAll((els) => els.map((e) => Number(e.getAttribute('x'))));
  const [a1, a2] = await xs(doraCell);
  const [b1] = await xs(erinCell);
  assert.ok(a1! < b1! && b1! < a2!, `dora ${a1}, ${a2}; erin ${b1}`);
  await screenshot(page, 'light-rooms-over-time');

  const { context, page: dark } = await openDashboard((scene as Scene).browser, cli.dashboard, {
    colorScheme: 'dark',
  });
  try {
    await dark.getByTestId('tab-rooms').click();
    await dark.getByTestId('rooms-over-time-toggle').click();
    await dark.locator('[data-testid="rooms-over-time-row"][data-room="violet"]').waitFor();
    await screenshot(dark, 'dark-rooms-over-time');
  } finally {
    await context.close();
  }
});
