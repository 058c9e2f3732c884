/**
 * Socket.IO v4 messaging through the proxy, over each transport: emits and acks both ways, binary
 * byte for byte, large text, ordering, rooms and broadcasts, and what the server learns of the client
 * at the handshake (query, auth, headers, cookies).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Socket as ServerSocket } from 'socket.io';
import type { Socket } from 'socket.io-client';
import { once, sleep, waitFor } from '../support/harness.js';
import { bigText, random, startEnv, toBuffer, VIAS, type Env, type Via } from '../support/v4-helpers.js';

type Ack = (...args: unknown[]) => void;

const TRANSPORTS = [['polling'], ['websocket']] as const;

describe('v4 emits and acks', () => {
  let env: Env;
  before(async () => {
    env = await startEnv();
    env.target.io.on('connection', (socket) => {
      socket.on('echo', (...args: unknown[]) => (args.pop() as Ack)(...args));
      socket.on('sum', (a: number, b: number, ack: Ack) => ack(a + b));
      socket.on(
        'binary-in',
        (payload: { a: unknown; list: [unknown, { deep: unknown }] }, last: unknown, ack: Ack) =>
          ack({
            a: toBuffer(payload.a).toString('hex'),
            list0: toBuffer(payload.list[0]).toString('hex'),
            deep: toBuffer(payload.list[1].deep).toString('hex'),
            last: toBuffer(last).toString('hex'),
          }),
      );
      socket.on('binary-echo', (...args: unknown[]) => {
        const ack = args.pop() as Ack;
        ack(args); // all the arguments back, as one array
      });
      socket.on('text-length', (text: string, ack: Ack) => ack(text.length, Buffer.byteLength(text)));
    });
  });
  after(() => env.close());

  for (const transports of TRANSPORTS) {
    const name = transports[0];

    test(`${name}: client -> server emit with ack, several arguments`, async () => {
      const client = await env.connect('proxy', { transports: [...transports] });
      const args = ['a', 1, { nested: { x: [true, null] } }, [1, 2, 3]];
      const reply = await new Promise<unknown[]>((resolve) =>
        client.emit('echo', ...args, (...r: unknown[]) => resolve(r)),
      );
      assert.deepEqual(reply, args);
      assert.equal(await client.timeout(2000).emitWithAck('sum', 2, 40), 42);
    });

    test(`${name}: server -> client emit with ack (emitWithAck and timeout)`, async () => {
      const { client, server } = await env.pair('proxy', { transports: [...transports] });
      client.on('ask', (q: string, ack: Ack) => ack(`answer to ${q}`, { ok: true }));
      assert.equal(await server.emitWithAck('ask', 'one'), 'answer to one');
      assert.equal(await server.timeout(2000).emitWithAck('ask', 'two'), 'answer to two');
      const both = await new Promise<unknown[]>((resolve) =>
        server.emit('ask', 'three', (...r: unknown[]) => resolve(r)),
      );
      assert.deepEqual(both, ['answer to three', { ok: true }]);
      // No ack from the client: the server's timeout fires as it would directly.
      client.on('ignored', () => {});
      await assert.rejects(server.timeout(200).emitWithAck('ignored'), /operation has timed out/);
    });

    test(`${name}: binary in args and in acks, byte for byte, several nested attachments`, async () => {
      const client = await env.connect('proxy', { transports: [...transports] });
      const a = random(1024);
      const b = random(1);
      const deep = random(70_000);
      const last = random(0);
      const reply = (await client
        .timeout(3000)
        .emitWithAck('binary-in', { a, list: [b, { deep }] }, last)) as Record<string, string>;
      assert.deepEqual(reply, {
        a: a.toString('hex'),
        list0: b.toString('hex'),
        deep: deep.toString('hex'),
        last: last.toString('hex'),
      });
      // Binary coming back in the ack, nested in the same shapes.
      const x = random(4096);
      const y = random(3);
      const echoed = (await client.timeout(3000).emitWithAck('binary-echo', [x, { y }], 'text')) as [
        [unknown, { y: unknown }],
        string,
      ];
      assert.ok(toBuffer(echoed[0][0]).equals(x), 'first attachment of the ack');
      assert.ok(toBuffer(echoed[0][1].y).equals(y), 'nested attachment of the ack');
      assert.equal(echoed[1], 'text');
    });

    test(`${name}: server -> client binary with a binary ack`, async () => {
      const { client, server } = await env.pair('proxy', { transports: [...transports] });
      const blob = random(50_000);
      client.on('blob', (value: { data: unknown; more: unknown[] }, ack: Ack) => {
        const data = toBuffer(value.data);
        ack(
          Buffer.from(data).reverse(),
          value.more.map((m) => toBuffer(m).length),
        );
      });
      const more = [random(10), random(20)];
      const [reversed, sizes] = (await new Promise<unknown[]>((resolve) =>
        server
          .timeout(3000)
          .emit('blob', { data: blob, more }, (err: Error | null, ...r: unknown[]) =>
            resolve(err ? [err] : r),
          ),
      )) as [unknown, number[]];
      assert.ok(toBuffer(reversed).equals(Buffer.from(blob).reverse()), 'the reversed blob came back intact');
      assert.deepEqual(sizes, [10, 20]);
    });

    test(`${name}: a 200 KB text payload arrives byte-identical both ways`, async () => {
      const { client, server } = await env.pair('proxy', { transports: [...transports] });
      const text = bigText(200_000);
      const serverGot = once<string>(server, 'big', 5000);
      client.emit('big', text);
      assert.equal(await serverGot, text, 'client -> server');
      const [len, bytes] = (await new Promise<unknown[]>((resolve) =>
        client.emit('text-length', text, (...r: unknown[]) => resolve(r)),
      )) as [number, number];
      assert.equal(len, text.length);
      assert.equal(bytes, Buffer.byteLength(text));
      const clientGot = once<string>(client, 'big', 5000);
      server.emit('big', text);
      assert.equal(await clientGot, text, 'server -> client');
    });

    test(`${name}: 1000 numbered messages each way arrive in order, none lost or duplicated`, async () => {
      const { client, server } = await env.pair('proxy', { transports: [...transports] });
      const N = 1000;
      const atServer: number[] = [];
      server.on('n', (i: number) => atServer.push(i));
      const atClient: number[] = [];
      client.on('n', (i: number) => atClient.push(i));
      for (let i = 0; i < N; i++) {
        client.emit('n', i);
        server.emit('n', i);
      }
      await waitFor(() => atServer.length >= N && atClient.length >= N, 8000, '1000 messages each way');
      await sleep(50); // anything duplicated would show up right behind
      const expected = Array.from({ length: N }, (_, i) => i);
      assert.deepEqual(atServer, expected, 'client -> server order');
      assert.deepEqual(atClient, expected, 'server -> client order');
    });
  }
});

describe('v4 ordering across the polling -> websocket upgrade', () => {
  let env: Env;
  before(async () => {
    env = await startEnv();
  });
  after(() => env.close());

  test('1000 numbered messages each way, sent while the upgrade happens, arrive in order once', async () => {
    const { client, server } = await env.pair('proxy');
    const N = 1000;
    const atServer: number[] = [];
    server.on('n', (i: number) => atServer.push(i));
    const atClient: number[] = [];
    client.on('n', (i: number) => atClient.push(i));
    // In batches from the moment the session opens: some before, some during, some after the switch.
    for (let batch = 0; batch < 10; batch++) {
      for (let i = batch * 100; i < (batch + 1) * 100; i++) {
        client.emit('n', i);
        server.emit('n', i);
      }
      await sleep(10);
    }
    await waitFor(() => atServer.length >= N && atClient.length >= N, 8000, '1000 messages each way');
    await sleep(50);
    const expected = Array.from({ length: N }, (_, i) => i);
    assert.deepEqual(atServer, expected, 'client -> server order');
    assert.deepEqual(atClient, expected, 'server -> client order');
    assert.equal(client.io.engine.transport.name, 'websocket', 'the upgrade happened meanwhile');
  });
});

describe('v4 websocket with permessage-deflate, large compressible messages', () => {
  let env: Env;
  const SIZE = 2_000_000; // above the proxy's 1 MB high-water mark, compresses to a few KB
  before(async () => {
    env = await startEnv({ perMessageDeflate: true, maxHttpBufferSize: 1e7 });
    env.target.io.on('connection', (socket) => {
      socket.on('big', (text: string, ack: Ack) => ack(text.length));
      socket.on('send-big', (n: number) => {
        for (let i = 0; i < n; i++) socket.emit('big', String(i).repeat(SIZE));
      });
    });
  });
  after(() => env.close());

  test('compression is negotiated on the client leg as it is directly', async () => {
    const clients = await Promise.all(VIAS.map((via) => env.connect(via, { transports: ['websocket'] })));
    const extensions = clients.map(
      (c) => (c.io.engine.transport as unknown as { ws: { extensions: string } }).ws.extensions,
    );
    assert.match(extensions[0] ?? '', /permessage-deflate/);
    assert.equal(extensions[1], extensions[0]);
  });

  test('client -> server: three 2 MB messages in a row all arrive', async () => {
    const client = await env.connect('proxy', { transports: ['websocket'] });
    for (let i = 0; i < 3; i++) {
      const length = await client.timeout(3000).emitWithAck('big', 'a'.repeat(SIZE));
      assert.equal(length, SIZE, `message ${i}`);
    }
  });

  test('server -> client: three 2 MB messages in a row all arrive', async () => {
    const client = await env.connect('proxy', { transports: ['websocket'] });
    const got: number[] = [];
    client.on('big', (text: string) => got.push(text.length));
    client.emit('send-big', 3);
    await waitFor(() => got.length >= 3, 3000, `three big messages (got ${got.length})`).catch(
      () => undefined,
    );
    assert.deepEqual(got, [SIZE, SIZE, SIZE]);
    // And the session goes on: a small round trip afterwards still gets its answer.
    assert.equal(await client.timeout(2000).emitWithAck('big', 'after'), 5);
  });
});

describe('v4 rooms and broadcasts', () => {
  let env: Env;
  before(async () => {
    env = await startEnv();
    env.target.io.on('connection', (socket) => {
      socket.on('join', (room: string, ack: Ack) => {
        void socket.join(room);
        ack();
      });
      socket.on('shout', (room: string, msg: string) => socket.to(room).emit('heard', msg));
      socket.on('shout-all', (msg: string) => socket.broadcast.emit('heard', msg));
    });
  });
  after(() => env.close());

  /** Collects `heard` and `room-msg` per client; a final `marker` to all proves later absences. */
  function record(client: Socket): string[] {
    const got: string[] = [];
    client.on('heard', (m: string) => got.push(`heard:${m}`));
    client.on('room-msg', (m: string) => got.push(`room:${m}`));
    client.on('marker', () => got.push('marker'));
    return got;
  }

  test('to a room, to a room except the sender, and to everyone but the sender', async () => {
    // Mixed transports and one direct client: the proxy must not change who receives what.
    const clients = await Promise.all([
      env.connect('proxy', { transports: ['polling'] }),
      env.connect('proxy', { transports: ['websocket'] }),
      env.connect('proxy'),
      env.connect('direct'),
    ]);
    const [c0, c1, c2, c3] = clients as [Socket, Socket, Socket, Socket];
    const got = clients.map(record);
    await c0.timeout(2000).emitWithAck('join', 'red');
    await c1.timeout(2000).emitWithAck('join', 'red');
    await c3.timeout(2000).emitWithAck('join', 'red');

    env.target.io.to('red').emit('room-msg', 'r1');
    c0.emit('shout', 'red', 'from-c0');
    c2.emit('shout-all', 'from-c2');
    // Each client's events arrive in order: once the marker is in, anything else would be too.
    await sleep(100);
    env.target.io.emit('marker');
    await waitFor(() => got.every((g) => g.includes('marker')), 3000, 'markers');
    const sorted = got.map((g) => [...g].sort());
    assert.deepEqual(sorted[0], ['heard:from-c2', 'marker', 'room:r1'], 'c0 (red, sender)');
    assert.deepEqual(sorted[1], ['heard:from-c0', 'heard:from-c2', 'marker', 'room:r1'], 'c1 (red)');
    assert.deepEqual(sorted[2], ['marker'], 'c2 (no room, sender of the broadcast)');
    assert.deepEqual(sorted[3], ['heard:from-c0', 'heard:from-c2', 'marker', 'room:r1'], 'c3 (red, direct)');
  });

  test('server-side socket.to(room) from a proxied socket reaches only the room', async () => {
    const [a, b] = await Promise.all([env.pair('proxy'), env.pair('proxy')]);
    await a.server.join('blue');
    const gotA = record(a.client);
    const gotB = record(b.client);
    b.server.to('blue').emit('room-msg', 'to-blue');
    env.target.io.emit('marker');
    await waitFor(() => gotA.includes('marker') && gotB.includes('marker'), 3000, 'markers');
    assert.deepEqual(gotA, ['room:to-blue', 'marker']);
    assert.deepEqual(gotB, ['marker']);
  });
});

