/**
 * In-page capture of a page whose client polls over fetch(): socket.io-client@4's ES module build
 * (socket.io@4 serves it at /socket.io/socket.io.esm.min.js) exports engine.io-client's transports,
 * and `transports: [Fetch, WebSocket]` makes it use the Fetch polling transport instead of XHR.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Target } from '../test/support/harness.js';
import { answerEchoAndBytes, startAppTarget } from './support/app-target.js';
import { launchWithExtension, waitForPanel, type ExtensionBrowser } from './support/extension.js';

const PAGE = `<!doctype html><meta charset="utf-8"><title>fetch</title>
<script type="module">
  import { io, Fetch, WebSocket } from '/socket.io/socket.io.esm.min.js';
  window.log = [];
  window.socket = io({ transports: [Fetch, WebSocket], extraHeaders: { 'x-app': 'fetch-demo' } });
  socket.on('connect', () => {
    socket.emit('hello', { over: 'fetch' });
    socket.emit('echo', 'round trip', (v) => log.push('echo ' + v));
    socket.emit('bytes', (b) => log.push('bytes ' + new Uint8Array(b).join(',')));
  });
</script>`;

let target: Target;
let ext: ExtensionBrowser;

before(async () => {
  target = await startAppTarget({ '/?': PAGE });
  answerEchoAndBytes(target.io, [1, 2, 3]);
  ext = await launchWithExtension();
});

after(async () => {
  await ext?.close();
  await target?.close();
});

type Win = {
  log: string[];
  socket: { io: { engine: { id: string; transport: { name: string } } } };
};

test('a client polling over fetch(): its requests, packets and upgrade reach the panel', async () => {
  const page = await ext.context.newPage();
  await page.goto(`${target.url}/?fetch=1`);
  await page.waitForFunction(() => (window as unknown as Win).log.length === 2);
  await page.waitForFunction(
    () => (window as unknown as Win).socket.io.engine.transport.name === 'websocket',
  );
  const sid = await page.evaluate(() => (window as unknown as Win).socket.io.engine.id);
  const tabId = await ext.tabIdOf(page);

  // The page really polled with fetch(), never XHR: the raw captures say how each request went.
  let http: Record<string, unknown>[] = [];
  for (let i = 0; i < 50 && !http.some((c) => c.method === 'POST'); i++) {
    http = (await ext.capturesOf(tabId)).filter((c) => c.k === 'http');
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(http.length >= 2, `polling requests captured: ${JSON.stringify(http)}`);
  assert.deepEqual([...new Set(http.map((c) => c.via))], ['fetch']);
  // Headers as the page set them (extraHeaders, the transport's content-type) and as it read them.
  const post = http.find((c) => c.method === 'POST') as {
    requestHeaders?: Record<string, string>;
    responseHeaders?: Record<string, string>;
  };
  assert.equal(post.requestHeaders?.['x-app'], 'fetch-demo');
  assert.equal(post.requestHeaders?.['content-type'], 'text/plain;charset=UTF-8');
  assert.match(post.responseHeaders?.['content-type'] ?? '', /^text\/html/);

  const panel = await ext.openPanel(tabId);
  const snap = await waitForPanel(
    panel,
    (s) =>
      s.sessions.some((x) => x.sid === sid && x.upgrade === 'success') &&
      s.packets.some((p) => p.sio === 'BINARY_ACK'),
    'the session over fetch polling, upgraded, and the binary ack',
  );
  const session = snap.sessions.find((s) => s.sid === sid);
  assert.equal(session?.eio, 4);
  assert.equal(session?.firstTransport, 'polling');
  assert.equal(session?.transport, 'websocket');
  const mine = snap.packets.filter((p) => p.sid === sid);
  // The open came in a fetch() response, the namespace CONNECT went out in a fetch() POST body;
  // the emits follow on whichever transport the client had by then.
  assert.equal(mine[0]?.engine, 'open');
  assert.equal(mine[0]?.transport, 'polling');
  assert.ok(mine.some((p) => p.sio === 'CONNECT' && p.direction === 'c2s' && p.transport === 'polling'));
  assert.ok(mine.some((p) => p.sio === 'CONNECT' && p.direction === 's2c' && p.transport === 'polling'));
  const emits = mine.filter((p) => p.direction === 'c2s' && p.event);
  assert.deepEqual(
    emits.map((p) => p.event),
    ['hello', 'echo', 'bytes'],
  );
  assert.deepEqual(emits[0]?.args, ['hello', { over: 'fetch' }]);
  const echo = emits[1];
  assert.equal(mine.find((p) => p.seq === echo?.linkSeq)?.sio, 'ACK');
  assert.deepEqual(mine.find((p) => p.sio === 'BINARY_ACK')?.attachments, [3]);
  assert.ok(mine.some((p) => p.engine === 'ping' && p.data === 'probe' && p.transport === 'websocket'));
  await panel.close();
  await page.close();
});
