/**
 * The timeline and the sequence view, as a user sees them: a real socket.io@4 app behind the real
 * CLI, the panel in Chromium. A client that loses its target and comes back shows on one lane as a
 * gap with failed attempts and a reconnect; an upgrade is a change of colour mid-bar (read from the
 * canvas' pixels); a click on a bar selects that session and opens it; the sequence view of an
 * acked emit links the EVENT and ACK arrows. Screenshots of both views, light and dark.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { startTarget, type Target } from '../test/support/harness.js';
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
import { canvasPixel } from './support/canvas.js';

let scene: Scene | undefined;
let restarted: Target | undefined;
let cli: Cli;
let page: Page;
const sockets: Socket[] = [];
let looper: Socket;

function serve(t: Target): void {
  t.io.on('connection', (s) => {
    s.on('chat', (msg: string, ack: (r: unknown) => void) => setTimeout(() => ack({ ok: true, msg }), 20));
  });
}

before(async () => {
  scene = await startScene({ serve });
  ({ cli, page } = scene);
  looper = client(cli.proxy, 'looper', {
    reconnection: true,
    reconnectionDelay: 150,
    reconnectionDelayMax: 300,
    randomizationFactor: 0,
  });
  sockets.push(looper);
  await connected(looper);
  assert.deepEqual(await looper.timeout(3000).emitWithAck('chat', 'before'), { ok: true, msg: 'before' });
});

after(() =>
  closeAll(
    () => sockets.forEach((s) => s.close()),
    () => restarted?.close(),
    () => scene?.close(),
  ),
);

interface RowData {
  sid: string;
  client: string;
  start: number;
  end?: number;
  upgraded?: number;
  close: string;
  gap: string;
  failed: number[];
}

/** The accessible table's rows (the same lanes the canvas draws), with their times. */
async function tableRows(): Promise<RowData[]> {
  await page.getByTestId('timeline-table-toggle').click();
  const rows = await page.getByTestId('timeline-row').evaluateAll((els) =>
    els.map((el) => {
      const num = (name: string) => (el.getAttribute(name) ? Number(el.getAttribute(name)) : undefined);
      const gap = el.querySelector('[data-testid="timeline-gap"]');
      return {
        sid: el.getAttribute('data-sid') ?? '',
        client: el.getAttribute('data-client') ?? '',
        start: num('data-start') ?? 0,
        end: num('data-end'),
        upgraded: num('data-upgraded'),
        close: el.querySelector('[data-testid="timeline-close"]')?.textContent ?? '',
        gap: gap?.textContent ?? '',
        failed: (gap?.getAttribute('data-failed') ?? '').split(' ').filter(Boolean).map(Number),
      };
    }),
  );
  await page.getByTestId('timeline-table-toggle').click();
  await page.getByTestId('timeline-canvas').waitFor();
  return rows;
}

interface CanvasGeometry {
  start: number;
  msPerPx: number;
  scrollTop: number;
  laneHeight: number;
  labelWidth: number;
  axisHeight: number;
  left: number;
  top: number;
  width: number;
}

async function geometry(): Promise<CanvasGeometry> {
  await page.waitForFunction(() => {
    const c = document.querySelector('[data-testid="timeline-canvas"]') as HTMLCanvasElement | null;
    return c?.dataset.start !== undefined;
  });
  return page.getByTestId('timeline-canvas').evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const r = c.getBoundingClientRect();
    const n = (k: string) => Number(c.dataset[k]);
    return {
      start: n('start'),
      msPerPx: n('msPerPx'),
      scrollTop: n('scrollTop'),
      laneHeight: n('laneHeight'),
      labelWidth: n('labelWidth'),
      axisHeight: n('axisHeight'),
      left: r.left,
      top: r.top,
      width: r.width,
    };
  });
}

/** Page coordinates of instant `t` on lane `lane`, `dy` px below the lane's top. */
function pointOf(g: CanvasGeometry, t: number, lane: number, dy: number): { x: number; y: number } {
  return {
    x: g.left + g.labelWidth + (t - g.start) / g.msPerPx,
    y: g.top + g.axisHeight + lane * g.laneHeight - g.scrollTop + dy,
  };
}

/** The canvas' pixel (RGB) at page coordinates. */
const pixel = (x: number, y: number) => canvasPixel(page, 'timeline-canvas', x, y);

/** Lane index of `clientKey`: clients in the table's order. */
function laneIndex(rows: RowData[], clientKey: string): number {
  return [...new Set(rows.map((r) => r.client))].indexOf(clientKey);
}

