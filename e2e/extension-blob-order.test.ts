/**
 * A page whose WebSocket has binaryType 'blob' (the browser's default): the capture script must read
 * each binary frame's Blob asynchronously, and still report the frames in the order they arrived,
 * so a text frame that follows a binary one never overtakes it in the panel.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Target } from '../test/support/harness.js';
import { startAppTarget } from './support/app-target.js';
import { launchWithExtension, waitForPanel, type ExtensionBrowser } from './support/extension.js';

const ROUNDS = 12;
const SIZE = 64 * 1024; // big enough that reading a Blob takes longer than a text frame's turn

// A plain WebSocket speaking Engine.IO v4 / Socket.IO itself: connect to `/`, answer pings.
const PAGE = `<!doctype html><meta charset="utf-8"><title>blob</title>
<script>
  window.seen = [];
  const ws = new WebSocket('ws://' + location.host + '/socket.io/?EIO=4&transport=websocket');
  ws.binaryType = 'blob';
  ws.onmessage = (ev) => {
    seen.push(typeof ev.data === 'string' ? ev.data.slice(0, 12) : 'blob ' + ev.data.size);
    if (ev.data === '2') ws.send('3');
    else if (typeof ev.data === 'string' && ev.data[0] === '0') ws.send('40');
  };
</script>`;

let target: Target;
let ext: ExtensionBrowser;

before(async () => {
  target = await startAppTarget({ '/?': PAGE });
  // Binary and text events interleaved: each `bin` is a text header frame plus a binary frame.
  target.io.on('connection', (s) => {
    for (let i = 0; i < ROUNDS; i++) {
      s.emit('bin', i, Buffer.alloc(SIZE, i));
      s.emit('txt', i);
    }
  });
  ext = await launchWithExtension();
});

after(async () => {
  await ext?.close();
  await target?.close();
});

test('binary frames read from Blobs are reported in arrival order', async () => {
  const page = await ext.context.newPage();
  await page.goto(`${target.url}/?blob=1`);
  await page.waitForFunction(
    (n) => (window as unknown as { seen: string[] }).seen.length >= 2 + 3 * n,
    ROUNDS,
  );
  const panel = await ext.openPanel(await ext.tabIdOf(page));
  const snap = await waitForPanel(
    panel,
    (s) => s.packets.filter((p) => p.event === 'txt').length === ROUNDS,
    'every txt event',
  );
  const events = snap.packets
    .filter((p) => p.direction === 's2c' && p.event)
    .map((p) => [p.event, (p.args as unknown[])[1]]);
  const expected = [];
  for (let i = 0; i < ROUNDS; i++) expected.push(['bin', i], ['txt', i]);
  assert.deepEqual(events, expected);
  // Every binary event got its own attachment, whole.
  const bins = snap.packets.filter((p) => p.event === 'bin');
  assert.deepEqual(
    bins.map((p) => p.attachments),
    Array.from({ length: ROUNDS }, () => [SIZE]),
  );
  assert.ok(
    !snap.packets.some(
      (p) => p.direction === 's2c' && p.engine === 'message' && !p.sio && !p.data?.startsWith('51-'),
    ),
  );
  await panel.close();
  await page.close();
});
