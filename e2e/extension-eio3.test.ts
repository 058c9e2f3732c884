/**
 * In-page capture of an Engine.IO v3 page: socket.io-client@2's browser bundle against a real
 * socket.io@2 server, with no proxy. EIO3 differs on the wire
 * from v4: length-prefixed polling payloads (binary XHR2 payloads, or `b<base64>` packets when the
 * client is told to forceBase64), the type byte in front of binary WebSocket frames, and the client
 * sending the pings.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { startV2Target, type V2Target } from '../test/support/v2-helpers.js';
import { launchWithExtension, waitForPanel, type ExtensionBrowser } from './support/extension.js';

// `?b64=1` makes the client send binary as base64 text (EIO3's `b` packets) instead of XHR2 bytes.
// The emits happen on connect, while polling (the test holds the WebSocket back: see UPGRADE_DELAY).
const PAGE = `<!doctype html><meta charset="utf-8"><title>eio3</title>
<script src="/client-v2.js"></script>
<script>
  const b64 = new URLSearchParams(location.search).has('b64');
  window.socket = io({ forceBase64: b64 });
  window.log = [];
  socket.on('connect', () => {
    socket.emit('hello', { n: 1 }, 'two');
    socket.emit('echo', 'round trip', (v) => log.push('echo ' + v));
    socket.emit('upload', new Uint8Array([7, 8, 9]).buffer, (n) => log.push('upload ' + n));
    socket.emit('bytes', (b) => log.push('bytes ' + new Uint8Array(b).join(',')));
  });
</script>`;

// Served by the test: socket.io@2 installed under an alias serves the top-level socket.io-client
// (v4) at /socket.io/socket.io.js, since it looks for it at ../../socket.io-client first.
const CLIENT_V2 = readFileSync(
  createRequire(import.meta.url).resolve('socket.io-client-v2/dist/socket.io.js'),
  'utf8',
);

/**
 * How long the server holds each WebSocket handshake: the connect-time emits and their acks (binary
 * ones included) then all travel in polling bodies, which is what this test reads, rather than
 * racing the upgrade.
 */
const UPGRADE_DELAY = 400;

let target: V2Target;
let ext: ExtensionBrowser;