test('a target restart shows on one lane as a gap with failed attempts, then the reconnect', async () => {
  const target = (scene as Scene).target;
  const { port } = target;
  await target.close();
  // At least two failed attempts while the target is down (the sidebar's chips say so first).
  const failed = page
    .getByTestId('client-item')
    .filter({ hasText: 'looper' })
    .locator('[data-testid="attempt-chip"][data-outcome="failed"]');
  await eventually(async () => (await failed.count()) >= 2, 8000, 'two failed attempts');
  await page.getByTestId('tab-timeline').click();
  restarted = await startTarget({}, port);
  serve(restarted);
  await connected(looper, false, 8000);
  const sid2 = looper.io.engine.id;
  const rows = await eventually(
    async () => {
      const rows = await tableRows();
      const mine = rows.filter((r) => r.client === rows.find((x) => x.sid === sid2)?.client);
      return mine.length === 2 && mine[0]?.gap.startsWith('reconnect') && mine;
    },
    8000,
    'the looper’s two sessions and the gap between them',
  );
  const [first, second] = rows;
  assert.equal(second?.sid, sid2);
  assert.match(
    first?.close ?? '',
    /^closed by the (server|client): transport (close|error), reconnects by itself$/,
  );
  const gap = /^reconnect #(\d+) after [\d.]+ (ms|s), (\d+) failed attempts?$/.exec(first?.gap ?? '');
  assert.ok(gap, `the gap: ${first?.gap}`);
  assert.equal(Number(gap[1]), Number(gap[3]) + 1, 'the connecting attempt follows the failed ones');
  assert.ok(Number(gap[3]) >= 1, 'failed attempts while the target was down');
  assert.equal(first?.failed.length, Number(gap[3]));
  for (const ts of first?.failed ?? [])
    assert.ok(ts > (first?.end ?? 0) && ts < (second?.start ?? 0), 'failed attempts sit in the gap');

  // On the canvas: the gap's failed attempts are red crosses on the looper's lane.
  await page.getByTestId('timeline-fit').click();
  const all = await tableRows();
  const lane = laneIndex(all, first!.client);
  const g = await geometry();
  const bad = await page.evaluate(() => getComputedStyle(document.body).getPropertyValue('--bad').trim());
  for (const ts of first!.failed) {
    const p = pointOf(g, ts, lane, g.laneHeight / 2);
    const around = await Promise.all([-2, -1, 0, 1, 2].map((d) => pixel(p.x + d, p.y + d)));
    assert.ok(
      around.some(([r, gg, b]) => r > 150 && r > gg + 60 && r > b + 60),
      `a red cross at the failed attempt (${bad}): ${JSON.stringify(around)}`,
    );
  }
  await screenshot(page, 'light-timeline');
});

test('an upgrade is a change of transport mid-bar', async () => {
  const rows = await tableRows();
  const s = rows.find((r) => r.sid === looper.io.engine.id);
  assert.ok(s?.upgraded, 'the reconnect upgraded');
  const lane = laneIndex(rows, s.client);
  // Zoom with the wheel at the upgrade until the polling part is 40 px wide.
  let g = await geometry();
  for (let i = 0; i < 40 && (s.upgraded! - s.start) / g.msPerPx < 40; i++) {
    const p = pointOf(g, s.upgraded!, lane, 12);
    await page.mouse.move(p.x, p.y);
    await page.mouse.wheel(0, -400);
    await page.waitForFunction((before) => {
      const c = document.querySelector('[data-testid="timeline-canvas"]') as HTMLCanvasElement;
      return Number(c.dataset.msPerPx) !== before;
    }, g.msPerPx);
    const next = await geometry();
    // The instant under the pointer stays under it.
    assert.ok(
      Math.abs(pointOf(next, s.upgraded!, lane, 0).x - p.x) < 1.5,
      'zoom keeps the pointer’s instant',
    );
    g = next;
  }
  // A drag 400 px to the left pans: the upgrade follows it. The drag starts well inside the plot
  // (the upgrade itself may sit at its right edge, under the lanes' scrollbar).
  const at = pointOf(g, s.upgraded!, lane, 12);
  const from = g.left + g.labelWidth + (g.width - g.labelWidth) * 0.75;
  await page.mouse.move(from, at.y);
  await page.mouse.down();
  await page.mouse.move(from - 200, at.y, { steps: 4 });
  await page.mouse.move(from - 400, at.y, { steps: 4 });
  await page.mouse.up();
  // The canvas repaints (and says where time is) on the next animation frame: give it a few.
  const followed = () => Math.abs(pointOf(g, s.upgraded!, lane, 0).x - (at.x - 400)) < 1.5;
  for (let i = 0; i < 20; i++) {
    g = await geometry();
    if (followed()) break;
    await page.waitForTimeout(50);
  }
  assert.ok(followed(), 'the content follows the drag');
  const px = (s.upgraded! - s.start) / g.msPerPx;
  assert.ok(px >= 40, `the polling part is ${px} px`);
  // The top row of the bar (density is drawn from the bottom): polling before, WebSocket after.
  const before = await Promise.all(
    [0.2, 0.5, 0.8].map((f) => {
      const p = pointOf(g, s.start + f * (s.upgraded! - s.start), lane, 7);
      return pixel(p.x, p.y);
    }),
  );
  const after = await Promise.all(
    [5, 15, 30].map((d) => {
      const p = pointOf(g, s.upgraded!, lane, 7);
      return pixel(p.x + d, p.y);
    }),
  );
  await screenshot(page, 'timeline-upgrade-zoomed');
  // --tl-polling is amber (red over blue), --tl-websocket blue (blue over red).
  for (const [r, , b] of before) assert.ok(r > b + 60, `polling before the upgrade: ${before}`);
  for (const [r, , b] of after) assert.ok(b > r + 60, `websocket after the upgrade: ${after}`);
});

