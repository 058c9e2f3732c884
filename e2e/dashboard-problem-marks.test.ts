/**
 * The sidebar marks sessions with problems (issue #17), in Chromium: a capture recorded without
 * problems is opened, the panel's own detectors find a packet near the target's limit in one
 * session, and only that session's row carries the badge; its click opens the Problems view.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { EventFactory } from '../test/support/panel-events.js';
import { openCaptureFile, type CaptureView } from './support/dashboard.js';

const CAPTURE = join(tmpdir(), `sio-proxy-problem-marks-${process.pid}.ndjson`);

let view: CaptureView;

before(async () => {
  const f = new EventFactory(); // maxPayload 1000 in every session's open packet
  const events = [
    f.session('near-limit-sid', 'k1', { transport: 'websocket' }),
    f.ev({ type: 'connect', sessionId: 'near-limit-sid', nsp: '/', socketId: 'sock1', recovered: false }),
    f.emit('near-limit-sid', 'c2s', 'save', ['x'.repeat(950)]),
    f.session('clean-sid', 'k2', { transport: 'websocket' }),
    f.ev({ type: 'connect', sessionId: 'clean-sid', nsp: '/', socketId: 'sock2', recovered: false }),
    f.emit('clean-sid', 'c2s', 'save', ['small']),
  ];
  writeFileSync(CAPTURE, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  view = await openCaptureFile(CAPTURE);
  await view.page.locator('[data-testid="session-item"][data-sid="clean-sid"]').waitFor();
});

after(() => (view ? view.close() : rmSync(CAPTURE, { force: true })));

test('the session with a problem carries a badge with its count and kinds; the clean one none', async () => {
  const { page } = view;
  const marked = page.locator('[data-testid="session-item"][data-sid="near-limit-sid"]');
  const badge = marked.getByRole('button', { name: '1 problem: payload near limit' });
  await badge.waitFor();
  assert.equal((await badge.innerText()).trim(), '! 1');
  assert.equal(
    await page
      .locator('[data-testid="session-item"][data-sid="clean-sid"] [data-testid="session-problems"]')
      .count(),
    0,
  );

  await badge.click();
  const item = page.locator('[data-testid="problem-item"][data-kind="payload-near-limit"]');
  await item.waitFor();
  assert.match(
    await item.innerText(),
    /a 963-byte packet is 96\.3 % of the target's maxPayload \(1000 bytes\)/,
  );
});
