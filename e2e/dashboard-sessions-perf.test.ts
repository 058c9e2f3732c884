/**
 * The dashboard with many sessions open (issue #15: "first row < 1 s, sidebar scroll p95 frame <=
 * 33 ms"), at a size that runs in CI in seconds: a synthetic capture of 2,000 sessions, none closed,
 * opened through the panel's file input (the built panel served without a token). Measured in
 * Chromium: from choosing the file until the first session row and the first packet row are shown,
 * then the frames while the sessions sidebar (virtualised) scrolls. Figures go to
 * test-results/dashboard-sessions-perf.json, and to a section of docs/benchmarks-dashboard.md when
 * SIO_BENCH_DOCS=1.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { closeAll, idleFrames, openOfflinePanel, ROOT } from './support/dashboard.js';
import { writeCapture, type CaptureStats } from './support/synthetic-capture.js';

const SESSIONS = 2_000;
/** Ten packets a session: the sessions are the load here, not the packets. */
const PACKETS = 20_000;
const FIRST_ROW_BUDGET_MS = 1000;
/** "p95 frame <= 33 ms": 30 frames a second, two frames at 60 Hz (rAF times come in whole frames). */
const FRAME_P95_BUDGET_MS = 1000 / 30;
const CAPTURE = join(tmpdir(), `sio-proxy-sessions-perf-${process.pid}.ndjson`);
const HEADING = '## Many sessions open (Playwright)';

let server: Server;
let browser: Browser;
let page: Page;
let capture: CaptureStats;
const results: Record<string, number | string | number[]> = {};

before(async () => {
  capture = await writeCapture(CAPTURE, PACKETS, SESSIONS);
  ({ server, browser, page } = await openOfflinePanel());
});

after(() =>
  closeAll(
    () => browser?.close(),
    () => new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined))),
    () => rmSync(CAPTURE, { force: true }),
  ),
);

const round = (n: number) => Math.round(n * 10) / 10;
const pct = (a: number[], p: number) =>
  [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor((a.length * p) / 100))] ?? NaN;

test(`a capture of ${SESSIONS.toLocaleString('en-US')} sessions open: the time to the first row`, async () => {
  const t0 = Date.now();
  await page.getByTestId('file-input').setInputFiles(CAPTURE);
  await page.getByTestId('session-item').first().waitFor();
  results.firstSessionRowMs = Date.now() - t0;
  await page.getByTestId('packet-row').first().waitFor();
  results.firstPacketRowMs = Date.now() - t0;
  await page
    .getByTestId('packets-status')
    .getByText(`of ${PACKETS.toLocaleString('en-US')} held`)
    .waitFor();
  results.allHeldMs = Date.now() - t0;
  const head = await page.getByTestId('sessions-sidebar').locator('.sidebar-head').innerText();
  assert.match(head, new RegExp(`${SESSIONS} open`), 'every session open');
  // The target (< 1 s) is judged in the figures, not here: the time includes reading and parsing the
  // file in Chromium, which on a shared 2-core CI machine says more about the machine than the panel.
});

