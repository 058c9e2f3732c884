/**
 * The dashboard's packets, as a user sees them: the real CLI in front of a real socket.io@4 app, the
 * panel in Chromium. An event with its args and its ack with the latency (and the link between
 * them), binary attachments as a hex dump, filtering to one event name, and pause/resume of the
 * live flow.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { sleep } from '../test/support/harness.js';
import {
  eventually,
  filteredCount,
  packetRows,
  screenshot,
  startScene,
  type Scene,
} from './support/dashboard.js';

const ACK_DELAY_MS = 30;

let scene: Scene | undefined;
let page: Page;
let socket: Socket;

before(async () => {
  scene = await startScene({
    serve: (t) => {
      t.io.on('connection', (s) => {
        s.on('echo', (...args: unknown[]) => {
          const ack = args.pop() as (...v: unknown[]) => void;
          setTimeout(() => ack(...args), ACK_DELAY_MS);
        });
        s.on('upload', (_name: string, bytes: Buffer, ack: (b: Buffer) => void) => ack(bytes.subarray(0, 4)));
      });
    },
  });
  ({ page } = scene);
  socket = await scene.connect('packets');
});

after(() => scene?.close());

/** Back to the packets tab with no selection and no filter. */
async function resetView(): Promise<void> {
  await page.getByTestId('tab-packets').click();
  await page.getByRole('button', { name: 'clear' }).click();
  const close = page.getByRole('button', { name: 'close the detail pane' });
  if (await close.count()) await close.click();
}

/** The bytes and the ASCII column of a hex dump, over its lines (8 or 16 bytes a line, by the pane's width). */
async function hexDump(dump: Locator): Promise<{ hex: string; ascii: string }> {
  const lines = await dump.locator('pre > div').evaluateAll((els) =>
    els.map((el) => ({
      hex: el.querySelector('.hex-bytes')?.textContent ?? '',
      ascii: el.querySelector('.hex-ascii')?.textContent ?? '',
    })),
  );
  return {
    hex: lines.flatMap((l) => l.hex.trim().split(/\s+/)).join(' '),
    ascii: lines.map((l) => l.ascii).join(''),
  };
}

/** Milliseconds in a latency as the panel writes it (`31.2 ms`, `1.2 s`). */
function ms(text: string): number {
  const m = /(\d+(?:\.\d+)?) (ms|s)\b/.exec(text);
  assert.ok(m, `a latency in ${JSON.stringify(text)}`);
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}

