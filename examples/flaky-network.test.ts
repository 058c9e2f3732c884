/**
 * Recipe (node:test): "a flaky network for a whole suite": latency and jitter on every session, as
 * soon as it appears, while the app's own tests run as they would.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { createProxy, type SioProxy } from 'sio-proxy';

let proxy: SioProxy;
let server: Server;

before(async () => {
  const http = createServer();
  server = new Server(http);
  server.on('connection', (s) => s.on('echo', (v: unknown, ack: (v: unknown) => void) => ack(v)));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  proxy = await createProxy({ target: `http://127.0.0.1:${(http.address() as AddressInfo).port}` });
  // Every WebSocket session gets 40 ms (+ up to 40 ms) each way, from its first packet on.
  proxy.on('connect', (e) => void proxy.fault(e.sessionId, { kind: 'latency', ms: 40, jitterMs: 40 }));
});

after(async () => {
  await proxy.close();
  server.close();
});

test('the app still works, only slower', async () => {
  const socket = io(proxy.url, { transports: ['websocket'] });
  try {
    await next(socket, 'connect');
    await proxy.waitFor({ type: 'intervention', action: 'fault-started' }, { since: 0 });
    const start = performance.now();
    assert.equal(await socket.timeout(2000).emitWithAck('echo', 'slow'), 'slow');
    // 40 ms there and 40 ms back at least.
    assert.ok(performance.now() - start >= 80, `round trip ${performance.now() - start} ms`);
  } finally {
    socket.close();
  }
});

/** The args of `socket`'s next `event`. */
function next(socket: Socket, event: string): Promise<unknown[]> {
  return new Promise((resolve) => socket.once(event, (...args: unknown[]) => resolve(args)));
}
