/** Recipe (node:test): "every `order:create` is acknowledged within 200 ms". */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { createProxy, type ProxyEvent } from 'sio-proxy';

test('every order:create is acknowledged within 200 ms', async () => {
  const http = createServer();
  const server = new Server(http);
  server.on('connection', (s) =>
    s.on('order:create', (order: unknown, ack: (r: unknown) => void) => ack({ ok: true, order })),
  );
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const proxy = await createProxy({ target: `http://127.0.0.1:${(http.address() as AddressInfo).port}` });
  const acks: ProxyEvent[] = [];
  proxy.on('ack', (e) => acks.push(e));
  const socket = io(proxy.url);
  try {
    await next(socket, 'connect');
    for (let i = 0; i < 20; i++) await socket.timeout(1000).emitWithAck('order:create', { id: i });
    await proxy.waitFor((e) => e.type === 'ack' && acks.length >= 20, { since: 0 });

    const orders = proxy.history({ type: 'ack', event: 'order:create' });
    assert.equal(orders.length, 20);
    for (const ack of orders)
      assert.ok(ack.type === 'ack' && ack.latency < 200, `ack ${JSON.stringify(ack)}`);
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
