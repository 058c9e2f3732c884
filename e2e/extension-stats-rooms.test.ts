/**
 * Stats and Rooms in the DevTools extension's panel, with a real socket.io@4 app. Stats from the
 * in-page capture of the inspected tab: the ack latency histogram has the page's acked emits (the
 * server acks after a known delay), events per second name them, the session mix has the page's
 * WebSocket session. Rooms from a running sio-proxy (`--admin-ui`; the in-page capture sees no
 * rooms: admin-ui and the inference from broadcasts are the proxy's): the table, rooms over time
 * and the graph show the page's socket joining a room. Screenshots light and dark under
 * test-results/screenshots/.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { LATENCY_EDGES } from '../panel/src/views/stats/layout.js';
import type { Target } from '../test/support/harness.js';
import { startAppTarget } from './support/app-target.js';
import { closeAll, eventually, screenshot, startCli, type Cli } from './support/dashboard.js';
import { launchWithExtension, waitForPanel, type ExtensionBrowser } from './support/extension.js';
import { serveRooms } from './support/rooms-app.js';

/** The server acknowledges `slow` after this long; the page sends it this many times. */
const DELAY = 60;
const COUNT = 4;

const PAGE = `<!doctype html><meta charset="utf-8"><title>stats and rooms</title>
<script src="/socket.io/socket.io.js"></script>
<script>window.socket = io();</script>`;

let target: Target;
let cli: Cli | undefined;
let ext: ExtensionBrowser;

before(async () => {
  target = await startAppTarget({ '/app': PAGE });
  serveRooms(target);
  target.io.on('connection', (s) => {
    s.on('slow', (v: unknown, ack: (v: unknown) => void) => setTimeout(() => ack(v), DELAY));
  });
  ext = await launchWithExtension();
});

after(() =>
  closeAll(
    () => ext?.close(),
    () => cli?.close(),
    () => target?.close(),
  ),
);

type Win = {
  socket: {
    connected: boolean;
    id: string;
    io: { engine: { id: string; transport: { name: string } } };
    timeout(ms: number): { emitWithAck(e: string, v: unknown): Promise<unknown> };
  };
};

/** Opens the app at `url`, waits for its socket on WebSocket, returns the page and its socket id. */
async function openApp(url: string): Promise<{ page: Page; socketId: string }> {
  const page = await ext.context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => {
    const s = (window as unknown as Win).socket;
    return s.connected && s.io.engine.transport.name === 'websocket';
  });
  return { page, socketId: await page.evaluate(() => (window as unknown as Win).socket.id) };
}

/** The ack latencies of the `slow` EVENT rows in the panel's packet store (what Stats derives from). */
function slowLatencies(panel: Page): Promise<number[]> {
  return panel.evaluate(() => {
    type Row = { latency?: number; e: { sio?: { type: string; event?: string } } };
    const w = window as unknown as {
      __sioPanel: {
        controller: {
          panel: {
            getState(): { model: { packets: { rows: { length: number; at(i: number): Row | undefined } } } };
          };
        };
      };
    };
    const rows = w.__sioPanel.controller.panel.getState().model.packets.rows;
    const out: number[] = [];
    for (let i = 0; i < rows.length; i++) {
      const r = rows.at(i);
      if (r?.latency !== undefined && r.e.sio?.event === 'slow') out.push(r.latency);
    }
    return out;
  });
}

/** Runs `shoot` in the light theme, then in the dark one (and back). */
async function lightAndDark(panel: Page, shoot: (scheme: 'light' | 'dark') => Promise<void>): Promise<void> {
  await shoot('light');
  await panel.emulateMedia({ colorScheme: 'dark' });
  try {
    await shoot('dark');
  } finally {
    await panel.emulateMedia({ colorScheme: 'light' });
  }
}

