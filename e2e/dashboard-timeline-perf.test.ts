/**
 * The timeline and the sequence view under load, measured in Chromium as dashboard-perf.test.ts
 * measures the packet table: a synthetic capture of 5,000 sessions (2,500 clients, each dropped once
 * and reconnecting after failed attempts) and about 200,000 packets (50,000 of them in one busy
 * session) opened through the file input; then frame times while the timeline zooms with the wheel,
 * pans with a drag, scrolls its lanes, and while the busy session's sequence diagram scrolls.
 * Figures go to test-results/timeline-perf.json, and to a section of docs/benchmarks-dashboard.md
 * when SIO_BENCH_DOCS=1.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { closeAll, idleFrames, openOfflinePanel, ROOT, screenshot } from './support/dashboard.js';
import { writeLifecycles, type LifecycleStats } from './support/synthetic-lifecycles.js';

const CLIENTS = 2500;
const PACKETS = 200_000;
const BUSY = 50_000;
const CAPTURE = join(tmpdir(), `sio-proxy-timeline-perf-${process.pid}.ndjson`);
const WRITE_DOCS = process.env.SIO_BENCH_DOCS === '1';
const FRAMES = 60;

let server: Server;
let browser: Browser;
let page: Page;
let capture: LifecycleStats;
const results: Record<string, unknown> = {};

before(async () => {
  capture = await writeLifecycles(CAPTURE, { clients: CLIENTS, packets: PACKETS, busy: BUSY });
  ({ server, browser, page } = await openOfflinePanel(30_000));
});

after(() =>
  closeAll(
    () => browser?.close(),
    () => new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined))),
    () => rmSync(CAPTURE, { force: true }),
  ),
);

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? NaN;
const pct = (a: number[], p: number) =>
  [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor((a.length * p) / 100))] ?? NaN;

interface Frames {
  deltas: number[];
  longTasks: number[];
}

/**
 * Runs `step(i)` in a frame callback for FRAMES frames (each step changes the view, as a user's
 * input would between two frames) and records the frames' lengths and the long tasks.
 */
function frames(kind: 'wheel' | 'drag' | 'scroll' | 'sequence'): Promise<Frames> {
  return page.evaluate(
    async ({ kind, count }) => {
      const frame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
      const longTasks: number[] = [];
      const observer = new PerformanceObserver((list) =>
        list.getEntries().forEach((e) => longTasks.push(e.duration)),
      );
      observer.observe({ entryTypes: ['longtask'] });
      const scroller = document.querySelector(
        kind === 'sequence' ? '.seq-scroll' : '[data-testid="timeline-scroller"]',
      ) as HTMLElement;
      const r = scroller.getBoundingClientRect();
      const x = r.left + r.width * 0.6;
      const y = r.top + 100;
      const deltas: number[] = [];
      let last = await frame();
      for (let i = 0; i < count; i++) {
        if (kind === 'wheel')
          scroller.dispatchEvent(
            new WheelEvent('wheel', {
              deltaY: i < count / 2 ? -120 : 120,
              clientX: x,
              clientY: y,
              bubbles: true,
              cancelable: true,
            }),
          );
        else if (kind === 'drag') {
          const init = { clientX: x - i * 8, clientY: y, bubbles: true, pointerId: 1, button: 0, buttons: 1 };
          // Pointer capture needs a real pointer: the drag is driven by the handlers alone.
          if (i === 0) scroller.dispatchEvent(new PointerEvent('pointerdown', { ...init, clientX: x }));
          scroller.dispatchEvent(new PointerEvent('pointermove', init));
        } else scroller.scrollTop += kind === 'scroll' ? 240 : 480;
        const now = await frame();
        deltas.push(now - last);
        last = now;
      }
      if (kind === 'drag')
        scroller.dispatchEvent(
          new PointerEvent('pointerup', { clientX: x, clientY: y, bubbles: true, pointerId: 1 }),
        );
      observer.disconnect();
      return { deltas, longTasks };
    },
    { kind, count: FRAMES },
  );
}

function summary(f: Frames) {
  return {
    frames: f.deltas.length,
    frameMedianMs: round(median(f.deltas)),
    frameP95Ms: round(pct(f.deltas, 95)),
    frameMaxMs: round(Math.max(...f.deltas)),
    longTasks: f.longTasks.length,
    longTaskMaxMs: round(Math.max(0, ...f.longTasks)),
  };
}

