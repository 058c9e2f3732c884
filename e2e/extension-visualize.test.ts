/**
 * The visualizations in the DevTools extension's panel (the same panel, fed by the in-page capture
 * of the inspected tab): the Timeline draws the page's session and lists it in its table, in the
 * light and the dark palette; the Sequence links the page's acked emit to its ACK. Screenshots, light
 * and dark, under test-results/screenshots/.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Target } from '../test/support/harness.js';
import { answerEchoAndBytes, startAppTarget } from './support/app-target.js';
import { canvasPixel } from './support/canvas.js';
import { screenshot } from './support/dashboard.js';
import { launchWithExtension, type ExtensionBrowser } from './support/extension.js';

const PAGE = `<!doctype html><meta charset="utf-8"><title>visualize</title>
<script src="/socket.io/socket.io.js"></script>
<script>window.socket = io();</script>`;

let target: Target;
let ext: ExtensionBrowser;

before(async () => {
  target = await startAppTarget({ '/app': PAGE });
  answerEchoAndBytes(target.io, []);
  ext = await launchWithExtension();
});

after(async () => {
  await ext?.close();
  await target?.close();
});

type Win = {
  socket: {
    connected: boolean;
    io: { engine: { id: string; transport: { name: string } } };
    timeout(ms: number): { emitWithAck(e: string, v: unknown): Promise<unknown> };
  };
};

test('the Timeline and the Sequence of the inspected page’s session', { timeout: 40_000 }, async () => {
  const page = await ext.context.newPage();
  await page.goto(`${target.url}/app`);
  await page.waitForFunction(() => {
    const s = (window as unknown as Win).socket;
    return s.connected && s.io.engine.transport.name === 'websocket';
  });
  const sid = await page.evaluate(() => (window as unknown as Win).socket.io.engine.id);
  const panel = await ext.openPanel(await ext.tabIdOf(page));
  await panel.setViewportSize({ width: 1200, height: 700 });
  assert.deepEqual(
    await page.evaluate(() => (window as unknown as Win).socket.timeout(3000).emitWithAck('echo', 'hi')),
    'hi',
  );

  await panel.getByTestId('tab-timeline').click();
  await panel.waitForFunction(() => {
    const c = document.querySelector('[data-testid="timeline-canvas"]') as HTMLCanvasElement | null;
    return c?.dataset.start !== undefined;
  });
  await panel.getByTestId('timeline-table-toggle').click();
  const row = panel.locator(`[data-testid="timeline-row"][data-sid="${sid}"]`);
  await row.waitFor();
  assert.match(await row.getByTestId('timeline-transport').innerText(), /^polling → websocket after/);
  await row.getByRole('button', { name: sid }).click();
  await panel
    .getByTestId('timeline-selected')
    .and(panel.locator(`[data-sid="${sid}"]`))
    .waitFor();
  await panel.getByTestId('timeline-table-toggle').click();
  await panel.getByTestId('timeline-canvas').waitFor();
  await screenshot(panel, 'extension-timeline');
  // Dark: the canvas repaints in the dark palette (its background, low in the empty plot, is dark).
  const box = (await panel.getByTestId('timeline-canvas').boundingBox())!;
  const background = () =>
    canvasPixel(panel, 'timeline-canvas', box.x + box.width - 20, box.y + box.height - 20);
  assert.ok(
    (await background()).every((c) => c > 200),
    'light background',
  );
  await panel.emulateMedia({ colorScheme: 'dark' });
  try {
    await panel.waitForFunction(() => window.matchMedia('(prefers-color-scheme: dark)').matches);
    let dark = await background();
    for (let i = 0; i < 20 && !dark.every((c) => c < 80); i++) {
      await panel.waitForTimeout(100); // the repaint on the scheme's change
      dark = await background();
    }
    assert.ok(
      dark.every((c) => c < 80),
      `dark background: ${JSON.stringify(dark)}`,
    );
    await screenshot(panel, 'extension-timeline-dark');
  } finally {
    await panel.emulateMedia({ colorScheme: 'light' });
  }

  await panel.getByTestId('open-sequence').click();
  const view = panel.locator(`[data-testid="sequence-view"][data-sid="${sid}"]`);
  const event = view.locator('[data-testid="seq-arrow"][data-label^="EVENT echo"]');
  await event.waitFor();
  const ackSeq = await event.getAttribute('data-link');
  assert.ok(ackSeq, 'the EVENT is linked to its ACK');
  await view.locator(`[data-testid="seq-ack-link"][data-ack="${ackSeq}"]`).waitFor();
  await screenshot(panel, 'extension-sequence');
  await panel.emulateMedia({ colorScheme: 'dark' });
  try {
    await view.locator(`[data-testid="seq-ack-link"][data-ack="${ackSeq}"]`).waitFor();
    await screenshot(panel, 'extension-sequence-dark');
  } finally {
    await panel.emulateMedia({ colorScheme: 'light' });
  }
  await panel.close();
  await page.close();
});
