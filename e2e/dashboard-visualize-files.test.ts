/**
 * The four views of a capture file, as a user opens one: a real socket.io@4 app (admin-ui
 * instrumented, acks after a known delay) behind the real CLI, the proxy's capture (`/api/capture`,
 * NDJSON) and its HAR (`/api/har`) saved, each opened in the built panel with its file input. The
 * Timeline draws the client's session with its upgrade and its admin-ui room join, the Sequence links
 * each acked emit's EVENT to its ACK, Stats has the acks in the latency histogram, Rooms the room over
 * time (from the HAR too: the proxy's room events travel in its `log._sioProxyRooms`).
 */
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import {
  client,
  closeAll,
  connected,
  eventually,
  openCaptureFile,
  screenshot,
  startScene,
  type CaptureView,
  type Scene,
} from './support/dashboard.js';
import { serveRooms } from './support/rooms-app.js';

const DELAY = 60;
const COUNT = 3;

let scene: Scene | undefined;
let alice: Socket;
let sid: string;
const dir = mkdtempSync(join(tmpdir(), 'sio-viz-files-'));
let captureText: string;
let harText: string;

const api = (path: string) => scene!.cli.dashboard.replace(/\/(\?|$)/, `/api/${path}$1`);

before(async () => {
  scene = await startScene({
    serve: (t) => {
      serveRooms(t);
      t.io.on('connection', (s) =>
        s.on('slow', (v: unknown, ack: (v: unknown) => void) => setTimeout(() => ack(v), DELAY)),
      );
    },
    args: ['--admin-ui'],
  });
  alice = client(scene.cli.proxy, 'alice');
  await connected(alice);
  sid = alice.io.engine.id;
  await alice.timeout(3000).emitWithAck('join', 'blue');
  for (let i = 0; i < COUNT; i++) assert.equal(await alice.timeout(3000).emitWithAck('slow', i), i);
  // The capture once it holds the acks and the admin-ui join (those come on the proxy's own socket).
  captureText = await eventually(
    async () => {
      const text = await fetch(api('capture')).then((r) => r.text());
      const events = text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { type: string; event?: string; room?: string; action?: string });
      const acks = events.filter((e) => e.type === 'ack' && e.event === 'slow').length;
      const join = events.some((e) => e.type === 'room' && e.room === 'blue' && e.action === 'join');
      return acks === COUNT && join && text;
    },
    8000,
    'the acks and the join in the proxy’s capture',
  );
  harText = await fetch(api('har')).then((r) => r.text());
});

after(() =>
  closeAll(
    () => alice?.close(),
    () => scene?.close(),
  ),
);

/** Opens `text` saved as `name` in the built panel, runs `check`, closes it. */
async function withFile(name: string, text: string, check: (page: Page) => Promise<void>): Promise<void> {
  const path = join(dir, name);
  writeFileSync(path, text);
  let view: CaptureView | undefined;
  try {
    view = await openCaptureFile(path, { width: 1300, height: 860 });
    await check(view.page);
  } finally {
    await view?.close();
  }
}

/** Timeline: alice's session, polling then WebSocket; returns its marks' text from the table. */
async function timeline(page: Page): Promise<string[]> {
  await page.getByTestId('tab-timeline').click();
  await page.waitForFunction(() => {
    const c = document.querySelector('[data-testid="timeline-canvas"]') as HTMLCanvasElement | null;
    return c?.dataset.start !== undefined;
  });
  await page.getByTestId('timeline-table-toggle').click();
  const row = page.locator(`[data-testid="timeline-row"][data-sid="${sid}"]`);
  await row.waitFor();
  assert.match(await row.getByTestId('timeline-transport').innerText(), /^polling → websocket after/);
  const marks = await row.getByTestId('timeline-mark').allTextContents();
  // A click on the session selects it, for the Sequence.
  await row.getByRole('button', { name: sid }).click();
  await page
    .getByTestId('timeline-selected')
    .and(page.locator(`[data-sid="${sid}"]`))
    .waitFor();
  await page.getByTestId('timeline-table-toggle').click();
  await page.getByTestId('timeline-canvas').waitFor();
  return marks;
}

/** Sequence: every `slow` EVENT linked to its ACK, drawn. */
async function sequence(page: Page): Promise<void> {
  await page.getByTestId('open-sequence').click();
  const view = page.locator(`[data-testid="sequence-view"][data-sid="${sid}"]`);
  const events = view.locator('[data-testid="seq-arrow"][data-label^="EVENT slow"]');
  await eventually(async () => (await events.count()) === COUNT, 5000, `${COUNT} slow EVENT arrows`);
  for (const link of await events.evaluateAll((els) => els.map((e) => e.getAttribute('data-link')))) {
    assert.ok(link, 'an EVENT linked to its ACK');
    await view.locator(`[data-testid="seq-ack-link"][data-ack="${link}"]`).waitFor({ state: 'attached' });
  }
}

/** Stats: the acks in the latency histogram, with the delay the server took. */
async function stats(page: Page): Promise<void> {
  await page.getByTestId('tab-stats').click();
  const row = page.locator('[data-testid="latency-row"][data-event="slow"]');
  await eventually(
    async () =>
      (await row
        .getByTestId('latency-count')
        .textContent()
        .catch(() => '')) === String(COUNT),
    5000,
    `${COUNT} slow acks in the histogram`,
  );
  const p50 = Number(await row.getByTestId('latency-p50').getAttribute('data-ms'));
  assert.ok(p50 >= DELAY - 10 && p50 < 2000, `p50 ${p50} ms for a ${DELAY} ms delay`);
}

/** The Timeline's marks include alice's admin-ui join of "blue". */
function joinMarked(marks: string[]): void {
  assert.ok(
    marks.some((m) => /joined room "blue" — admin-ui$/.test(m)),
    `the join on the session: ${JSON.stringify(marks)}`,
  );
}

/** Rooms over time: alice's stay in "blue", from admin-ui, to the file's end, not animated. */
async function roomsOverTime(page: Page): Promise<void> {
  await page.getByTestId('tab-rooms').click();
  await page.getByTestId('rooms-over-time-toggle').click();
  const cell = page.locator(
    `[data-testid="rooms-over-time-row"][data-room="blue"] [data-testid="room-cell"][data-member="${alice.id}"]`,
  );
  await cell.waitFor();
  assert.equal(await cell.getAttribute('data-source'), 'admin-ui');
  assert.equal(await cell.getAttribute('data-member-now'), 'true', 'still in the room at the file’s end');
  assert.equal(
    await cell.locator('rect').evaluate((r) => getComputedStyle(r).animationName),
    'none',
    'a file’s stays do not move',
  );
}

test('a proxy capture (NDJSON) opened in the panel: Timeline, Sequence, Stats and Rooms', async () => {
  await withFile('capture.ndjson', captureText, async (page) => {
    joinMarked(await timeline(page));
    await sequence(page);
    await stats(page);
    await roomsOverTime(page);
    await screenshot(page, 'light-file-rooms-over-time');
  });
});

test('a HAR exported by the proxy opened in the panel: Timeline, Sequence, Stats and Rooms', async () => {
  await withFile('export.har', harText, async (page) => {
    joinMarked(await timeline(page));
    await sequence(page);
    await stats(page);
    await screenshot(page, 'light-file-har-stats');
    await roomsOverTime(page);
    await screenshot(page, 'light-file-har-rooms-over-time');
  });
});
