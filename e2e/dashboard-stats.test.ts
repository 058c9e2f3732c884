/**
 * The Stats tab in Chromium, live, with the real CLI in front of a real socket.io@4 app whose
 * handlers acknowledge after known delays: the ack latency histogram shows every ack sent, with
 * the latency the proxy measured for it, in the bin of that latency, and the same percentiles;
 * a click on a slowest ack selects that packet in the table; the charts follow the dark theme; the
 * heartbeat round trips are those of the session's pings and pongs in the proxy's capture; a
 * reconnect counts under its cause.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Socket } from 'socket.io-client';
import { LATENCY_EDGES } from '../panel/src/views/stats/layout.js';
import {
  client,
  closeAll,
  connected,
  eventually,
  screenshot,
  startScene,
  type Scene,
} from './support/dashboard.js';

/**
 * Event name -> the server's delay before it acknowledges (ms), and how many the client sends. The
 * delays sit inside their bins ([50, 100) and [200, 500) ms), not on an edge. The test compares the
 * view with the latencies the proxy measured, not with the delays: the proxy stamps a frame when it
 * parses it, and on a loaded machine that lags the wire by some milliseconds either way (a 57 ms
 * latency was seen for an ack the server sent 60 ms after it got the EVENT).
 */
const SLOW = { 'slow-60': { delay: 60, count: 5 }, 'slow-250': { delay: 250, count: 3 } } as const;

const HEARTBEAT_MS = 300;

let scene: Scene;
let socket: Socket;

before(async () => {
  scene = await startScene({
    serve: (target) => {
      // Heartbeats every 300 ms (engine.io reads its options at each handshake and ping), so the
      // round trips show within the test.
      target.io.engine.opts.pingInterval = HEARTBEAT_MS;
      target.io.on('connection', (s) => {
        for (const [name, { delay }] of Object.entries(SLOW))
          s.on(name, (ack: (v: string) => void) => setTimeout(() => ack('done'), delay));
      });
    },
  });
  socket = client(scene.cli.proxy, 'stats');
  await connected(socket);
  for (const [name, { count }] of Object.entries(SLOW)) {
    for (let i = 0; i < count; i++) await socket.timeout(5000).emitWithAck(name);
  }
  await scene.page.getByTestId('tab-stats').click();
});

/** The proxy's history, as `GET /api/capture` gives it. */
async function capture<E extends { type: string }>(): Promise<E[]> {
  const text = await fetch(scene.cli.dashboard.replace(/\/(\?|$)/, '/api/capture$1')).then((r) => r.text());
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as E);
}

after(() =>
  closeAll(
    () => socket?.close(),
    () => scene?.close(),
  ),
);

test('the ack latency histogram has every ack sent, in the bin of the latency the proxy measured', async () => {
  const { page } = scene;
  // What the proxy measured, from its own capture: the view must show exactly these.
  const acks = (await capture<{ type: string; event?: string; latency: number }>()).filter(
    (e) => e.type === 'ack',
  );
  for (const [name, { count }] of Object.entries(SLOW)) {
    const measured = acks.filter((a) => a.event === name).map((a) => a.latency);
    assert.equal(measured.length, count, `the proxy's acks of ${name}`);
    const row = page.locator(`[data-testid="latency-row"][data-event="${name}"]`);
    await eventually(
      async () => (await row.getByTestId('latency-count').textContent()) === String(count),
      5000,
      `${count} acks of ${name}`,
    );
    const sorted = [...measured].sort((x, y) => x - y);
    const rank = (p: number) => sorted[Math.ceil((p / 100) * count) - 1];
    for (const p of [50, 95, 99])
      assert.equal(
        Number(await row.getByTestId(`latency-p${p}`).getAttribute('data-ms')),
        rank(p),
        `${name} p${p}`,
      );
    // The bins as a table: each ack in the bin of its latency.
    const bins = await row.getByTestId('latency-bin').evaluateAll((rows) =>
      rows.map((r) => ({
        from: Number(r.getAttribute('data-from')),
        n: Number(r.querySelector('td')!.textContent),
      })),
    );
    const binOf = (ms: number) => LATENCY_EDGES.filter((e) => e <= ms).pop()!;
    const expected = new Map<number, number>();
    for (const ms of measured) expected.set(binOf(ms), (expected.get(binOf(ms)) ?? 0) + 1);
    assert.deepEqual(
      bins,
      [...expected].sort((x, y) => x[0] - y[0]).map(([from, n]) => ({ from, n })),
      name,
    );
  }
  await screenshot(page, 'light-stats');
});

