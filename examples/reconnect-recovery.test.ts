/**
 * Recipe (node:test): "my client reconnects after the transport drops, and `socket.recovered` is
 * true". The app's server has connection state recovery on; the proxy cuts the connection.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { createProxy } from 'sio-proxy';

test('the client reconnects after the transport drops and recovers its session', async () => {
  // The app under test.
  const http = createServer();
  const server = new Server(http, { connectionStateRecovery: {} });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const proxy = await createProxy({ target: `http://127.0.0.1:${(http.address() as AddressInfo).port}` });
  const socket = io(proxy.url, { transports: ['websocket'], reconnectionDelay: 100 });
  try {
    await next(socket, 'connect');
    // Recovery needs something received before the drop: a broadcast carries the offset.
    const news = next(socket, 'news');
    server.emit('news', 'before the drop');
    await news;

    const { sessionId } = await proxy
      .waitFor({ type: 'connect', nsp: '/' }, { since: 0 })
      .then((e) => e as { sessionId: string });
    await proxy.fault(sessionId, { kind: 'close-transport' });
    const [reason] = await next(socket, 'disconnect');
    assert.equal(reason, 'transport close');

    await next(socket, 'connect');
    assert.equal(socket.recovered, true);
    // The proxy saw it too: the new session's CONNECT was a recovery.
    await proxy.waitFor({ type: 'connect', recovered: true }, { since: 0 });
  } finally {
    socket.close();
    await proxy.close();
    server.close();
  }
});

/** The args of `socket`'s next `event`. */
function next(socket: Socket, event: string): Promise<unknown[]> {
  return new Promise((resolve) => socket.once(event, (...args: unknown[]) => resolve(args)));
}
