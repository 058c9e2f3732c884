/**
 * Marks on the timeline's bars, as a user sees them: a real socket.io@4 app with
 * @socket.io/admin-ui behind the real CLI (`--admin-ui`), the panel in Chromium. A room joined and
 * left server-side is two marks on the client's bar at those instants, whose hover text names the
 * room; an emit injected through the control API is a mark that opens that packet; a namespace
 * that refuses the client is a problem mark that opens the Problems tab. The Rooms tab's graph
 * draws the same admin-ui rooms as sockets linked to rooms.
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
  screenshot,
  startScene,
  type Cli,
  type Scene,
} from './support/dashboard.js';
import { canvasPixel } from './support/canvas.js';
import { serveRooms } from './support/rooms-app.js';

let scene: Scene | undefined;
let cli: Cli;
let page: Page;
let alice: Socket;

before(async () => {
  scene = await startScene({
    serve: serveRooms,
    args: ['--admin-ui'],
  });
  ({ cli, page } = scene);
  alice = client(cli.proxy, 'alice');
  await connected(alice);
});

after(() =>
  closeAll(
    () => alice?.close(),
    () => scene?.close(),
  ),
);

interface MarkData {
  kind: string;
  ts: number;
  text: string;
}

/** The marks the table lists for `sid` (the same the canvas draws). */
async function marksOf(sid: string): Promise<MarkData[]> {
  await page.getByTestId('timeline-table-toggle').click();
  const marks = await page
    .locator(`[data-testid="timeline-row"][data-sid="${sid}"] [data-testid="timeline-mark"]`)
    .evaluateAll((els) =>
      els.map((el) => ({
        kind: el.getAttribute('data-kind') ?? '',
        ts: Number(el.getAttribute('data-ts')),
        text: el.textContent ?? '',
      })),
    );
  await page.getByTestId('timeline-table-toggle').click();
  await page.getByTestId('timeline-canvas').waitFor();
  return marks;
}

/** Page coordinates of instant `t`, `dy` px below the top of the first lane. */
async function pointAt(t: number, dy: number): Promise<{ x: number; y: number }> {
  return page.getByTestId('timeline-canvas').evaluate(
    (el, a) => {
      const c = el as HTMLCanvasElement;
      const r = c.getBoundingClientRect();
      const n = (k: string) => Number(c.dataset[k]);
      return {
        x: r.left + n('labelWidth') + (a.t - n('start')) / n('msPerPx'),
        y: r.top + n('axisHeight') - n('scrollTop') + a.dy,
      };
    },
    { t, dy },
  );
}

const pixel = (x: number, y: number) => canvasPixel(page, 'timeline-canvas', x, y);

/** Hover text of the canvas at a point (the scroller over it carries the title). */
async function titleAt(p: { x: number; y: number }): Promise<string> {
  await page.mouse.move(p.x, p.y);
  return (await page.getByTestId('timeline-scroller').getAttribute('title')) ?? '';
}

/**
 * Hovers the mark at instant t until its hover text reads `re`, and returns
 * where it is. The canvas may still be repainting after a fit or a new row,
 * so the point is measured again on each try, as a user's second look would.
 */
async function hoverMark(t: number, dy: number, re: RegExp): Promise<{ x: number; y: number }> {
  let last = '';
  const found = await eventually(
    async () => {
      const p = await pointAt(t, dy);
      await page.mouse.move(p.x - 30, p.y - 30);
      last = await titleAt(p);
      return re.test(last) && p;
    },
    3000,
    `a mark whose hover text reads ${re}`,
  ).catch(() => undefined);
  assert.ok(found, `hover text ${JSON.stringify(last)} does not match ${re}`);
  return found;
}

test('a room joined and left is two marks on the bar at those instants, named in the hover text', async () => {
  const sid = alice.io.engine.id;
  await alice.timeout(3000).emitWithAck('join', 'blue');
  await sleep(400);
  await alice.timeout(3000).emitWithAck('leave', 'blue');
  await page.getByTestId('tab-timeline').click();
  const marks = await eventually(
    async () => {
      const m = await marksOf(sid);
      return m.filter((x) => x.kind === 'join' || x.kind === 'leave').length === 2 && m;
    },
    8000,
    'the join and the leave on alice’s session',
  );
  const join = marks.find((m) => m.kind === 'join')!;
  const leave = marks.find((m) => m.kind === 'leave')!;
  assert.match(join.text, /joined room "blue" — admin-ui$/);
  assert.match(leave.text, /left room "blue" — admin-ui$/);
  assert.ok(leave.ts - join.ts >= 350, `the leave ${leave.ts - join.ts} ms after the join`);

  await page.getByTestId('timeline-fit').click();
  // Above the bar (rooms' band): the hover names the room, at each instant.
  const j = await hoverMark(join.ts, 3, /^joined room "blue" — admin-ui \(click: open\)$/);
  const l = await hoverMark(leave.ts, 3, /^left room "blue" — admin-ui/);
  await page.mouse.move(j.x, j.y + 60); // off the canvas' marks before reading pixels
  // The mark is drawn in the rooms colour (green) there, and not halfway between the two.
  const green = ([r, g, b]: number[]) => g! > r! + 40 && g! > b! + 20;
  const near = async (p: { x: number; y: number }) => Promise.all([-1, 0, 1].map((d) => pixel(p.x + d, p.y)));
  assert.ok((await near(j)).some(green), `a green mark at the join: ${JSON.stringify(await near(j))}`);
  assert.ok((await near(l)).some(green), 'a green mark at the leave');
  const mid = await pointAt((join.ts + leave.ts) / 2, 3);
  assert.ok(!(await near(mid)).some(green), 'nothing between them');
  await screenshot(page, 'light-timeline-marks');
  await page.emulateMedia({ colorScheme: 'dark' });
  try {
    await page.waitForTimeout(200); // the canvas repaints on the scheme's change
    assert.ok((await near(j)).some(green), 'the dark palette’s mark is green too');
    await screenshot(page, 'dark-timeline-marks');
  } finally {
    await page.emulateMedia({ colorScheme: 'light' });
  }

  // A click on the join opens the Rooms tab with alice's session selected.
  await page.mouse.click(j.x, j.y);
  await page.locator('.rooms-view').waitFor();
  assert.match(
    (await page.locator(`[data-testid="session-item"][data-sid="${sid}"]`).getAttribute('class')) ?? '',
    /selected/,
  );
});

