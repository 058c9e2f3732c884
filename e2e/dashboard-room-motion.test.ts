/**
 * Room joins and leaves move as they arrive live, as a user sees them: a real socket.io@4 app with
 * @socket.io/admin-ui behind the real CLI (`--admin-ui`), the dashboard in Chromium. On the
 * Timeline a join's mark moves for a moment, the canvas paints frames only while it does; on Rooms
 * over time the new stay grows and the ended one fades, on the graph a new edge draws itself (CSS
 * animations). With prefers-reduced-motion nothing moves, and the marks are still drawn.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { sleep } from '../test/support/harness.js';
import { client, closeAll, connected, eventually, startScene, type Scene } from './support/dashboard.js';
import { serveRooms } from './support/rooms-app.js';

let scene: Scene | undefined;
let page: Page;
let alice: Socket;

before(async () => {
  scene = await startScene({ serve: serveRooms, args: ['--admin-ui'] });
  page = scene.page;
  alice = client(scene.cli.proxy, 'alice');
  await connected(alice);
});

after(() =>
  closeAll(
    () => alice?.close(),
    () => scene?.close(),
  ),
);

type Watch = { moving: number[]; frames: number };
type WatchWin = { __motion?: Watch };

/**
 * Records every `data-moving` the Timeline's canvas takes and counts its frames from now on (the
 * canvas is a new element after the table was shown: the whole view is watched).
 */
async function watchCanvas(): Promise<void> {
  await page.getByTestId('timeline-view').evaluate((view) => {
    const w: Watch = { moving: [], frames: 0 };
    (window as unknown as WatchWin).__motion = w;
    new MutationObserver((records) => {
      for (const r of records) {
        w.frames++;
        w.moving.push(Number((r.target as HTMLCanvasElement).dataset.moving));
      }
    }).observe(view, { attributes: true, subtree: true, attributeFilter: ['data-frames'] });
  });
}

const watched = () => page.evaluate(() => (window as unknown as WatchWin).__motion as Watch);

/** The join and leave marks the Timeline's table lists for alice's session. */
async function roomMarks(): Promise<string[]> {
  await page.getByTestId('timeline-table-toggle').click();
  const marks = await page
    .locator(`[data-testid="timeline-row"][data-sid="${alice.io.engine.id}"] [data-testid="timeline-mark"]`)
    .evaluateAll((els) =>
      els
        // The table's text is `hh:mm:ss.mmm what`: the time is not what these tests check.
        .map((el) => `${el.getAttribute('data-kind')} ${(el.textContent ?? '').replace(/^[\d:.]+ /, '')}`)
        .filter((t) => /^(join|leave) /.test(t)),
    );
  await page.getByTestId('timeline-table-toggle').click();
  await page.getByTestId('timeline-canvas').waitFor();
  return marks;
}

/** The animations running on the stay of alice's socket in `room` (Rooms over time). */
function stayAnimations(room: string): Promise<{ cls: string; names: string[]; computed: string }> {
  const cell = page.locator(`[data-testid="room-cell"][data-room="${room}"][data-member="${alice.id}"]`);
  return cell
    .locator('rect')
    .last()
    .evaluate((r) => ({
      cls: r.getAttribute('class') ?? '',
      names: r.getAnimations().map((a) => (a as CSSAnimation).animationName),
      computed: getComputedStyle(r).animationName,
    }));
}

test('a live join moves on the Timeline while frames are painted for it, and then the canvas rests', async () => {
  await page.getByTestId('tab-timeline').click();
  await page.getByTestId('timeline-canvas').waitFor();
  await page.waitForFunction(() => {
    const c = document.querySelector('[data-testid="timeline-canvas"]') as HTMLCanvasElement | null;
    return c?.dataset.moving === '0';
  });
  await watchCanvas();
  await alice.timeout(3000).emitWithAck('join', 'blue');
  const w = await eventually(
    async () => {
      const now = await watched();
      return now.moving.some((n) => n > 0) && now.moving.at(-1) === 0 && now;
    },
    8000,
    'the join’s mark moving, then resting',
  );
  const firstMoving = w.moving.findIndex((n) => n > 0);
  const lastMoving = w.moving.length - 1 - [...w.moving].reverse().findIndex((n) => n > 0);
  assert.ok(lastMoving - firstMoving >= 1, `frames while it moved: ${JSON.stringify(w.moving)}`);
  assert.deepEqual(await roomMarks(), ['join joined room "blue" — admin-ui']);

  // At rest: no frame loop. The live clock repaints once a second, nothing more.
  await sleep(300);
  const before = (await watched()).frames;
  await sleep(2000);
  const idle = (await watched()).frames - before;
  assert.ok(idle <= 4, `${idle} frames in 2 s at rest`);
});

