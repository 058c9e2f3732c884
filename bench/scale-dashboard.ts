/**
 * `npm run bench -- --scale --dashboard`: the live proxy's dashboard opened in Chromium while the
 * idle sessions are open (issue #15: "first row < 1 s, sidebar scroll p95 frame <= 33 ms"), measured
 * as e2e/dashboard-sessions-perf.test.ts measures a capture file (e2e/support/sessions-perf.ts).
 */
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

/** Opens `url` (the dashboard with its token) in a 1400x860 page and measures it. */
export async function measureDashboard(url: string): Promise<DashboardFigures> {
  ensurePanelBuilt();
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
    await shimEsbuildNames(context);
    const page = await context.newPage();
    const first = await timeFirstRows(page, () => page.goto(url), 120_000);
    const scroll = await scrollSidebar(page);
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