test(
  `the timeline with ${CLIENTS * 2} sessions and ${PACKETS.toLocaleString('en-US')} packets`,
  { timeout: 120_000 },
  async () => {
    const t0 = Date.now();
    await page.getByTestId('file-input').setInputFiles(CAPTURE);
    await page.getByTestId('source-label').and(page.locator('[data-state="connected"]')).waitFor();
    const loadMs = Date.now() - t0;
    const t1 = Date.now();
    await page.getByTestId('tab-timeline').click();
    await page.waitForFunction(() => {
      const c = document.querySelector('[data-testid="timeline-canvas"]') as HTMLCanvasElement | null;
      return c?.dataset.start !== undefined;
    });
    const firstPaintMs = Date.now() - t1;
    await screenshot(page, 'timeline-5000-sessions');
    assert.match(
      (await page.getByTestId('timeline-view').locator('.viewbar').innerText()).replace(/\s+/g, ' '),
      new RegExp(`${CLIENTS} clients · ${CLIENTS * 2} sessions`),
    );
    const idle = median(await idleFrames(page));
    const canvas = page.getByTestId('timeline-canvas');
    const view = async () => ({
      start: Number(await canvas.getAttribute('data-start')),
      msPerPx: Number(await canvas.getAttribute('data-ms-per-px')),
    });
    const fitted = await view();
    const wheel = await frames('wheel');
    const drag = await frames('drag');
    // The gestures did move the view: zoomed in and out again around one point, then dragged left.
    const moved = await view();
    assert.ok(Math.abs(moved.msPerPx / fitted.msPerPx - 1) < 0.01, 'as many notches out as in');
    const dragged = (moved.start - fitted.start) / moved.msPerPx;
    assert.ok(dragged > 300, `the drag moved the view ${dragged} px`);
    const scroll = await frames('scroll');
    const lanesScrolled = await page.getByTestId('timeline-canvas').getAttribute('data-scroll-top');
    assert.ok(Number(lanesScrolled) > 0, 'the lanes scrolled');
    results.timeline = {
      loadMs,
      firstPaintMs,
      idleFrameMs: round(idle),
      wheel: summary(wheel),
      drag: summary(drag),
      scroll: summary(scroll),
    };
    // As for the packet table: a loaded shared machine is allowed two idle frames a frame, at the median.
    for (const [name, f] of Object.entries({ wheel, drag, scroll }))
      assert.ok(
        median(f.deltas) <= idle * 2 + 1,
        `${name}: median frame ${median(f.deltas)} ms (idle ${idle} ms)`,
      );
  },
);

test(
  `the sequence of a session of ${BUSY.toLocaleString('en-US')} packets scrolls`,
  { timeout: 60_000 },
  async () => {
    // Select the busy session from the sidebar's list (the newest sessions are shown per client).
    await page.getByTestId('tab-packets').click();
    const item = page.locator(`[data-testid="session-item"][data-sid="${capture.busySid}"]`);
    const sidebar = page.getByTestId('sessions-sidebar');
    // Its client is the first one: at the top of the sidebar.
    await sidebar.evaluate((el) => (el.scrollTop = 0));
    await item.locator('.s-line').first().click();
    const t0 = Date.now();
    await page.getByTestId('tab-sequence').click();
    await page
      .locator(`[data-testid="sequence-view"][data-sid="${capture.busySid}"] [data-testid="seq-arrow"]`)
      .first()
      .waitFor();
    const openMs = Date.now() - t0;
    const rows = Number(
      /(\d+) rows/.exec(await page.getByTestId('sequence-view').locator('.viewbar').innerText())?.[1] ?? 0,
    );
    assert.ok(rows > 40_000, `${rows} rows`);
    const idle = median(await idleFrames(page));
    const scroll = await frames('sequence');
    const inDom = await page.getByTestId('seq-arrow').count();
    results.sequence = {
      rows,
      openMs,
      idleFrameMs: round(idle),
      scroll: summary(scroll),
      arrowsInDom: inDom,
    };
    assert.ok(inDom < 200, `${inDom} arrows in the DOM for ${rows} rows`);
    assert.ok(
      median(scroll.deltas) <= idle * 2 + 1,
      `median frame ${median(scroll.deltas)} ms (idle ${idle} ms)`,
    );
  },
);