test('Stats of the inspected page: its acks in the latency histogram, its events and session', async () => {
  const { page } = await openApp(`${target.url}/app`);
  const panel = await ext.openPanel(await ext.tabIdOf(page));
  await panel.setViewportSize({ width: 1200, height: 900 });
  for (let i = 0; i < COUNT; i++)
    assert.equal(
      await page.evaluate((n) => (window as unknown as Win).socket.timeout(3000).emitWithAck('slow', n), i),
      i,
    );
  // The latencies the panel measured (from the page's own timestamps), to compare the view with.
  const latencies = await eventually(
    async () => {
      const ms = await slowLatencies(panel);
      return ms.length === COUNT && ms;
    },
    8000,
    'the page’s acked emits in the panel',
  );
  for (const l of latencies) assert.ok(l >= DELAY - 10, `latency ${l} ms for a ${DELAY} ms delay`);

  await panel.getByTestId('tab-stats').click();
  const row = panel.locator('[data-testid="latency-row"][data-event="slow"]');
  await eventually(
    async () => (await row.getByTestId('latency-count').textContent()) === String(COUNT),
    8000,
    `${COUNT} acks of slow in the histogram`,
  );
  const max = Math.max(...latencies);
  assert.equal(
    Number(await row.getByTestId('latency-p99').getAttribute('data-ms')),
    max,
    'p99 of four is the max',
  );
  // Each ack in the bin of its latency.
  const bins = await row.getByTestId('latency-bin').evaluateAll((rows) =>
    rows.map((r) => ({
      from: Number(r.getAttribute('data-from')),
      n: Number(r.querySelector('td')?.textContent),
    })),
  );
  const expected = new Map<number, number>();
  for (const l of latencies) {
    const from = [...LATENCY_EDGES].reverse().find((e) => e <= l) as number;
    expected.set(from, (expected.get(from) ?? 0) + 1);
  }
  assert.deepEqual(
    bins.filter((b) => b.n > 0).map((b) => [b.from, b.n]),
    [...expected].sort((a, b) => a[0] - b[0]),
  );
  const rates = panel.getByTestId('stats-event-rates');
  assert.match((await rates.locator('svg').getAttribute('aria-label')) ?? '', /slow/);
  const mix = await panel.getByTestId('session-mix-row').allTextContents();
  assert.ok(
    mix.some((m) => /EIO 4/.test(m) && /websocket/.test(m)),
    `the page's WebSocket session in the mix: ${JSON.stringify(mix)}`,
  );
  await lightAndDark(panel, async (scheme) => {
    await row.waitFor();
    await screenshot(panel, `extension-stats-${scheme}`);
  });
  // The slowest ack is a link to its packet, selected in the packet table.
  const slowest = panel.getByTestId('stats-slowest-acks').getByTestId('stats-packet-link').first();
  assert.match((await slowest.textContent()) ?? '', new RegExp(`^${Math.round(max)} ms slow`));
  const seq = await slowest.getAttribute('data-seq');
  await slowest.click();
  const selected = panel.locator('[data-testid="packet-row"][aria-selected="true"]');
  await selected.waitFor();
  assert.equal(await selected.getAttribute('data-seq'), seq);
  assert.match((await selected.locator('.c-event').textContent()) ?? '', /slow/);
  await panel.close();
  await page.close();
});

test('Rooms from a running proxy: the page’s socket joining a room, in the table, over time and as a graph', async () => {
  cli = await startCli(target.url, '--admin-ui');
  const urls = cli;
  const { page, socketId } = await openApp(`${urls.proxy}/app`);
  const panel = await ext.openPanel(await ext.tabIdOf(page));
  await panel.setViewportSize({ width: 1200, height: 800 });
  const dashboard = new URL(urls.dashboard);
  await panel.getByTestId('ext-source-select').selectOption('proxy');
  await panel.getByTestId('ext-proxy-url').fill(dashboard.origin);
  await panel.getByTestId('ext-proxy-token').fill(dashboard.searchParams.get('token') ?? '');
  await panel.getByTestId('ext-proxy-connect').click();
  await waitForPanel(
    panel,
    (s) => s.source?.kind === 'live' && s.state === 'connected',
    'the proxy’s stream',
  );
  await page.evaluate(() => (window as unknown as Win).socket.timeout(3000).emitWithAck('join', 'teal'));

  await panel.getByTestId('tab-rooms').click();
  const item = panel.locator('[data-testid="room-item"][data-source="admin-ui"]', { hasText: 'teal' });
  await eventually(async () => (await item.count()) === 1, 8000, 'the teal room in the table');
  assert.match((await item.textContent()) ?? '', new RegExp(socketId.slice(0, 6)));

  await panel.getByTestId('rooms-over-time-toggle').click();
  const cell = panel.locator(
    `[data-testid="rooms-over-time-row"][data-room="teal"] [data-testid="room-cell"][data-member="${socketId}"]`,
  );
  await cell.waitFor();
  assert.equal(await cell.getAttribute('data-source'), 'admin-ui');
  assert.equal(await cell.getAttribute('data-member-now'), 'true');
  await lightAndDark(panel, async (scheme) => {
    await cell.waitFor();
    await screenshot(panel, `extension-rooms-over-time-${scheme}`);
  });

  await panel.getByTestId('rooms-graph-toggle').click();
  const edge = panel.locator(
    `[data-testid="room-graph-nsp"][data-nsp="/"] [data-testid="room-graph-edge"][data-room="teal"]`,
  );
  // A horizontal line has no height: Playwright calls it hidden, so wait for it in the DOM.
  await edge.waitFor({ state: 'attached' });
  assert.equal(await edge.getAttribute('data-member'), socketId);
  assert.match(
    (await panel.locator('[data-testid="room-graph-nsp"][data-nsp="/"] svg').getAttribute('aria-label')) ??
      '',
    /teal/,
  );
  await lightAndDark(panel, async (scheme) => {
    await edge.waitFor({ state: 'attached' });
    await screenshot(panel, `extension-rooms-graph-${scheme}`);
  });

  await page.evaluate(() => (window as unknown as Win).socket.timeout(3000).emitWithAck('leave', 'teal'));
  await edge.waitFor({ state: 'detached', timeout: 8000 });
  await panel.close();
  await page.close();
});