test(`the sessions sidebar scrolls ${SESSIONS.toLocaleString('en-US')} sessions at 30 frames a second or more`, async () => {
  const r = await page.evaluate(async () => {
    const sidebar = document.querySelector('[data-testid="sessions-sidebar"]') as HTMLElement;
    const frame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
    const items = () => sidebar.querySelectorAll('[data-testid="session-item"]').length;
    // A steady fling of about two sessions (a fast mouse wheel) a frame, down, then back up.
    const deltas: number[] = [];
    let maxItems = 0;
    for (const step of [160, -160]) {
      let last = await frame();
      for (let i = 0; i < 90; i++) {
        sidebar.scrollTop += step;
        maxItems = Math.max(maxItems, items());
        const now = await frame();
        deltas.push(now - last);
        last = now;
      }
    }
    return { deltas, maxItems, scrollHeight: sidebar.scrollHeight, viewHeight: sidebar.clientHeight };
  });
  const idleFrame = pct(await idleFrames(page), 50);
  Object.assign(results, {
    idleFrameMs: round(idleFrame),
    frames: r.deltas.length,
    frameMedianMs: round(pct(r.deltas, 50)),
    frameP95Ms: round(pct(r.deltas, 95)),
    frameMaxMs: round(Math.max(...r.deltas)),
    maxSessionItemsInDom: r.maxItems,
    listHeightPx: r.scrollHeight,
  });
  // Virtualised: a few screens of rows, however many sessions.
  assert.ok(r.maxItems <= 3 * Math.ceil(r.viewHeight / 78) + 16, `${r.maxItems} session rows in the DOM`);
  assert.ok(r.scrollHeight > SESSIONS * 20, 'the list is as long as its sessions');
  // The target, a p95 frame <= 33 ms, is judged in the figures: on a shared 2-core CI machine one
  // frame in twenty is the machine's. The test holds the median to two idle frames (as
  // dashboard-perf.test.ts does), which a sidebar that renders more than its window misses by far.
  assert.ok(
    pct(r.deltas, 50) <= 2 * idleFrame + 1,
    `median frame ${round(pct(r.deltas, 50))} ms, p95 ${round(pct(r.deltas, 95))} ms (idle frame ${round(idleFrame)} ms)`,
  );
});

test('the figures are written', async () => {
  results.environment = `${new Date().toISOString()}; ${cpus().length} cores, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ')}; Chromium ${browser.version()}`;
  mkdirSync(join(ROOT, 'test-results'), { recursive: true });
  writeFileSync(
    join(ROOT, 'test-results/dashboard-sessions-perf.json'),
    JSON.stringify({ ...results, capture }, null, 2) + '\n',
  );
  if (process.env.SIO_BENCH_DOCS === '1') await upsertSection(join(ROOT, 'docs/benchmarks-dashboard.md'));
  console.log(`dashboard sessions perf: ${JSON.stringify(results)}`);
});

/** Replaces (or appends) this test's section of the page, formatted as the repository checks it. */
async function upsertSection(path: string): Promise<void> {
  const r = results;
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  const section = [
    HEADING,
    '',
    `Generated by \`SIO_BENCH_DOCS=1 node --import tsx --test e2e/dashboard-sessions-perf.test.ts\` on ${r.environment}. ` +
      `A synthetic capture of ${SESSIONS.toLocaleString('en-US')} sessions, none closed, ${PACKETS.toLocaleString('en-US')} packets ` +
      `(${capture.events.toLocaleString('en-US')} events, ${(capture.bytes / 1e6).toFixed(1)} MB), opened with **Open…**; ` +
      'times from choosing the file; the sidebar scrolled 90 frames down and 90 up at 160 px a frame.',
    '',
    '| metric | value | target |',
    '| --- | ---: | --- |',
    `| first session row | ${r.firstSessionRowMs} ms | < ${FIRST_ROW_BUDGET_MS} ms: ${verdict(Number(r.firstSessionRowMs) < FIRST_ROW_BUDGET_MS)} |`,
    `| first packet row | ${r.firstPacketRowMs} ms | |`,
    `| all ${PACKETS.toLocaleString('en-US')} packets held | ${r.allHeldMs} ms | |`,
    `| sidebar scroll: frame median / p95 / worst (idle frame ${r.idleFrameMs} ms) | ${r.frameMedianMs} / ${r.frameP95Ms} / ${r.frameMaxMs} ms | p95 <= ${round(FRAME_P95_BUDGET_MS)} ms (30 frames a second): ${verdict(Number(r.frameP95Ms) <= round(FRAME_P95_BUDGET_MS))} |`,
    `| session rows in the DOM at most | ${r.maxSessionItemsInDom} | |`,
    '',
  ].join('\n');
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const start = text.indexOf(`\n${HEADING}\n`);
  const next = start < 0 ? -1 : text.indexOf('\n## ', start + 1);
  const page =
    start < 0
      ? `${text.trimEnd()}\n\n${section}`
      : `${text.slice(0, start)}\n${section}${next < 0 ? '' : text.slice(next)}`;
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(path)) ?? {};
  writeFileSync(path, await prettier.format(page, { ...options, filepath: path }));
}
