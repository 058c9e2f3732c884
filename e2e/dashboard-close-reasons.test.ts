/**
 * A closed session's reason in the sidebar, in Chromium at 1600 px: the whole reason and its
 * description can be read (they wrap), none of it cut off by the sidebar's width.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { UnstampedEvent } from '../shared/events.js';
import { EventFactory } from '../test/support/panel-events.js';
import { launchChromium } from './support/browser.js';
import { closeAll, ensurePanelBuilt, servePanel, shimEsbuildNames } from './support/dashboard.js';

const CAPTURE = join(tmpdir(), `sio-proxy-close-reasons-${process.pid}.ndjson`);
const DESCRIPTION = 'the server sent no ping within pingInterval + pingTimeout (25000 + 20000 ms)';

let server: Server;
let browser: Browser;
let page: Page;

before(async () => {
  ensurePanelBuilt();
  const f = new EventFactory();
  const events = [
    f.session('Xq3v9LkPz0AbCdEfGh12', 'client-a'),
    f.emit('Xq3v9LkPz0AbCdEfGh12', 'c2s', 'hello', []),
    f.ev({
      type: 'close',
      sessionId: 'Xq3v9LkPz0AbCdEfGh12',
      leg: 'client',
      first: 'client',
      reason: 'ping timeout',
      clientReason: 'ping timeout',
      serverReason: 'ping timeout',
      active: true,
      description: DESCRIPTION,
    } as UnstampedEvent),
  ];
  writeFileSync(CAPTURE, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  let url: string;
  ({ server, url } = await servePanel());
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
  await shimEsbuildNames(context);
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(url);
  await page.getByTestId('file-input').setInputFiles(CAPTURE);
  await page.getByTestId('session-item').waitFor();
});

after(() =>
  closeAll(
    () => browser?.close(),
    () => new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined))),
    () => rmSync(CAPTURE, { force: true }),
  ),
);

test('at 1600 px the close reason and its description are shown whole', async () => {
  const reason = page.getByTestId('session-item').locator('.closed-reason');
  assert.equal(await reason.innerText(), `closed: ping timeout — ${DESCRIPTION}`);
  const box = await reason.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const item = el.closest('[data-testid="session-item"]')!.getBoundingClientRect();
    return { scroll: el.scrollWidth, client: el.clientWidth, right: r.right, itemRight: item.right };
  });
  assert.ok(box.scroll <= box.client, `the text is ${box.scroll} px wide in a ${box.client} px line: cut`);
  assert.ok(box.right <= box.itemRight + 0.5, 'inside the session item');
});
