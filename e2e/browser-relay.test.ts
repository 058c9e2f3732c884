/**
 * A real browser's socket.io-client, on a page served through the proxy, talking to a real
 * socket.io@4 app: XHR polling, the upgrade to WebSocket, acks and binary, as Chromium does them.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Socket as ServerSocket } from 'socket.io';
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

test('a long message over polling arrives gzipped, as engine.io sends it to browsers, and is observed', async () => {
  // engine.io compresses polling answers of 1 KB and more for clients that accept it: every browser.
  const big = 'ü'.repeat(4000);
  // Every socket gets the handler (the page's own socket connects too); only the polling one asks.
  const serveBig = (s: ServerSocket) => s.on('ready', () => s.emit('big', big));
  target.io.on('connection', serveBig);
  const polling = await browser.newPage();
  await polling.goto(proxy.url + '/');
  const received = await polling.evaluate(
    () =>
      new Promise<string>((resolve) => {
        type Client = { on(e: string, f: (v: string) => void): void; emit(e: string): void };
        const io = (window as unknown as { io: (o: object) => Client }).io;
        const s = io({ transports: ['polling'], forceNew: true });
        s.on('big', resolve);
        s.emit('ready');
      }),
  );
  assert.equal(received, big);
  const gzipped = proxy.events.some(
    (e) => e.type === 'http' && /gzip|deflate/.test(String(e.responseHeaders['content-encoding'] ?? '')),
  );
  assert.ok(gzipped, 'the target compressed a polling answer');
  const packet = await waitFor(
    () => proxy.events.find((e) => e.type === 'packet' && e.sio?.event === 'big'),
    2000,
    'the proxy observed the gzipped event',
  );
  assert.ok(packet.type === 'packet' && packet.transport === 'polling', 'over polling');
  assert.deepEqual(packet.sio?.args, ['big', big]);
  assert.equal(
    proxy.events.filter((e) => e.type === 'error' && /polling/.test(e.message)).length,
    0,
    'no undecodable polling body',
  );
  target.io.off('connection', serveBig);
  await polling.close();
});
