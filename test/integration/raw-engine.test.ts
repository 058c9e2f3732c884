/**
 * A raw Engine.IO app (no Socket.IO on top) on another path: `--path /engine.io/` terminates it,
 * messages are relayed byte for byte and marked raw, since they are not Socket.IO packets.
 */
import assert from 'node:assert/strict';
import { createServer, type Server as HttpServer } from 'node:http';
import { after, before, test } from 'node:test';
import { attach, type Server as EngineServer } from 'engine.io';
import { Socket as EngineClient } from 'engine.io-client';
import { listenLoopback, next, startProxy, waitFor, type Proxy } from '../support/harness.js';

let http: HttpServer;
let engine: EngineServer;
let proxy: Proxy;

before(async () => {
  http = createServer((_req, res) => res.writeHead(404).end('not engine.io'));
  engine = attach(http, { path: '/engine.io/' });
  engine.on('connection', (socket) => socket.on('message', (data: string | Buffer) => socket.send(data)));
  const { url } = await listenLoopback(http);
  proxy = await startProxy(url, { paths: ['/engine.io/'] });
});

after(async () => {
  await proxy.close();
  engine.close();
  http.closeAllConnections();
  await new Promise((r) => http.close(r));
});

for (const transports of [['polling'], ['websocket'], ['polling', 'websocket']]) {
  test(`raw Engine.IO echo over ${transports.join(' then ')}`, async () => {
    const client = new EngineClient(proxy.url, { path: '/engine.io/', transports });
    try {
      await next(client, 'open');
      const sid = client.id;
      const echoes: unknown[] = [];
      client.on('message', (d) => echoes.push(d));
      const bytes = Uint8Array.from([9, 8, 7, 0, 255]);
      client.send('not a socket.io packet');
      client.send(bytes);
      await waitFor(() => echoes.length === 2, 5000, 'two echoes');
      assert.equal(echoes[0], 'not a socket.io packet');
      assert.deepEqual([...new Uint8Array(echoes[1] as ArrayBuffer)], [...bytes]);
      const messages = proxy.events.filter(
        (e) => e.type === 'packet' && e.sessionId === sid && e.engine === 'message',
      );
      assert.ok(messages.length >= 4);
      assert.ok(messages.every((e) => e.type === 'packet' && e.raw === true && e.sio === undefined));
    } finally {
      client.close();
    }
  });
}

test('the default /socket.io/ path is not terminated when only /engine.io/ is', async () => {
  const res = await fetch(`${proxy.url}/socket.io/?EIO=4&transport=polling`);
  // Passed through to the app's own request handler, not answered as Engine.IO.
  assert.equal(res.status, 404);
  assert.equal(await res.text(), 'not engine.io');
  assert.equal(
    proxy.events.filter((e) => e.type === 'session' && e.handshake.url.startsWith('/socket.io/')).length,
    0,
  );
});
