/**
 * `npm run bench -- --scale --dashboard`: the live proxy's dashboard opened in Chromium while the
 * idle sessions are open (issue #15: "first row < 1 s, sidebar scroll p95 frame <= 33 ms"), measured
 * as e2e/dashboard-sessions-perf.test.ts measures a capture file (e2e/support/sessions-perf.ts).
 */
import { writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { launchChromium } from '../e2e/support/browser.js';
import { ensurePanelBuilt, idleFrames, shimEsbuildNames } from '../e2e/support/dashboard.js';
import { frameFigures, pct, round, scrollSidebar, timeFirstRows } from '../e2e/support/sessions-perf.js';

export interface DashboardFigures {
  /** From loading the page until the first session row / packet row shows. */
  firstSessionRowMs: number;
  firstPacketRowMs: number;
  frameMedianMs: number;
  frameP95Ms: number;
  frameMaxMs: number;
  /** A frame's natural length in this Chromium (the scroll's frames are multiples of it). */
  idleFrameMs: number;
  maxSessionItemsInDom: number;
}

/**
 * With SIO_BENCH_PANEL_PROFILE=FILE set, the page's CPU profile over the scroll is written to FILE
 * (summarise it with `tsx bench/profile-summary.ts FILE`; build the panel with
 * `npx vite build --config panel/vite.config.ts --minify false` to read its function names). With
 * SIO_BENCH_PANEL_TRACE=CATEGORIES too (e.g. `devtools.timeline,blink`), a Chromium trace of those
 * categories is written instead (its events as JSON: Layout, TimerFire, ...). Unset, nothing is
 * recorded.
 */
async function startProfile(page: Page): Promise<{ stop(): Promise<void> }> {
  const file = process.env.SIO_BENCH_PANEL_PROFILE;
  if (!file) return { stop: async () => {} };
  const cdp = await page.context().newCDPSession(page);
  if (process.env.SIO_BENCH_PANEL_TRACE) {
    const events: unknown[] = [];
    cdp.on('Tracing.dataCollected', (d: { value: unknown[] }) => events.push(...d.value));
    await cdp.send('Tracing.start', {
      categories: process.env.SIO_BENCH_PANEL_TRACE,
      transferMode: 'ReportEvents',
    });
    return {
      async stop() {
        const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
        await cdp.send('Tracing.end');
        await done;
        writeFileSync(file, JSON.stringify(events));
      },
    };
  }
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  return {
    async stop() {
      const { profile } = await cdp.send('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
    },
  };
}

/** Opens `url` (the dashboard with its token) in a 1400x860 page and measures it. */
export async function measureDashboard(url: string): Promise<DashboardFigures> {
  ensurePanelBuilt();
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
    await shimEsbuildNames(context);
    const page = await context.newPage();
    const first = await timeFirstRows(page, () => page.goto(url), 120_000);
    const profile = await startProfile(page);
    const scroll = await scrollSidebar(page);
    await profile.stop();
    return {
      ...first,
      ...frameFigures(scroll.deltas),
      idleFrameMs: round(pct(await idleFrames(page), 50)),
      maxSessionItemsInDom: scroll.maxItems,
    };
  } finally {
    await browser.close();
  }
}