test('an injected emit is a mark that opens its packet; a refused namespace a problem mark', async () => {
  const sid = alice.io.engine.id;
  const news = new Promise<unknown[]>((resolve) => alice.once('news', (...args) => resolve(args)));
  const dashboard = new URL(cli.dashboard);
  const token = dashboard.searchParams.get('token');
  const sent = await fetch(new URL(`/api/sessions/${sid}/emit`, dashboard), {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ direction: 's2c', event: 'news', args: ['from the proxy'] }),
  });
  assert.equal(sent.status, 200, await sent.text());
  assert.deepEqual(await news, ['from the proxy']);
  await sleep(400);
  // The Manager opens the socket by itself (autoConnect): one CONNECT, one refusal.
  const refused = alice.io.socket('/nowhere');
  const error = new Promise<Error>((resolve) => refused.once('connect_error', resolve));
  assert.match((await error).message, /Invalid namespace/);

  await page.getByTestId('tab-timeline').click();
  const marks = await eventually(
    async () => {
      const m = await marksOf(sid);
      return m.some((x) => x.kind === 'intervention') && m.some((x) => x.kind === 'problem') && m;
    },
    8000,
    'the intervention and the problem on alice’s session',
  );
  const injected = marks.find((m) => m.kind === 'intervention')!;
  const problem = marks.find((m) => m.kind === 'problem')!;
  assert.match(injected.text, /proxy injected: s2c EVENT "news" emitted by the proxy$/);
  assert.match(problem.text, /warning: namespace \/nowhere refused the client: Invalid namespace$/);

  await page.getByTestId('timeline-fit').click();
  // Below the bar: the proxy's and the analysis' marks.
  const ip = await hoverMark(injected.ts, 21, /^proxy injected: s2c EVENT "news"/);
  await page.mouse.click(ip.x, ip.y);
  const row = page.locator('[data-testid="packet-row"][aria-selected="true"]');
  await row.waitFor();
  // The injected packet (the only one) is selected.
  assert.equal(await row.getAttribute('data-changed'), 'injected');
  assert.match((await row.locator('.c-event').textContent()) ?? '', /news/);

  await page.getByTestId('tab-timeline').click();
  await page.getByTestId('timeline-fit').click();
  const pp = await hoverMark(problem.ts, 21, /^warning: namespace \/nowhere refused the client/);
  await page.mouse.click(pp.x, pp.y);
  await page.locator('[data-testid="problem-kind"][data-kind="connect_error"]').waitFor();
});

test('the Rooms tab draws a small namespace as a graph: an edge per socket in a room', async () => {
  const bob = client(cli.proxy, 'bob');
  try {
    await connected(bob);
    await bob.timeout(3000).emitWithAck('join', 'blue');
    await alice.timeout(3000).emitWithAck('join', 'blue');
    await alice.timeout(3000).emitWithAck('join', 'red');
    await page.getByTestId('tab-rooms').click();
    await page.getByTestId('rooms-graph-toggle').click();
    const edges = async () =>
      (
        await page
          .locator('[data-testid="room-graph-nsp"][data-nsp="/"] [data-testid="room-graph-edge"]')
          .evaluateAll((els) =>
            els.map((el) => `${el.getAttribute('data-room')} ${el.getAttribute('data-member')}`),
          )
      ).sort();
    const expected = [`blue ${alice.id}`, `blue ${bob.id}`, `red ${alice.id}`].sort();
    await eventually(
      async () => JSON.stringify(await edges()) === JSON.stringify(expected),
      5000,
      'the three memberships as edges',
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(await edges())}`);
    });
    const label =
      (await page.locator('[data-testid="room-graph-nsp"][data-nsp="/"] svg').getAttribute('aria-label')) ??
      '';
    assert.match(label, /^Namespace \/, 2 rooms and 2 members\./);
    assert.ok(label.includes(`red: ${alice.id}`), label);
    await screenshot(page, 'light-rooms-graph');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'dark-rooms-graph');
    await page.emulateMedia({ colorScheme: 'light' });
    // Leaving takes the edge away; a click on a member selects its session.
    await bob.timeout(3000).emitWithAck('leave', 'blue');
    await eventually(
      async () =>
        JSON.stringify(await edges()) === JSON.stringify([`blue ${alice.id}`, `red ${alice.id}`].sort()),
      5000,
      'bob’s edge gone',
    );
    await page.locator('[data-testid="room-graph-nsp"][data-nsp="/"] .rg-member').first().click();
    assert.match(
      (await page
        .locator(`[data-testid="session-item"][data-sid="${alice.io.engine.id}"]`)
        .getAttribute('class')) ?? '',
      /selected/,
    );
  } finally {
    bob.close();
  }
});