before(async () => {
  // Short heartbeats, so the client's pings (EIO3: client to server) show within the test.
  target = await startV2Target({ pingInterval: 300, pingTimeout: 2000, serveClient: false });
  target.http.on('request', (req, res) => {
    if (req.url?.startsWith('/?')) res.writeHead(200, { 'Content-Type': 'text/html' }).end(PAGE);
    if (req.url === '/client-v2.js') res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(CLIENT_V2);
  });
  const engineUpgrade = target.http.listeners('upgrade');
  target.http.removeAllListeners('upgrade');
  target.http.on('upgrade', (...args: unknown[]) =>
    setTimeout(() => {
      for (const fn of engineUpgrade) (fn as (...a: unknown[]) => void).apply(target.http, args);
    }, UPGRADE_DELAY),
  );
  target.io.on('connection', (s) => {
    s.on('echo', ((v: unknown, ack: (v: unknown) => void) => ack(v)) as (...a: never[]) => void);
    s.on('upload', ((b: Buffer, ack: (n: number) => void) => ack(b.length)) as (...a: never[]) => void);
    s.on('bytes', ((ack: (b: Buffer) => void) => ack(Buffer.from([0, 1, 2, 253, 254, 255]))) as (
      ...a: never[]
    ) => void);
  });
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

async function openApp(query: string): Promise<{ page: Page; tabId: number; sid: string }> {
  const page = await ext.context.newPage();
  await page.goto(`${target.url}/?${query}`);
  await page.waitForFunction(() => (window as unknown as Win).log.length === 3);
  await page.waitForFunction(
    () => (window as unknown as Win).socket.io.engine.transport.name === 'websocket',
  );
  const sid = await page.evaluate(() => (window as unknown as Win).socket.io.engine.id);
  assert.deepEqual(await page.evaluate(() => (window as unknown as Win).log.sort()), [
    'bytes 0,1,2,253,254,255',
    'echo round trip',
    'upload 3',
  ]);
  return { page, tabId: await ext.tabIdOf(page), sid };
}

for (const variant of ['binary', 'b64'] as const) {
  test(`EIO3 page (${variant} payloads): session, upgrade, emits with args, acks, binary, client pings`, async () => {
    const { page, tabId, sid } = await openApp(variant === 'b64' ? 'b64=1' : 'bin=1');
    const panel = await ext.openPanel(tabId);
    const pings = (s: Awaited<ReturnType<typeof waitForPanel>>) =>
      s.packets.filter((p) => p.sid === sid && p.engine === 'ping' && p.data !== 'probe').length;
    const snap = await waitForPanel(
      panel,
      (s) =>
        s.sessions.some((x) => x.sid === sid && x.upgrade === 'success') &&
        s.packets.some((p) => p.sio === 'BINARY_ACK') &&
        pings(s) >= 2,
      'the EIO3 session upgraded, the binary ack, two client pings',
    );
    const session = snap.sessions.find((s) => s.sid === sid);
    assert.equal(session?.eio, 3);
    assert.equal(session?.firstTransport, 'polling');
    assert.equal(session?.transport, 'websocket');
    assert.deepEqual(session?.namespaces, ['/']);

    const mine = snap.packets.filter((p) => p.sid === sid);
    assert.equal(snap.packets.length, mine.length, 'no packets of an unknown session');
    const emits = mine.filter((p) => p.direction === 'c2s' && p.event);
    assert.deepEqual(
      emits.map((p) => [p.event, p.transport]),
      [
        ['hello', 'polling'],
        ['echo', 'polling'],
        ['upload', 'polling'],
        ['bytes', 'polling'],
      ],
    );
    assert.deepEqual(emits[0]?.args, ['hello', { n: 1 }, 'two']);
    // The client's binary emit: one 3-byte attachment, read out of the polling POST body.
    const upload = emits[2];
    assert.equal(upload?.sio, 'BINARY_EVENT');
    assert.deepEqual(upload?.attachments, [3]);

    // Each ack is linked to its event, the binary one carries the 6 bytes.
    for (const name of ['echo', 'upload', 'bytes']) {
      const ev = mine.find((p) => p.event === name);
      const ack = mine.find((p) => p.seq === ev?.linkSeq);
      assert.ok(ack && ack.direction === 's2c' && ack.linkSeq === ev?.seq, `ack of ${name}`);
    }
    const binaryAck = mine.find((p) => p.sio === 'BINARY_ACK');
    assert.deepEqual([binaryAck?.attachments, binaryAck?.transport], [[6], 'polling']);
    assert.deepEqual(mine.find((p) => p.sio === 'ACK' && p.linkSeq === upload?.seq)?.args, [3]);

    // The probe on the WebSocket, then the client's heartbeats (EIO3: the client pings).
    assert.ok(mine.some((p) => p.engine === 'ping' && p.data === 'probe' && p.transport === 'websocket'));
    assert.ok(mine.some((p) => p.engine === 'upgrade' && p.direction === 'c2s'));
    const ping = mine.find((p) => p.engine === 'ping' && p.data !== 'probe');
    assert.equal(ping?.direction, 'c2s');
    assert.ok(mine.some((p) => p.engine === 'pong' && p.direction === 's2c' && p.data !== 'probe'));
    assert.deepEqual(
      snap.attempts.map((a) => a.outcome),
      ['connected'],
    );

    // The XHRs' headers, as the client set them and as it could read the answers' (raw captures).
    type Http = {
      method: string;
      requestHeaders?: Record<string, string>;
      responseHeaders?: Record<string, string>;
      requestBody?: string;
      requestB64?: boolean;
      responseBody?: string;
      responseB64?: boolean;
    };
    const http = (await ext.capturesOf(tabId)).filter((c) => c.k === 'http') as unknown as Http[];
    const postTypes = http.filter((c) => c.method === 'POST').map((c) => c.requestHeaders?.['content-type']);
    assert.ok(
      postTypes.includes(variant === 'b64' ? 'text/plain;charset=UTF-8' : 'application/octet-stream'),
      `POST content types ${JSON.stringify(postTypes)}`,
    );
    assert.ok(http.every((c) => typeof c.responseHeaders?.['content-type'] === 'string'));
    // And the framing each variant is about, both ways: `<length>:b4<base64>` packets, or XHR2 bytes.
    if (variant === 'b64') {
      assert.ok(http.some((c) => /\d+:b4/.test(c.requestBody ?? '')));
      assert.ok(http.some((c) => /\d+:b4/.test(c.responseBody ?? '')));
    } else assert.ok(http.some((c) => c.requestB64) && http.some((c) => c.responseB64));
    await panel.close();
    await page.close();
  });
}
