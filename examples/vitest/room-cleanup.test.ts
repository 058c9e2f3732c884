/**
 * Recipe (vitest): "my server cleans up a user's room membership after a ping timeout". The proxy
 * withholds the client's heartbeats from the server (`server-ping-timeout`), so the real socket.io
 * server times the client out and must drop it from its rooms.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io, type Socket as ClientSocket } from 'socket.io-client';
import { Server, type Socket } from 'socket.io';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { createProxy, type ConnectEvent, type SioProxy } from 'sio-proxy';

let server: Server;
let proxy: SioProxy;
let client: ClientSocket;

beforeEach(async () => {
  const http = createServer();
  // Short heartbeats so that the timeout comes in about a second.
  server = new Server(http, { pingInterval: 500, pingTimeout: 500 });
  // The app under test: a user joins their own room on connect.
  server.on('connection', (socket) => void socket.join(`user:${socket.handshake.auth.user}`));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  proxy = await createProxy({ target: `http://127.0.0.1:${(http.address() as AddressInfo).port}` });
  client = io(proxy.url, { transports: ['websocket'], auth: { user: 'alice' }, reconnection: false });
});

afterEach(async () => {
  client.close();
  await proxy.close();
  await new Promise((r) => server.close(r));
});

test('the server removes the user from their room after a ping timeout', async () => {
  const connect = (await proxy.waitFor({ type: 'connect', nsp: '/' }, { since: 0 })) as ConnectEvent;
  expect(server.of('/').adapter.rooms.get('user:alice')?.size).toBe(1);

  const serverReason = new Promise<string>((resolve) =>
    server.of('/').sockets.forEach((s: Socket) => s.once('disconnect', resolve)),
  );
  await proxy.fault(connect.sessionId, { kind: 'server-ping-timeout' });

  expect(await serverReason).toBe('ping timeout');
  expect(server.of('/').adapter.rooms.has('user:alice')).toBe(false);
  // The proxy names the same reason for the session's end.
  const close = await proxy.waitFor({ type: 'close', sessionId: connect.sessionId }, { since: 0 });
  expect(close).toMatchObject({ serverReason: 'ping timeout' });
});
