/**
 * The sessions sidebar with 5,000 clients, in Chromium: a synthetic capture (one session per
 * client) opened through the panel's file input. The sidebar is virtualised: it keeps a bounded
 * number of client and session elements, and scrolling to its end shows the last client.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { openCaptureFile, type CaptureView } from './support/dashboard.js';
import { writeCapture } from './support/synthetic-capture.js';

const SESSIONS = 5000;
/** Far fewer than the sessions: a few screens of items. */
const MAX_RENDERED = 100;
const CAPTURE = join(tmpdir(), `sio-proxy-sidebar-${process.pid}.ndjson`);

let view: CaptureView;
let page: Page;

before(async () => {
  await writeCapture(CAPTURE, 20_000, SESSIONS);
  view = await openCaptureFile(CAPTURE, { timeout: 20_000 });
  page = view.page;
  await page.getByTestId('sessions-sidebar').getByText(`${SESSIONS} seen`).waitFor();
});

after(() => (view ? view.close() : rmSync(CAPTURE, { force: true })));

const counts = () =>
  page.evaluate(() => ({
    clients: document.querySelectorAll('[data-testid="client-item"]').length,
    sessions: document.querySelectorAll('[data-testid="session-item"]').length,
  }));

test(`the sidebar renders a bounded number of items for ${SESSIONS} sessions`, async () => {
  const { clients, sessions } = await counts();
  assert.ok(sessions > 0 && sessions <= MAX_RENDERED, `${sessions} session items rendered`);
  assert.ok(clients > 0 && clients <= MAX_RENDERED, `${clients} client items rendered`);
  // Each rendered client holds its session: the grouping survives the virtualisation.
  assert.equal(
    await page.locator('[data-testid="client-item"] [data-testid="session-item"]').count(),
    sessions,
  );
});

test('scrolling the sidebar to its end shows the last session, still bounded', async () => {
  const last = `S${String(SESSIONS - 1).padStart(5, '0')}-synthetic-sid`;
  const sidebar = page.getByTestId('sessions-sidebar');
  // Measured heights replace the estimates as rows come into view: scroll until the end stays put.
  for (let i = 0; i < 10; i++) {
    await sidebar.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.waitForTimeout(100);
    if (await page.locator(`[data-testid="session-item"][data-sid="${last}"]`).isVisible()) break;
  }
  const item = page.locator(`[data-testid="session-item"][data-sid="${last}"]`);
  assert.ok(await item.isVisible(), 'the last session is in view');
  assert.equal(
    await page.locator('[data-testid="client-item"]').last().getAttribute('data-client'),
    `client${SESSIONS - 1}`,
  );
  const { clients, sessions } = await counts();
  assert.ok(sessions <= MAX_RENDERED && clients <= MAX_RENDERED, `${sessions} / ${clients} items rendered`);
  // Clicking it still selects it (the packet table filters to that session).
  await item.click();
  assert.match(String(await item.getAttribute('class')), /selected/);
});