test('the events-per-second chart and the sessions table come from the same traffic', async () => {
  const { page } = scene;
  const chart = page.getByTestId('stats-event-rates');
  assert.match(
    (await chart.locator('svg').getAttribute('aria-label')) ?? '',
    /slow-60: .*slow-250: |slow-250: .*slow-60: /,
  );
  const legend = await chart.locator('.legend li').allTextContents();
  assert.deepEqual(legend.map((t) => t.trim()).sort(), ['slow-250', 'slow-60']);
  const mix = await page.getByTestId('session-mix-row').allTextContents();
  assert.ok(
    mix.some((t) => t.startsWith('EIO 4 · websocket')),
    JSON.stringify(mix),
  );
});

test('a click on the slowest ack selects that packet in the packet table', async () => {
  const { page } = scene;
  const first = page.getByTestId('stats-slowest-acks').getByTestId('stats-packet-link').first();
  assert.match((await first.textContent()) ?? '', /slow-250/);
  const seq = await first.getAttribute('data-seq');
  await first.click();
  const selected = page.locator('[data-testid="packet-row"][aria-selected="true"]');
  await selected.waitFor();
  assert.equal(await selected.getAttribute('data-seq'), seq);
  assert.match((await selected.locator('.c-event').textContent()) ?? '', /slow-250/);
});

test('in dark mode the charts take the dark palette', async () => {
  const { page } = scene;
  await page.getByTestId('tab-stats').click();
  const fill = () =>
    page
      .locator('.histogram .bar')
      .first()
      .evaluate((el) => getComputedStyle(el).fill);
  const light = await fill();
  await page.emulateMedia({ colorScheme: 'dark' });
  try {
    const dark = await fill();
    assert.notEqual(dark, light, `the same fill in both themes: ${light}`);
    await screenshot(page, 'dark-stats');
  } finally {
    await page.emulateMedia({ colorScheme: 'light' });
  }
});

test("the heartbeat round trips are the session's pings to its pongs, as the proxy saw them", async () => {
  const { page } = scene;
  await page.getByTestId('tab-stats').click();
  const sid = socket.io.engine.id;
  type Packet = { type: string; sessionId: string; engine: string; direction: string; ts: number };
  const heartbeats = async () =>
    (await capture<Packet>()).filter(
      (e) => e.type === 'packet' && e.sessionId === sid && (e.engine === 'ping' || e.engine === 'pong'),
    );
  await eventually(
    async () => (await heartbeats()).filter((e) => e.engine === 'pong').length >= 3,
    10_000,
    '3 pongs',
  );
  socket.close(); // no more heartbeats: what the view shows can be compared with what was seen
  // EIO4: the server pings, the client pongs; each round trip is a ping to the pong after it.
  const rtts: number[] = [];
  let ping: number | undefined;
  for (const e of await heartbeats()) {
    if (e.engine === 'ping' && e.direction === 's2c') ping = e.ts;
    else if (e.engine === 'pong' && ping !== undefined) {
      rtts.push(e.ts - ping);
      ping = undefined;
    }
  }
  const sorted = [...rtts].sort((a, b) => a - b);
  const row = page.locator(`[data-testid="heartbeat-row"][data-sid="${sid}"]`);
  await eventually(
    async () => (await row.getByTestId('heartbeat-count').textContent()) === String(rtts.length),
    5000,
    `${rtts.length} round trips`,
  );
  const median = Number(await row.getByTestId('heartbeat-p50').getAttribute('data-ms'));
  assert.equal(median, sorted[Math.ceil(sorted.length / 2) - 1]);
});

test('a reconnect shows in the reconnects per minute, under its cause', async () => {
  const { page } = scene;
  const again = client(scene.cli.proxy, 'stats-reconnect', { reconnection: true, reconnectionDelay: 100 });
  try {
    await connected(again);
    const dashboard = new URL(scene.cli.dashboard);
    const token = dashboard.searchParams.get('token');
    const cut = await fetch(new URL(`/api/sessions/${again.io.engine.id}/faults`, dashboard), {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind: 'close-transport' }),
    });
    assert.equal(cut.status, 201, await cut.text());
    await page.getByTestId('tab-stats').click();
    const chart = page.getByTestId('stats-reconnects');
    await eventually(
      async () => /\(1 in 5 min\)/.test((await chart.locator('figcaption').textContent()) ?? ''),
      5000,
      'one reconnect counted',
    );
    const legend = await chart.locator('.legend li').allTextContents();
    assert.deepEqual(
      legend.map((t) => t.trim()),
      ['transport close'],
    );
    await chart.locator('summary').click();
    assert.deepEqual(await chart.locator('tbody th').allTextContents(), ['transport close']);
  } finally {
    again.close();
  }
});
