/**
 * A Socket.IO message over the proxy's observation limit (16 MiB, proxy/engine/websocket-wire.ts
 * OBSERVE_LIMIT) between socket.io-client@4 and a socket.io@4 server that accepts it: relayed as it
 * came, left out of the record with an `error` event that says so (its size and direction), and the
 * packets after it observed as usual, a binary packet's included.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import type { ErrorEvent, PacketEvent } from '../../shared/events.js';
import { OBSERVE_LIMIT } from '../../proxy/engine/websocket-wire.js';
import { startProxy, startTarget, waitFor, type Proxy, type Target } from '../support/harness.js';

const BIG = OBSERVE_LIMIT + 4 * 1024 * 1024;

let target: Target;
let proxy: Proxy;
let client: Socket;

before(async () => {
  target = await startTarget({ maxHttpBufferSize: 64 * 1024 * 1024 });
  target.io.on('connection', (s) => {
    s.on('size', (v: string | Buffer, ack: (n: number) => void) => ack(v.length));
    s.on('give', (n: number, ack: (s: string) => void) => ack('z'.repeat(n)));
  });
  proxy = await startProxy(target.url);
  client = io(proxy.url, { transports: ['websocket'], reconnection: false });
  await new Promise<void>((r) => client.once('connect', () => r()));
});

after(async () => {
  client.close();
  await proxy.close();
  await target.close();
});

const packets = (event: string) =>
  proxy.events.filter((e): e is PacketEvent => e.type === 'packet' && e.sio?.event === event);
const errors = () => proxy.events.filter((e): e is ErrorEvent => e.type === 'error');

test('text both ways: relayed, an error event instead of the packet, the next one observed', async () => {
  assert.equal(await client.timeout(20_000).emitWithAck('size', 'y'.repeat(BIG)), BIG);
  const back = (await client.timeout(20_000).emitWithAck('give', BIG)) as string;
  assert.equal(back.length, BIG);
  assert.equal(await client.timeout(5000).emitWithAck('size', 'small'), 5);
  await waitFor(() => packets('size').length >= 1 && errors().length >= 2, 5000, 'the events');
  // The big EVENT is not in the record; the small one after it is, whole.
  assert.deepEqual(
    packets('size').map((p) => p.sio?.args),
    [['size', 'small']],
  );
  const said = errors().map((e) => e.message);
  assert.ok(
    said.some((m) => /message of [\d,]+ bytes \(c2s\) was relayed but not observed/.test(m)),
    said.join('\n'),
  );
  assert.ok(
    said.some((m) => /\(s2c\) was relayed but not observed/.test(m)),
    said.join('\n'),
  );
});

test('a binary attachment over the limit: the packet is left out, said, and the next binary packet is read right', async () => {
  const before = errors().length;
  assert.equal(await client.timeout(20_000).emitWithAck('size', Buffer.alloc(BIG, 7)), BIG);
  assert.equal(await client.timeout(5000).emitWithAck('size', Buffer.from([1, 2, 3])), 3);
  await waitFor(() => packets('size').length >= 2, 5000, 'the small binary packet');
  const last = packets('size').at(-1)!;
  assert.equal(last.sio?.type, 'BINARY_EVENT');
  assert.deepEqual(last.sio?.attachments, [3]);
  const said = errors()
    .slice(before)
    .map((e) => e.message);
  assert.ok(
    said.some((m) => /not observed.*the binary packet it belonged to is left out too/.test(m)),
    said.join('\n'),
  );
});