test('an event with its args, its ack with the latency, and the link between them', async () => {
  await resetView();
  const reply = await socket.timeout(3000).emitWithAck('echo', { text: 'héllo €', n: [1, 2, 3] }, 42);
  assert.deepEqual(reply, { text: 'héllo €', n: [1, 2, 3] });

  const row = packetRows(page).filter({ hasText: 'echo' }).filter({ hasText: 'EVENT' });
  await row.waitFor();
  const rowText = await row.innerText();
  assert.match(rowText, /↑/, 'sent by the client');
  assert.match(rowText, /\{"text":"héllo €","n":\[1,2,3\]\}, 42/, 'the args in the table');
  // The ack column has the latency once the ACK arrived.
  const latency = await eventually(async () => {
    const t = (await row.innerText()).trim().split('\n').pop() ?? '';
    return /\d ms$|\d s$/.test(t) && t;
  });
  assert.ok(ms(latency) >= ACK_DELAY_MS - 1, `latency ${latency} includes the server's ${ACK_DELAY_MS} ms`);

  await row.click();
  assert.equal(await row.getAttribute('aria-selected'), 'true');
  const detail = page.getByTestId('detail-pane');
  const tree = detail.getByTestId('json-tree');
  assert.match(await tree.innerText(), /text: "héllo €"/);
  assert.match(await tree.innerText(), /1: 42/);
  // Deeper levels start folded: unfold `n`.
  await tree.getByText('n: Array(3)').click();
  assert.match(await tree.innerText(), /▾n: Array\(3\)\s+0: 1\s+1: 2\s+2: 3/);
  const link = detail.getByTestId('ack-link');
  assert.match(await link.innerText(), /^acknowledged by ACK #\d+ after \d/);
  assert.equal(ms((await link.innerText()).split(' after ')[1] ?? ''), ms(latency));
  assert.match(await detail.getByTestId('raw-frame').innerText(), /^420\["echo",\{"text":"héllo €"/);
  await screenshot(page, 'detail-pane-event');

  // The link jumps to the ACK, which links back.
  const ackSeq = Number(/ACK #(\d+)/.exec(await link.innerText())?.[1]);
  await detail.getByTestId('ack-jump').click();
  const ackRow = page.locator(`[data-testid="packet-row"][data-seq="${ackSeq}"]`);
  await ackRow.and(page.locator('[aria-selected="true"]')).waitFor();
  assert.match(await ackRow.innerText(), /ACK/);
  assert.match(await detail.getByTestId('ack-link').innerText(), /^answers EVENT #\d+ after /);
  assert.match(await detail.getByTestId('json-tree').innerText(), /text: "héllo €"/);
});

test('binary attachments are shown as a hex dump', async () => {
  await resetView();
  const bytes = Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02, 0x41, 0x42, 0x43, 0xff]);
  const back = await socket.timeout(3000).emitWithAck('upload', 'file.bin', bytes);
  assert.deepEqual([...(back as Buffer)], [0xde, 0xad, 0xbe, 0xef]);

  const row = packetRows(page).filter({ hasText: 'upload' }).filter({ hasText: 'BINARY_EVENT' });
  await row.click();
  const detail = page.getByTestId('detail-pane');
  assert.match(await detail.getByTestId('json-tree').innerText(), /0: "file\.bin"\s+1: <binary 11 B>/);
  const hex = detail.getByTestId('hex-dump');
  assert.match(await hex.innerText(), /^attachment args\[1\] · 11 B/);
  assert.deepEqual(await hexDump(hex), {
    hex: 'de ad be ef 00 01 02 41 42 43 ff',
    ascii: '.......ABC.',
  });
  await screenshot(page, 'detail-pane-binary');

  // The server's binary ack: its bytes too.
  await page.getByTestId('filter-type').selectOption('sio:BINARY_ACK');
  await packetRows(page).first().click();
  assert.deepEqual(await hexDump(detail.getByTestId('hex-dump')), { hex: 'de ad be ef', ascii: '....' });
});

test('filtering to one event name shows only its rows', async () => {
  await resetView();
  for (let i = 0; i < 6; i++) {
    socket.emit('tick', i);
    socket.emit('note', `note ${i}`);
  }
  await eventually(async () => (await page.getByTestId('packets-status').innerText()).match(/of (\d+) held/));
  await page.getByTestId('filter-event').fill('tick');
  const rows = packetRows(page);
  await eventually(async () => (await filteredCount(page)) === 6, 3000, 'the 6 tick rows');
  const events = await rows.evaluateAll((els) => els.map((el) => el.querySelector('.c-event')?.textContent));
  assert.deepEqual(events, Array(6).fill('tick'));
  assert.match(await page.getByTestId('packets-status').innerText(), /^6 shown of \d+ held/);
  await screenshot(page, 'packets-filtered');
  await page.getByTestId('filter-event').fill('');
  assert.ok((await filteredCount(page)) > 12, 'every row again');
});

test('pause freezes the rows while events keep coming; resume applies them', async () => {
  await resetView();
  await page.getByTestId('filter-event').fill('flow');
  let n = 0;
  const timer = setInterval(() => socket.emit('flow', n++), 20);
  try {
    await eventually(async () => (await filteredCount(page)) >= 5, 3000, 'the flow');
    const pause = page.getByTestId('pause-button');
    await pause.click();
    assert.equal(await pause.getAttribute('data-paused'), 'true');
    const frozen = await filteredCount(page);
    const sentAtPause = n;
    await sleep(600);
    assert.ok(n - sentAtPause >= 10, `events kept coming (${n - sentAtPause})`);
    assert.equal(await filteredCount(page), frozen, 'the rows are frozen while paused');
    const waiting = Number(
      /Resume \(([\d,]+) packets waiting\)/.exec(await pause.innerText())?.[1]?.replace(/,/g, ''),
    );
    assert.ok(waiting >= 10, `the button counts the packets waiting (${await pause.innerText()})`);
    // Packets only (not drains or http exchanges): at most the packets that crossed while paused,
    // with their acks, heartbeats and the polling exchanges of other clients' packets.
    assert.ok(waiting <= (n - sentAtPause) * 3 + 20, `only packets are counted (${waiting})`);
    await screenshot(page, 'packets-paused');

    await pause.click();
    assert.equal(await pause.getAttribute('data-paused'), 'false');
    assert.match(await pause.innerText(), /Pause/);
    const resumed = await filteredCount(page);
    assert.ok(resumed >= frozen + 10, `resume applied the waiting events (${frozen} -> ${resumed})`);
  } finally {
    clearInterval(timer);
  }
  // Nothing was lost: every flow event is a row.
  await eventually(async () => (await filteredCount(page)) === n, 3000, `all ${n} flow rows`);
});