describe('v4 what the server learns at the handshake', () => {
  let env: Env;
  before(async () => {
    env = await startEnv();
  });
  after(() => env.close());

  const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'host', 'upgrade']);

  async function handshakeVia(via: Via, transports: string[]): Promise<ServerSocket['handshake']> {
    const { server } = await env.pair(via, {
      transports,
      query: { q: 'question', list: 'a,b' },
      auth: { token: 'secret', nested: { n: 1 } },
      extraHeaders: { 'x-custom': 'custom value', cookie: 'a=b; c=d' },
    });
    return server.handshake;
  }

  for (const transports of TRANSPORTS) {
    const name = transports[0];
    test(`${name}: query, auth, extra headers and cookies reach the server as they do directly`, async () => {
      const [direct, proxied] = await Promise.all(VIAS.map((via) => handshakeVia(via, [...transports])));
      assert.ok(direct && proxied);
      assert.equal(proxied.query.q, 'question');
      assert.equal(proxied.query.list, 'a,b');
      const { t: _t1, ...directQuery } = direct.query;
      const { t: _t2, ...proxiedQuery } = proxied.query;
      assert.deepEqual(proxiedQuery, directQuery, 'the whole query but the cache-buster');
      assert.deepEqual(proxied.auth, { token: 'secret', nested: { n: 1 } });
      assert.deepEqual(proxied.auth, direct.auth);
      assert.equal(proxied.headers['x-custom'], 'custom value');
      assert.equal(proxied.headers.cookie, 'a=b; c=d');
      for (const [key, value] of Object.entries(direct.headers)) {
        if (HOP_BY_HOP.has(key) || key === 'sec-websocket-key') continue;
        assert.deepEqual(proxied.headers[key], value, `header ${key}`);
      }
      assert.equal(proxied.headers['x-forwarded-for'], '127.0.0.1', 'x-forwarded-for names the client');
      assert.equal(direct.headers['x-forwarded-for'], undefined);
      assert.equal(proxied.secure, direct.secure);
      assert.equal(proxied.xdomain, direct.xdomain);
      assert.equal(proxied.url.replace(/&t=[^&]*/, ''), direct.url.replace(/&t=[^&]*/, ''));
    });
  }
});