test('the figures are written', async () => {
  results.capture = capture;
  results.environment = {
    date: new Date().toISOString(),
    chromium: browser.version(),
    cores: cpus().length,
    load: loadavg().map((l) => round(l, 2)),
  };
  mkdirSync(join(ROOT, 'test-results'), { recursive: true });
  writeFileSync(join(ROOT, 'test-results/timeline-perf.json'), JSON.stringify(results, null, 2) + '\n');
  if (WRITE_DOCS) {
    const docs = join(ROOT, 'docs/benchmarks-dashboard.md');
    upsertSection(docs, markdown());
    // The repo checks every Markdown file with prettier: the tables are aligned as it wants them.
    const prettier = await import('prettier');
    const options = { parser: 'markdown', printWidth: 110, proseWrap: 'preserve' } as const;
    writeFileSync(docs, await prettier.format(readFileSync(docs, 'utf8'), options));
  }
  console.log(`timeline perf: ${JSON.stringify(results)}`);
});

type Row = Record<string, number> & { loadMs: number; firstPaintMs: number; rows: number };

function markdown(): string {
  const t = results.timeline as Record<string, Row> & Row;
  const s = results.sequence as Record<string, Row> & Row;
  const env = results.environment as { date: string; chromium: string; cores: number; load: number[] };
  const line = (name: string, f: Row) =>
    `| ${name} | ${f.frameMedianMs} ms | ${f.frameP95Ms} ms | ${f.frameMaxMs} ms | ${f.longTasks} (${f.longTaskMaxMs} ms) |`;
  return [
    '## Timeline and sequence (Playwright)',
    '',
    `Generated by \`SIO_BENCH_DOCS=1 node --import tsx --test e2e/dashboard-timeline-perf.test.ts\` on ${env.date} ` +
      `(Chromium ${env.chromium}, ${env.cores} cores, load average ${env.load.join(' / ')}). A synthetic capture ` +
      `(${capture.events.toLocaleString('en-US')} events, ${round(capture.bytes / 1e6)} MB): ${capture.clients.toLocaleString('en-US')} clients, ` +
      `${capture.sessions.toLocaleString('en-US')} sessions (each client dropped once, two failed attempts, a reconnect; every session upgraded), ` +
      `${capture.packets.toLocaleString('en-US')} packets, ${capture.busyPackets.toLocaleString('en-US')} of them in one session. ` +
      `Opened with **Open…** (${(t.loadMs / 1000).toFixed(1)} s), then the Timeline tab (first paint ${t.firstPaintMs} ms). ` +
      `Each gesture is one input per frame for ${FRAMES} frames; an idle frame here is ${t.idleFrameMs} ms.`,
    '',
    '| gesture | frame median | p95 | worst | long tasks (worst) |',
    '| --- | ---: | ---: | ---: | ---: |',
    line('timeline: wheel zoom (in, then out)', t.wheel as Row),
    line('timeline: drag to pan', t.drag as Row),
    line('timeline: scroll the lanes, 10 lanes a frame', t.scroll as Row),
    line(`sequence: scroll ${s.rows.toLocaleString('en-US')} rows, 20 a frame`, s.scroll as Row),
    '',
    `The sequence of the busy session opened in ${s.openMs} ms and kept ${s.arrowsInDom} arrows in the DOM. ` +
      'Asserted: a median frame of at most two idle frames for each gesture (a loaded CI machine), fewer than 200 ' +
      'arrows in the DOM.',
    '',
  ].join('\n');
}

/** Replaces (or appends) this test's section of a page, leaving the rest as it is. */
function upsertSection(path: string, section: string): void {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const head = '\n## Timeline and sequence (Playwright)\n';
  const start = text.indexOf(head);
  if (start < 0) return writeFileSync(path, `${text.trimEnd()}\n\n${section}`);
  const next = text.indexOf('\n## ', start + 1);
  writeFileSync(path, `${text.slice(0, start)}\n${section}${next < 0 ? '' : text.slice(next)}`);
}
