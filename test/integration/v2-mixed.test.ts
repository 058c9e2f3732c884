/**
 * The mixed case: a socket.io@4 server with `allowEIO3: true` and a socket.io-client@2 client through
 * the proxy. The server speaks Engine.IO v3 and Socket.IO protocol v4 to this client: it connects it
 * to `/` implicitly, gives it the engine id as socket id, expects its pings, and reports middleware
 * errors as `err.data || err.message`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Socket as ServerSocket } from 'socket.io';
import type { V2ClientOptions, V2ClientSocket } from 'socket.io-client-v2';
import { sleep, startProxy, startTarget, type Proxy, type Target } from '../support/harness.js';
import {
  allBytes,
  bytesOf,
  clientV2,
  closeSuite,
  connectPair,
  describeEvents,
  emitWithAckV2,
  nextEvent,
  packetEvents,
  sessionEvents,
  upgradedPairV2,
} from '../support/v2-helpers.js';

type Ack = (...args: unknown[]) => void;

const MODES: Array<{ name: string; opts: V2ClientOptions; final: string }> = [
  { name: 'polling only', opts: { transports: ['polling'] }, final: 'polling' },
  { name: 'websocket only', opts: { transports: ['websocket'] }, final: 'websocket' },
  {
    name: 'polling upgraded to websocket',
    opts: { transports: ['polling', 'websocket'] },
    final: 'websocket',
  },
];

describe('socket.io@4 (allowEIO3) <-> socket.io-client@2 through the proxy', () => {
  let target: Target;
  let proxy: Proxy;
  const big = allBytes(4000);

  before(async () => {
    target = await startTarget({ allowEIO3: true, pingInterval: 200, pingTimeout: 300 });
    target.io.of('/').on('connection', (socket) => {
      socket.on('echo', (value: unknown, ack: Ack) => ack(value, socket.conn.transport.name));
      socket.on('upload', (data: unknown, ack: Ack) => {
        const bytes = bytesOf(data);
        ack(bytes ? Buffer.from(bytes).reverse() : 'not binary');
      });
    });
    target.io.of('/admin').use((socket, next) => {
      if (socket.handshake.query.token === 'good') return next();
      next(Object.assign(new Error('not authorized'), { data: { code: 'E_AUTH' } }));
    });
    proxy = await startProxy(target.url);
  });

  after(() => closeSuite(proxy, target));

  for (const mode of MODES) {
    describe(mode.name, () => {
      let client: V2ClientSocket;
      let server: ServerSocket;

      before(async () => {
        ({ client, server } = await connectPair<ServerSocket>(target.io.of('/'), proxy.url, {
          ...mode.opts,
          query: { who: 'v2-client' },
          extraHeaders: { 'x-mixed': 'yes' },
        }));
        if (mode.final === 'websocket') await upgradedPairV2(client, server);
      });
      after(() => client.close());

      test('EIO3 session, engine id as socket id on both sides, query and headers through', () => {
        const sid = client.io.engine.id;
        assert.equal(server.conn.protocol, 3, 'the target speaks Engine.IO v3 to this client');
        assert.equal(client.id, sid);
        assert.equal(server.id, sid, 'socket.io@4 gives EIO3 clients the engine id as socket id');
        assert.equal(server.handshake.query.who, 'v2-client');
        assert.equal(server.handshake.headers['x-mixed'], 'yes');
        const session = sessionEvents(proxy.events).find((e) => e.sessionId === sid);
        assert.equal(session?.eio, 3, describeEvents(proxy.events));
        assert.equal(session?.transport, mode.opts.transports?.[0]);
        assert.equal(client.io.engine.transport.name, mode.final);
      });

      test('emits and acks both ways', async () => {
        assert.deepEqual(await emitWithAckV2(client, 'echo', { a: ['€', 1] }), [{ a: ['€', 1] }, mode.final]);
        client.on('ask', ((q: string, ack: Ack) => ack(`re: ${q}`)) as (...a: never[]) => void);
        assert.deepEqual(await emitWithAckV2(server, 'ask', 'hi'), ['re: hi']);
      });

      test('binary both ways, byte for byte', async () => {
        const [ack] = await emitWithAckV2(client, 'upload', big);
        assert.ok(bytesOf(ack)?.equals(Buffer.from(big).reverse()), 'binary ack intact');
        client.on('down', ((data: unknown, cb: Ack) => cb(bytesOf(data)?.length ?? -1, data)) as (
          ...a: never[]
        ) => void);
        const [len, echoed] = await emitWithAckV2(server, 'down', big);
        assert.equal(len, big.length);
        assert.ok(bytesOf(echoed)?.equals(big), 'binary echoed back intact');
        const ps = packetEvents(proxy.events, client.io.engine.id);
        const up = ps.find((e) => e.direction === 'c2s' && e.sio?.event === 'upload');
        assert.equal(up?.sio?.type, 'BINARY_EVENT', describeEvents(ps));
        assert.deepEqual(up?.sio?.attachments, [big.length]);
        const errors = proxy.events.filter((e) => e.type === 'error' && e.sessionId === client.io.engine.id);
        assert.deepEqual(errors, [], 'no error reported for this session');
      });

      test('client pings keep the session alive past pingInterval + pingTimeout', async () => {
        const sid = client.io.engine.id;
        await sleep(1100);
        assert.ok(client.connected && server.connected, 'still connected');
        assert.equal(client.io.engine.id, sid);
        const ps = packetEvents(proxy.events, sid);
        const pings = ps.filter((e) => e.direction === 'c2s' && e.engine === 'ping' && e.data !== 'probe');
        const serverPings = ps.filter((e) => e.direction === 's2c' && e.engine === 'ping');
        assert.ok(pings.length >= 3, `client pings through the proxy: ${pings.length}`);
        assert.equal(serverPings.length, 0, 'the v4 server does not ping an EIO3 client');
      });
    });
  }

  for (const transports of [['polling'], ['websocket']] as const) {
    test(`middleware rejection (${transports[0]}): the same error payload as direct`, async () => {
      const errorOf = async (base: string) => {
        const client = clientV2(`${base}/admin`, { transports: [...transports], query: { token: 'bad' } });
        const [err] = await nextEvent(client, 'error');
        client.close();
        return err;
      };
      const direct = await errorOf(target.url);
      assert.deepEqual(direct, { code: 'E_AUTH' });
      assert.deepEqual(await errorOf(proxy.url), direct);
      const rejected = packetEvents(proxy.events).find(
        (e) => e.transport === transports[0] && e.sio?.type === 'CONNECT_ERROR' && e.sio.nsp === '/admin',
      );
      assert.deepEqual(rejected?.sio?.args, { code: 'E_AUTH' });
    });
  }

  test('an accepted namespace: /admin#<engine id> on both sides', async () => {
    const { client, server } = await connectPair<ServerSocket>(target.io.of('/admin'), `${proxy.url}/admin`, {
      transports: ['websocket'],
      query: { token: 'good' },
    });
    assert.equal(client.id, `/admin#${client.io.engine.id}`);
    assert.equal(server.id, client.id);
    client.close();
  });
});
