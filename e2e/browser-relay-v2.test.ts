/**
 * socket.io-client@2's browser bundle in Chromium, on a page served through the proxy, against a
 * real socket.io@2 app: what only a browser does with Engine.IO v3. XHR2 binary polling payloads
 * (application/octet-stream both ways), JSONP polling (`j=`: script GETs, `d=` form POSTs from a
 * hidden iframe), polling answers gzipped for the browser, and the upgrade. Each mode runs directly
 * and through the proxy: the page must see the same thing, and the proxy must decode every packet.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { V2ServerSocket } from 'socket.io-v2';
import type { PacketEvent } from '../shared/events.js';
import { startProxy, waitFor, type Proxy } from '../test/support/harness.js';
import { describeEvents, startV2Target, type V2Target } from '../test/support/v2-helpers.js';
import { launchChromium } from './support/browser.js';

// Served by the test: socket.io@2 under its alias would serve the top-level (v4) client.
const CLIENT_V2 = readFileSync(
  createRequire(import.meta.url).resolve('socket.io-client-v2/dist/socket.io.js'),
  'utf8',
);
const PAGE = '<!doctype html><meta charset="utf-8"><title>v2</title><script src="/client-v2.js"></script>';

/** Over 1 KB, so that engine.io gzips the polling answer that carries it; UTF-8 of several widths,
 * a line separator (JSONP escapes it), a newline and length-prefix look-alikes. */
const BIG = 'ü€\u2028😀'.repeat(300) + '\n12:34:5';
const HELLO_BYTES = [255, 0, 1, 10, 13];

/** What the page does once connected; it returns what it saw (run as a string: no bundler helpers). */
const SCRIPT = (opts: object) => `(async () => {
  const s = io(Object.assign({ forceNew: true }, ${JSON.stringify(opts)}));
  const hello = await new Promise((res) => s.on('hello', function () { res([].slice.call(arguments)); }));
  const call = (...args) => new Promise((res) => s.emit(...args, function () { res([].slice.call(arguments)); }));
  const echo = await call('echo', { t: 'ø\\u2028 12:34 "q"', empty: '', n: [1, 2] });
  const big = await call('big');
  const bin = await call('bin', new Uint8Array([9, 8, 255, 0]).buffer);
  const out = {
    idIsEngineId: s.id === s.io.engine.id,
    hello: [hello[0], Array.from(new Uint8Array(hello[1]))],
    echo,
    big: [big[0], Array.from(new Uint8Array(big[1]))],
    bin: [bin[0], Array.from(new Uint8Array(bin[1]))],
    transport: s.io.engine.transport.name,
    sid: s.io.engine.id,
  };
  s.close();
  // JSONP sends the close packet from a form in an iframe: the page must live until it is posted.
  await new Promise((res) => setTimeout(res, 500));
  return out;
})()`;

const MODES: Array<{ name: string; opts: object; transport: string }> = [
  { name: 'XHR2 binary polling', opts: { transports: ['polling'] }, transport: 'polling' },
  { name: 'JSONP polling', opts: { transports: ['polling'], forceJSONP: true }, transport: 'polling' },
  { name: 'polling upgraded to WebSocket', opts: {}, transport: 'websocket' },
];

let target: V2Target;
let proxy: Proxy;
let browser: Browser;

before(async () => {
  target = await startV2Target({ serveClient: false });
  target.http.on('request', (req, res) => {
    if (req.url === '/') res.writeHead(200, { 'Content-Type': 'text/html' }).end(PAGE);
    if (req.url === '/client-v2.js') res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(CLIENT_V2);
  });
  target.io.on('connection', (s: V2ServerSocket) => {
    s.on('echo', (v: unknown, ack: (v: unknown) => void) => ack(v));
    s.on('big', (ack: (...a: unknown[]) => void) => ack(BIG, Buffer.from([0, 1, 255])));
    s.on('bin', (b: Buffer, ack: (...a: unknown[]) => void) => ack(b.length, Buffer.from(b).reverse()));
    s.emit('hello', 'wörld', Buffer.from(HELLO_BYTES));
  });
  proxy = await startProxy(target.url);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await proxy?.close();
  await target?.close();
});

async function run(base: string, opts: object) {
  const page = await browser.newPage();
  await page.goto(base + '/');
  const seen = (await page.evaluate(SCRIPT(opts))) as { sid: string } & Record<string, unknown>;
  await page.close();
  return seen;
}

for (const mode of MODES) {
  test(`${mode.name}: the page sees what it sees directly, and the proxy decodes every packet`, async () => {
    const { sid: _directSid, ...direct } = await run(target.url, mode.opts);
    const { sid, ...through } = await run(proxy.url, mode.opts);
    assert.deepEqual(through, direct);
    assert.deepEqual(through, {
      idIsEngineId: true,
      hello: ['wörld', HELLO_BYTES],
      echo: [{ t: 'ø\u2028 12:34 "q"', empty: '', n: [1, 2] }],
      big: [BIG, [0, 1, 255]],
      bin: [4, [0, 255, 8, 9]],
      transport: mode.transport,
    });

    await waitFor(
      () => proxy.events.some((e) => e.type === 'close' && e.sessionId === sid),
      3000,
      'the session closed',
    );
    const mine = proxy.events.filter((e) => 'sessionId' in e && e.sessionId === sid);
    const errors = proxy.events.filter((e) => e.type === 'error');
    assert.deepEqual(errors, [], describeEvents(mine));
    const session = mine.find((e) => e.type === 'session');
    assert.ok(session?.type === 'session' && session.eio === 3, 'an EIO3 session');
    const sio = mine.filter((e): e is PacketEvent => e.type === 'packet' && !!e.sio).map((e) => e.sio!);
    const find = (type: string, event?: string) =>
      sio.find((p) => p.type === type && (event === undefined || p.event === event));
    assert.deepEqual(find('BINARY_EVENT', 'hello')?.attachments, [HELLO_BYTES.length]);
    assert.deepEqual(find('EVENT', 'echo')?.args, ['echo', { t: 'ø\u2028 12:34 "q"', empty: '', n: [1, 2] }]);
    const bigAck = sio.find((p) => p.type === 'BINARY_ACK' && Array.isArray(p.args) && p.args[0] === BIG);
    assert.ok(bigAck, `the big answer was decoded whole:\n${describeEvents(mine)}`);
    assert.deepEqual(find('BINARY_EVENT', 'bin')?.attachments, [4]);
    assert.equal(sio.filter((p) => p.type === 'BINARY_ACK').length, 2, 'each binary ack once');
    if (mode.transport === 'polling') {
      const gzipped = mine.some(
        (e) => e.type === 'http' && /gzip|deflate/.test(String(e.responseHeaders['content-encoding'] ?? '')),
      );
      assert.ok(gzipped, 'the big answer came gzipped, as engine.io sends it to browsers');
    }
    if (mode.opts && 'forceJSONP' in mode.opts) {
      const urls = mine.flatMap((e) => (e.type === 'http' ? [e] : []));
      assert.ok(urls.length > 0 && urls.every((e) => /[?&]j=\d/.test(e.url)), 'every request was JSONP');
      assert.ok(
        urls.some(
          (e) =>
            e.method === 'POST' && /x-www-form-urlencoded/.test(String(e.requestHeaders['content-type'])),
        ),
        'd= form POSTs',
      );
    } else if (mode.transport === 'polling') {
      const binary = mine.filter(
        (e) => e.type === 'http' && /octet-stream/.test(String(e.requestHeaders['content-type'] ?? '')),
      );
      assert.ok(binary.length > 0, 'the browser POSTed an XHR2 binary payload');
    }
  });
}
