/**
 * The packet table's tail, live: it follows the newest packet; under a flood the tail moves at a
 * reader's pace (a few times a second, not on every batch) and still ends on the last packet; a user
 * who scrolled up keeps their place until they scroll back to the end. The real CLI in front of a
 * real socket.io@4 app, the panel in Chromium.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { sleep } from '../test/support/harness.js';
import { eventually, startScene, type Scene } from './support/dashboard.js';

let scene: Scene | undefined;
let page: Page;
let socket: Socket;

before(async () => {
  scene = await startScene({
    serve: (t) => {
      t.io.on('connection', (s) => {
        // `count` events named `name`, one every `everyMs` (a setInterval's pace), then `done`.
        s.on('flood', (name: string, count: number, everyMs: number, ack: () => void) => {
          let n = 0;
          const timer = setInterval(() => {
            for (let i = 0; i < 5 && n < count; i++) s.emit(name, n++);
            if (n >= count) {
              clearInterval(timer);
              ack();
            }
          }, everyMs);
        });
      });
    },
  });
  ({ page } = scene);
  socket = await scene.connect('follow');
  await page.getByTestId('tab-packets').click();
});

after(() => scene?.close());

/** The event names and args of the rows in the table's view (not the overscan), top to bottom. */
function rowsInView(): Promise<string[]> {
  return page.getByTestId('packet-table').evaluate((table) => {
    const box = table.getBoundingClientRect();
    return [...table.querySelectorAll<HTMLElement>('[data-testid="packet-row"]')]
      .filter((r) => {
        const b = r.getBoundingClientRect();
        return b.top >= box.top && b.bottom <= box.bottom + 1;
      })
      .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
      .map(
        (r) =>
          `${r.querySelector('.c-event')?.textContent ?? ''} ${r.querySelector('.c-args')?.textContent ?? ''}`,
      );
  });
}

test('the table follows the newest packet', async () => {
  await socket.timeout(10_000).emitWithAck('flood', 'one', 1, 1);
  await eventually(async () => (await rowsInView()).includes('one 0'), 5000, 'the row of "one" in view');
});

test('a short burst, then quiet: its last packet shows, every time', async () => {
  // The tail's pace holds the burst's later packets back (less than 250 ms after the first); the
  // pace's timer must land them although nothing else changes afterwards.
  for (let round = 0; round < 8; round++) {
    await sleep(300);
    await socket.timeout(10_000).emitWithAck('flood', `burst${round}`, 3, 40);
    await eventually(
      async () => (await rowsInView()).includes(`burst${round} 2`),
      2000,
      `the last packet of burst ${round} in view`,
    );
  }
});

test('under a flood the tail moves a few times a second, and ends on the last packet', async () => {
  // Each change of the newest row in view, per animation frame, while 1,000 events come in 2 s.
  await page.getByTestId('packet-table').evaluate(() => {
    const w = window as unknown as { __tail: { moves: number; stop: boolean } };
    w.__tail = { moves: 0, stop: false };
    const table = document.querySelector('[data-testid="packet-table"]') as HTMLElement;
    let last = '';
    const tick = () => {
      const rows = table.querySelectorAll('[data-testid="packet-row"]');
      const seq = rows[rows.length - 1]?.getAttribute('data-seq') ?? '';
      if (seq !== last) {
        w.__tail.moves++;
        last = seq;
      }
      if (!w.__tail.stop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const t0 = Date.now();
  await socket.timeout(20_000).emitWithAck('flood', 'tick', 1000, 10);
  const floodMs = Date.now() - t0;
  await eventually(async () => (await rowsInView()).includes('tick 999'), 5000, 'the last tick in view');
  const moves = await page.evaluate(() => {
    const w = window as unknown as { __tail: { moves: number; stop: boolean } };
    w.__tail.stop = true;
    return w.__tail.moves;
  });
  // 1,000 events over the flood's ~2 s come in ~40 batches of the store; the tail moves at most four
  // times a second (plus the first move and the last), and it does move while they come.
  const most = Math.ceil(floodMs / 250) + 3;
  assert.ok(moves <= most, `the tail moved ${moves} times in ${floodMs} ms (at most ${most})`);
  assert.ok(moves >= Math.floor(floodMs / 1000), `the tail moved only ${moves} times in ${floodMs} ms`);
  // The rows in view are consecutive ticks: nothing skipped, nothing twice.
  const view = (await rowsInView()).filter((r) => r.startsWith('tick '));
  const ns = view.map((r) => Number(r.slice(5)));
  assert.ok(ns.length > 5, `rows in view: ${view.join(', ')}`);
  ns.forEach((n, i) => assert.equal(n, ns[0]! + i, `row ${i} of ${ns.join(',')}`));
});

test('scrolled up, the table keeps its place; back at the end, it follows again', async () => {
  const table = page.getByTestId('packet-table');
  await table.evaluate((t) => (t.scrollTop = Math.max(0, t.scrollTop - 300)));
  await sleep(300);
  const before = await rowsInView();
  await socket.timeout(20_000).emitWithAck('flood', 'more', 200, 10);
  await sleep(400);
  assert.deepEqual(await rowsInView(), before, 'the rows in view did not move while the user read them');

  await table.evaluate((t) => (t.scrollTop = t.scrollHeight));
  await socket.timeout(10_000).emitWithAck('flood', 'after', 1, 1);
  await eventually(async () => (await rowsInView()).includes('after 0'), 5000, 'the row of "after" in view');
});