test('Rooms over time: a stay joined live grows, one left live fades; a new edge of the graph draws itself', async () => {
  await page.getByTestId('tab-rooms').click();
  await page.getByTestId('rooms-over-time-toggle').click();
  await page.getByTestId('rooms-over-time').waitFor();
  await alice.timeout(3000).emitWithAck('join', 'red');
  const joined = await eventually(
    async () => {
      const a = await stayAnimations('red').catch(() => undefined);
      return a?.cls === 'rt-joined' && a;
    },
    5000,
    'red’s new stay',
  );
  // Caught while it runs or just after: either way the class names the motion the CSS plays.
  assert.ok(
    joined.names.every((n) => n === 'rt-grow'),
    JSON.stringify(joined),
  );
  assert.equal(joined.computed, 'rt-grow', 'the browser plays the grow on it');
  await alice.timeout(3000).emitWithAck('leave', 'red');
  const left = await eventually(
    async () => {
      const a = await stayAnimations('red');
      return a.cls === 'rt-left' && a;
    },
    5000,
    'red’s stay ended',
  );
  assert.ok(
    left.names.every((n) => n === 'rt-fade'),
    JSON.stringify(left),
  );
  // The CSS animation itself, as the browser computes it for a fresh stay.
  const computed = await page
    .locator(`[data-testid="room-cell"][data-room="red"][data-member="${alice.id}"] rect`)
    .last()
    .evaluate((r) => getComputedStyle(r).animationName);
  assert.equal(computed, 'rt-fade');

  // The graph: an edge that appears while it is open draws itself; those it opened with do not.
  await page.getByTestId('rooms-graph-toggle').click();
  const edge = (room: string) =>
    page.locator(
      `[data-testid="room-graph-nsp"][data-nsp="/"] [data-testid="room-graph-edge"][data-room="${room}"]`,
    );
  await edge('blue').waitFor({ state: 'attached' });
  assert.equal(await edge('blue').evaluate((l) => getComputedStyle(l).animationName), 'none');
  await alice.timeout(3000).emitWithAck('join', 'navy');
  await edge('navy').waitFor({ state: 'attached' });
  assert.equal(await edge('navy').getAttribute('class'), 'rg-edge rg-new');
  assert.equal(await edge('navy').evaluate((l) => getComputedStyle(l).animationName), 'rg-draw');
  await page.getByTestId('rooms-over-time-toggle').click();
});

test('with prefers-reduced-motion nothing moves; the marks and stays are still drawn', async () => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  try {
    const cell = page.locator(`[data-testid="room-cell"][data-room="green"][data-member="${alice.id}"] rect`);
    await alice.timeout(3000).emitWithAck('join', 'green');
    await cell.last().waitFor();
    assert.equal(
      await cell.last().evaluate((r) => getComputedStyle(r).animationName),
      'none',
      'no animation on the new stay',
    );

    await page.getByTestId('tab-timeline').click();
    await page.getByTestId('timeline-canvas').waitFor();
    await sleep(300);
    await watchCanvas();
    await alice.timeout(3000).emitWithAck('join', 'yellow');
    await eventually(
      async () => (await roomMarks()).includes('join joined room "yellow" — admin-ui'),
      5000,
      'the yellow join drawn',
    );
    await sleep(500);
    const w = await watched();
    assert.ok(w.frames > 0, 'the canvas repainted for the join');
    assert.deepEqual(
      w.moving.filter((n) => n > 0),
      [],
      'no mark moved',
    );
  } finally {
    await page.emulateMedia({ reducedMotion: 'no-preference' });
  }
});
