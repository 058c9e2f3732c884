/**
 * A real browser's socket.io-client, on a page served through the proxy, talking to a real
 * socket.io@4 app: XHR polling, the upgrade to WebSocket, acks and binary, as Chromium does them.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { engineId, startProxy, waitFor, type Proxy, type Target } from '../test/support/harness.js';
import { answerEchoAndBytes, startAppTarget } from './support/app-target.js';
import { launchChromium } from './support/browser.js';

const PAGE = `<!doctype html><meta charset="utf-8"><title>relay</title>
<script src="/socket.io/socket.io.js"></script>
<script>
  window.socket = io({ auth: { user: 'browser' } });
  window.log = [];
  socket.on('connect', () => log.push('connect ' + socket.id));
  socket.io.engine.on('upgrade', (t) => log.push('upgrade ' + t.name));
</script>`;

let target: Target;
let proxy: Proxy;
let browser: Browser;
let page: Page;

before(async () => {
  target = await startAppTarget({ '/': PAGE });
  answerEchoAndBytes(target.io, [0, 1, 2, 253, 254, 255]);
  proxy = await startProxy(target.url);
  browser = await launchChromium();
  page = await browser.newPage();
});

after(async () => {
  await browser?.close();
  await proxy?.close();
  await target?.close();
});

test('a browser connects through the proxy, upgrades to WebSocket and keeps its ids', async () => {
  await page.goto(proxy.url + '/');
  await page.waitForFunction(
    () => (window as unknown as { socket: { connected: boolean } }).socket.connected,
  );
  await page.waitForFunction(
    () =>
      (window as unknown as { socket: { io: { engine: { transport: { name: string } } } } }).socket.io.engine
        .transport.name === 'websocket',
  );
  const ids = await page.evaluate(() => {
    const s = (window as unknown as { socket: { id: string; io: { engine: { id: string } } } }).socket;
    return { id: s.id, sid: s.io.engine.id };
  });
  const serverSocket = await waitFor(() => [...target.io.sockets.sockets.values()][0], 5000, 'server socket');
  assert.equal(ids.id, serverSocket.id);
  assert.equal(ids.sid, engineId(serverSocket));
  assert.equal(serverSocket.conn.transport.name, 'websocket');
  assert.deepEqual(serverSocket.handshake.auth, { user: 'browser' });
  const kinds = proxy.events
    .filter((e) => e.type === 'upgrade' && e.sessionId === ids.sid)
    .map((e) => e.type === 'upgrade' && `${e.leg}:${e.stage}`);
  assert.ok(
    kinds.includes('client:success') && kinds.includes('server:success'),
    `upgrade events: ${kinds.join(',')}`,
  );
});

test('acks and binary round-trip byte for byte from the browser', async () => {
  const echoed = await page.evaluate(() =>
    (
      window as unknown as { socket: { emitWithAck(e: string, v: unknown): Promise<unknown> } }
    ).socket.emitWithAck('echo', { text: 'héllo €', n: [1, 2, 3] }),
  );
  assert.deepEqual(echoed, { text: 'héllo €', n: [1, 2, 3] });
  const bytes = await page.evaluate(async () => {
    const b = await (
      window as unknown as { socket: { emitWithAck(e: string): Promise<ArrayBuffer> } }
    ).socket.emitWithAck('bytes');
    return [...new Uint8Array(b)];
  });
  assert.deepEqual(bytes, [0, 1, 2, 253, 254, 255]);
  const binaryAck = proxy.events.find((e) => e.type === 'packet' && e.sio?.type === 'BINARY_ACK');
  assert.ok(binaryAck && binaryAck.type === 'packet', 'the proxy decoded the binary ack');
  assert.deepEqual(binaryAck.sio?.attachments, [6]);
});
