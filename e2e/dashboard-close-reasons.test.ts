/**
 * A closed session's reason in the sidebar, in Chromium at 1600 px: the whole reason and its
 * description can be read (they wrap), none of it cut off by the sidebar's width.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { UnstampedEvent } from '../shared/events.js';
import { EventFactory } from '../test/support/panel-events.js';
import { openCaptureFile, type CaptureView } from './support/dashboard.js';

const CAPTURE = join(tmpdir(), `sio-proxy-close-reasons-${process.pid}.ndjson`);
const DESCRIPTION = 'the server sent no ping within pingInterval + pingTimeout (25000 + 20000 ms)';

let view: CaptureView;
let page: Page;

before(async () => {
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
  view = await openCaptureFile(CAPTURE, { width: 1600, height: 900 });
  page = view.page;
  await page.getByTestId('session-item').waitFor();
});

after(() => (view ? view.close() : rmSync(CAPTURE, { force: true })));

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