test('a click on a bar selects that session; it opens in the socket view', async () => {
  await page.getByTestId('timeline-fit').click();
  const rows = await tableRows();
  const s = rows.find((r) => r.sid === looper.io.engine.id)!;
  const lane = laneIndex(rows, s.client);
  const g = await geometry();
  // The middle of the part of the bar in view (an open session grows past the view's right edge).
  const now = Date.now();
  const viewEnd = g.start + (g.width - g.labelWidth - 20) * g.msPerPx;
  const p = pointOf(g, (s.start + Math.min(now, s.end ?? now, viewEnd)) / 2, lane, 12);
  await page.mouse.click(p.x, p.y);
  const selected = page.getByTestId('timeline-selected');
  await selected
    .and(page.locator(`[data-sid="${s.sid}"]`))
    .waitFor()
    .catch(async (err: Error) => {
      await screenshot(page, 'debug-click');
      throw new Error(`${err.message} ${JSON.stringify({ p, g, s, now })}`);
    });
  assert.match(
    (await page.locator(`[data-testid="session-item"][data-sid="${s.sid}"]`).getAttribute('class')) ?? '',
    /selected/,
    'the sidebar selects it too',
  );
  await page.getByTestId('open-socket-view').click();
  const fields = page.getByTestId('socket-fields');
  assert.match(await fields.innerText(), new RegExp(`engine sid\\s+${s.sid}`));
});

test('the sequence view of an acked emit links the EVENT and ACK arrows', async () => {
  const answer = await looper.timeout(3000).emitWithAck('chat', 'linked');
  assert.deepEqual(answer, { ok: true, msg: 'linked' });
  await page.getByTestId('tab-sequence').click();
  const view = page.locator(`[data-testid="sequence-view"][data-sid="${looper.io.engine.id}"]`);
  await view.waitFor();
  const event = view.locator('[data-testid="seq-arrow"][data-label^="EVENT chat"]').last();
  await event.waitFor();
  const eventSeq = await event.getAttribute('data-seq');
  const ackSeq = await event.getAttribute('data-link');
  assert.ok(ackSeq, 'the EVENT knows its ACK');
  assert.equal(await event.getAttribute('data-direction'), 'c2s');
  const ack = view.locator(`[data-testid="seq-arrow"][data-seq="${ackSeq}"]`);
  assert.match((await ack.getAttribute('data-label')) ?? '', /^ACK/);
  assert.equal(await ack.getAttribute('data-direction'), 's2c');
  assert.equal(await ack.getAttribute('data-link'), eventSeq);
  const link = view.locator(`[data-testid="seq-ack-link"][data-event="${eventSeq}"][data-ack="${ackSeq}"]`);
  await link.waitFor();
  assert.match(await link.innerText().catch(async () => (await link.textContent()) ?? ''), /\d+(\.\d+)? ms/);
  // The bracket runs from the EVENT's arrow down to the ACK's.
  const [eBox, aBox, lBox] = await Promise.all([event.boundingBox(), ack.boundingBox(), link.boundingBox()]);
  assert.ok(eBox && aBox && lBox);
  assert.ok(lBox.y <= eBox.y + eBox.height && lBox.y + lBox.height >= aBox.y, 'the link spans both arrows');
  // The lifecycle: the handshake and the upgrade on each leg are notes.
  const notes = await view.getByTestId('seq-note').allTextContents();
  assert.ok(
    notes.some((n) => /handshake over polling/.test(n)),
    notes.join(' | '),
  );
  assert.ok(
    notes.some((n) => /upgrade success/.test(n)),
    notes.join(' | '),
  );
  await screenshot(page, 'light-sequence');
});

test('dark theme: timeline and sequence', async () => {
  const { context, page: dark } = await openDashboard((scene as Scene).browser, cli.dashboard, {
    colorScheme: 'dark',
  });
  try {
    await dark
      .locator(`[data-testid="session-item"][data-sid="${looper.io.engine.id}"] .s-line`)
      .first()
      .click();
    await dark.getByTestId('tab-timeline').click();
    await dark.getByTestId('timeline-canvas').waitFor();
    await dark.waitForTimeout(300);
    await screenshot(dark, 'dark-timeline');
    await dark.getByTestId('tab-sequence').click();
    await dark.locator('[data-testid="seq-ack-link"]').first().waitFor();
    await screenshot(dark, 'dark-sequence');
  } finally {
    await context.close();
  }
});
