/**
 * The text filter over long payloads, as a user sees it: the real CLI in front of a real socket.io@4
 * app, the panel in Chromium. A 10 KB message whose needle lies past the stream's 4 KB preview is
 * found by text and by /regex/ (the proxy searches its full payload), and the filter bar says so; the
 * same packet opened from the proxy's own capture file (cut payloads) is searched in its preview
 * only, and the filter bar says that instead.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import {
  closeAll,
  eventually,
  filteredCount,
  packetRows,
  screenshot,
  startScene,
  type Cli,
  type Scene,
} from './support/dashboard.js';

const NEEDLE = 'Needle-7f3a';
/** 10 KB of args' JSON with the needle at character 10 000. */
const LONG = { text: `${'x'.repeat(9_983)}${NEEDLE}` };
const CAPTURE = join(tmpdir(), `sio-proxy-search-${process.pid}.ndjson`);

let scene: Scene | undefined;
let cli: Cli;
let page: Page;
let socket: Socket;

before(async () => {
  scene = await startScene({
    serve: (t) => {
      t.io.on('connection', (s) => {
        s.on('save', (_doc: unknown, ack: () => void) => ack());
        s.on('note', (_text: string, ack: () => void) => ack());
      });
    },
  });
  ({ cli, page } = scene);
  socket = await scene.connect('search');
  await socket.timeout(3000).emitWithAck('note', 'a short message');
  await socket.timeout(3000).emitWithAck('save', LONG);
  await packetRows(page).filter({ hasText: 'save' }).filter({ hasText: 'EVENT' }).waitFor();
});

after(() =>
  closeAll(
    () => scene?.close(),
    () => rmSync(CAPTURE, { force: true }),
  ),
);

const note = () => page.getByTestId('filter-search-note');

test('typing a needle that lies past the 4 KB preview shows its packet', async () => {
  const input = page.getByTestId('filter-input');
  await input.fill(NEEDLE.toLowerCase());
  const row = packetRows(page).filter({ hasText: 'save' });
  await row.waitFor();
  assert.equal(await eventually(async () => (await filteredCount(page)) === 1 && 1), 1, 'that packet alone');
  assert.match(await row.innerText(), /EVENT/);
  assert.equal(await note().innerText(), '1 long payload searched in full on the proxy');
  assert.equal(await note().getAttribute('data-state'), 'done');
  await screenshot(page, 'filter-full-search');

  // The regex form, with the filter bar's case rules: case-sensitive unless /i.
  await input.fill('/needle-\\d[a-f0-9]+/');
  await eventually(async () => (await note().getAttribute('data-state')) === 'done');
  assert.equal(await filteredCount(page), 0);
  await input.fill('/needle-\\d[a-f0-9]+/i');
  await eventually(async () => (await filteredCount(page)) === 1);
  await row.waitFor();

  // Text the packets do not hold finds nothing; no text, no note.
  await input.fill('not-in-any-payload');
  await eventually(async () => (await note().getAttribute('data-state')) === 'done');
  assert.equal(await filteredCount(page), 0);
  await input.fill('');
  await note().waitFor({ state: 'detached' });
  assert.ok((await filteredCount(page)) >= 2);
});

test('from a capture file, whose long payloads are cut, the note says only their preview was searched', async () => {
  const url = new URL(cli.dashboard);
  url.pathname = '/api/capture';
  const res = await fetch(url);
  assert.equal(res.status, 200);
  const capture = await res.text();
  assert.match(capture, /"truncated":true/, 'the capture holds the cut packet as the stream sent it');
  writeFileSync(CAPTURE, capture);
  await page.getByTestId('file-input').setInputFiles(CAPTURE);
  await page.getByTestId('back-to-live').waitFor();
  await eventually(async () => (await filteredCount(page)) >= 2);

  await page.getByTestId('filter-input').fill(NEEDLE);
  await note().waitFor();
  assert.equal(await note().innerText(), '1 long payload searched in their first 4 KB only');
  assert.equal(await note().getAttribute('data-state'), 'preview-only');
  assert.equal(await filteredCount(page), 0, 'the needle is past the preview');
  await page.getByTestId('filter-input').fill('');
  await page.getByTestId('back-to-live').click();
});
