/**
 * One time window for the Timeline and Stats, as a user sees it: a real socket.io@4 app behind the
 * real CLI, the panel in Chromium. Untouched, Stats shows its last five minutes; zoomed on the
 * Timeline to the first of two acks, Stats counts that ack only and says it shows the Timeline's
 * window; "Last 5 min" brings its default back.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { sleep } from '../test/support/harness.js';
import { client, closeAll, connected, eventually, startScene, type Scene } from './support/dashboard.js';

let scene: Scene | undefined;
let page: Page;
let socket: Socket;
let firstAt = 0;
let secondAt = 0;

before(async () => {
  scene = await startScene({
    serve: (t) =>
      t.io.on('connection', (s) => {
        s.on('slow', (ms: number, ack: (r: unknown) => void) => setTimeout(() => ack(ms), ms));
      }),
  });
  page = scene.page;
  socket = client(scene.cli.proxy, 'window');
  await connected(socket);
  firstAt = Date.now();
  await socket.timeout(3000).emitWithAck('slow', 40);
  await sleep(2500);
  secondAt = Date.now();
  await socket.timeout(3000).emitWithAck('slow', 120);
});

after(() =>
  closeAll(
    () => socket?.close(),
    () => scene?.close(),
  ),
);

/** The ack latency table's count for `slow`, and the window Stats says it shows. */
async function statsNow(): Promise<{ count: string; shared: string | null; text: string }> {
  await page.getByTestId('tab-stats').click();
  const w = page.getByTestId('stats-window');
  const row = page.locator('[data-testid="latency-row"][data-event="slow"]');
  return {
    count: (await row.count()) ? ((await row.getByTestId('latency-count').textContent()) ?? '') : '0',
    shared: await w.getAttribute('data-shared'),
    text: (await w.textContent()) ?? '',
  };
}

test('untouched, Stats keeps its five minutes; zoomed on the Timeline, it counts what the Timeline shows', async () => {
  await eventually(async () => (await statsNow()).count === '2', 5000, 'both acks in the default window');
  const before = await statsNow();
  assert.equal(before.shared, null);
  assert.match(before.text, /^Window: the last 5 min/);

  // Zoom the Timeline with the wheel at the first ack until the second is out of view.
  await page.getByTestId('tab-timeline').click();
  await page.getByTestId('timeline-fit').click();
  const geometry = () =>
    page.getByTestId('timeline-canvas').evaluate((el) => {
      const c = el as HTMLCanvasElement;
      const r = c.getBoundingClientRect();
      return {
        start: Number(c.dataset.start),
        msPerPx: Number(c.dataset.msPerPx),
        left: r.left + Number(c.dataset.labelWidth),
        top: r.top + Number(c.dataset.axisHeight),
        plot: r.width - Number(c.dataset.labelWidth),
      };
    });
  let g = await geometry();
  for (let i = 0; i < 30 && g.start + g.plot * g.msPerPx >= secondAt; i++) {
    await page.mouse.move(g.left + (firstAt + 20 - g.start) / g.msPerPx, g.top + 12);
    await page.mouse.wheel(0, -300);
    await page.waitForFunction((m) => {
      const c = document.querySelector('[data-testid="timeline-canvas"]') as HTMLCanvasElement;
      return Number(c.dataset.msPerPx) !== m;
    }, g.msPerPx);
    g = await geometry();
  }
  const from = g.start;
  const to = g.start + g.plot * g.msPerPx;
  assert.ok(from <= firstAt && to < secondAt, `the view ${from}..${to} holds the first ack only`);

  const zoomed = await statsNow();
  assert.equal(zoomed.shared, 'fixed');
  assert.match(zoomed.text, /^Window: the Timeline’s, \d\d:\d\d:\d\d\.\d{3} – \d\d:\d\d:\d\d\.\d{3}/);
  const w = page.getByTestId('stats-window');
  assert.ok(
    Math.abs(Number(await w.getAttribute('data-from')) - from) < 1,
    'Stats starts where the Timeline does',
  );
  assert.ok(Math.abs(Number(await w.getAttribute('data-to')) - to) < 1, 'and ends where it does');
  assert.equal(zoomed.count, '1', 'the ack out of the Timeline’s view is not counted');
  const p50 = Number(
    await page
      .locator('[data-testid="latency-row"][data-event="slow"] [data-testid="latency-p50"]')
      .getAttribute('data-ms'),
  );
  // The proxy stamps each packet with its arrival, so the ack's latency holds the server's 40 ms; but
  // that timer counts from its loop's clock, read when the loop turn began: on a busy machine it
  // fires a millisecond or two early.
  assert.ok(p50 >= 37 && p50 < 120, `the first ack's latency (40 ms on the server): ${p50}`);

  // The Timeline opens again at the same window.
  await page.getByTestId('tab-timeline').click();
  // Read once the reopened canvas has painted its window (its first frame may precede it).
  const same = (g: Awaited<ReturnType<typeof geometry>>) =>
    Math.abs(g.start - from) < 1 && Math.abs(g.start + g.plot * g.msPerPx - to) < 1;
  let again = await geometry();
  for (let i = 0; i < 40 && !same(again); i++) {
    await page.waitForTimeout(50);
    again = await geometry();
  }
  assert.ok(same(again), `the Timeline reopened at ${JSON.stringify(again)}, not ${from}..${to}`);

  await page.getByTestId('tab-stats').click();
  await page.getByTestId('stats-window-reset').click();
  const reset = await statsNow();
  assert.equal(reset.shared, null);
  assert.equal(reset.count, '2');
});
