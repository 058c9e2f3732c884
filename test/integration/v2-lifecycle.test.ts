/**
 * Engine.IO v3 session life through the proxy (socket.io@2 <-> socket.io-client@2): namespaces and a
 * middleware that rejects, disconnects from either side, client-driven heartbeats, and a target
 * that restarts under a connected client.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { V2ClientOptions } from 'socket.io-client-v2';
import type { V2ServerSocket } from 'socket.io-v2';
import { sleep, startProxy, waitFor, type Proxy } from '../support/harness.js';
import {
  clientV2,
  closeSuite,
  connectPair,
  describeEvents,
  emitWithAckV2,
  nextEvent,
  packetEvents,
  sessionEvents,
  startV2Target,
  type V2Target,
} from '../support/v2-helpers.js';

type Ack = (...args: unknown[]) => void;

const TRANSPORTS: Array<{ name: string; transports: NonNullable<V2ClientOptions['transports']> }> = [
  { name: 'polling', transports: ['polling'] },
  { name: 'websocket', transports: ['websocket'] },
];

describe('Engine.IO v3 namespaces and disconnects through the proxy', () => {
  let target: V2Target;
  let proxy: Proxy;

  before(async () => {
    target = await startV2Target();
    target.io.of('/admin').use((socket, next) => {
      if (socket.handshake.query.token === 'good') return next();
      next(
        Object.assign(new Error('not authorized'), {
          data: { code: 'E_AUTH', token: socket.handshake.query.token },
        }),
      );
    });
    target.io.of('/plain').use((_socket, next) => next(new Error('plain refusal')));
    target.io.of('/admin').on('connection', (socket) => {
      socket.on('whoami', (ack: Ack) => ack(socket.id, socket.nsp.name));
    });
    proxy = await startProxy(target.url);
  });

  after(() => closeSuite(proxy, target));

  /** The session's Socket.IO DISCONNECT packet, once the proxy has published it. */
  const disconnectOnBus = (sid: string) =>
    waitFor(
      () => packetEvents(proxy.events, sid).find((e) => e.sio?.type === 'DISCONNECT'),
      2000,
      'the DISCONNECT on the bus',
    );

  for (const { name, transports } of TRANSPORTS) {
    describe(name, () => {
      test('a rejecting middleware: the same `error` payload as direct, and CONNECT_ERROR on the bus', async () => {
        const errorOf = async (base: string, nsp: string) => {
          const client = clientV2(`${base}${nsp}`, { transports, query: { token: 'bad' } });
          const [err] = await nextEvent(client, 'error');
          client.close();
          return err;
        };
        for (const [nsp, expected] of [
          ['/admin', { code: 'E_AUTH', token: 'bad' }],
          ['/plain', 'plain refusal'],
        ] as const) {
          const direct = await errorOf(target.url, nsp);
          assert.deepEqual(direct, expected, 'socket.io@2 sends err.data || err.message');
          const through = await errorOf(proxy.url, nsp);
          assert.deepEqual(through, direct, `${nsp}: the error the client sees through the proxy`);
        }
        const errors = packetEvents(proxy.events).filter(
          (e) => e.direction === 's2c' && e.transport === name && e.sio?.type === 'CONNECT_ERROR',
        );
        const admin = errors.find((e) => e.sio?.nsp === '/admin');
        assert.deepEqual(admin?.sio?.args, { code: 'E_AUTH', token: 'bad' }, describeEvents(proxy.events));
        assert.equal(errors.find((e) => e.sio?.nsp === '/plain')?.sio?.args, 'plain refusal');
        const connects = packetEvents(proxy.events).filter(
          (e) => e.direction === 'c2s' && e.transport === name && e.sio?.type === 'CONNECT',
        );
        assert.ok(
          connects.some((e) => e.sio?.nsp === '/admin'),
          `the CONNECT 0/admin?token=bad, is reported on /admin (without its query): ${connects.map((e) => e.sio?.nsp).join(', ')}`,
        );
      });

      test('an accepted namespace: the id is /admin#<engine id> on both sides, the auth query reached the server', async () => {
        const { client, server } = await connectPair(target.io.of('/admin'), `${proxy.url}/admin`, {
          transports,
          query: { token: 'good' },
        });
        const sid = client.io.engine.id;
        assert.equal(client.id, `/admin#${sid}`);
        assert.equal(server.id, client.id);
        assert.equal(server.handshake.query.token, 'good');
        assert.deepEqual(await emitWithAckV2(client, 'whoami'), [client.id, '/admin']);
        const ps = packetEvents(proxy.events, sid);
        const event = ps.find((e) => e.direction === 'c2s' && e.sio?.event === 'whoami');
        assert.equal(event?.sio?.nsp, '/admin', describeEvents(ps));
        const ack = ps.find((e) => e.direction === 's2c' && e.sio?.type === 'ACK');
        assert.equal(ack?.sio?.nsp, '/admin');
        client.close();
      });

      test("server disconnect -> the client hears 'io server disconnect'", async () => {
        const { client, server } = await connectPair(target.io.sockets, proxy.url, { transports });
        const sid = client.io.engine.id;
        const clientReason = nextEvent(client, 'disconnect');
        const serverReason = nextEvent(server, 'disconnect');
        server.disconnect();
        assert.deepEqual(await clientReason, ['io server disconnect']);
        assert.deepEqual(await serverReason, ['server namespace disconnect']);
        const disconnect = await disconnectOnBus(sid);
        assert.equal(disconnect.direction, 's2c');
        assert.equal(disconnect.sio?.nsp, '/');
        client.close();
      });

      test("client disconnect -> the server hears 'client namespace disconnect'", async () => {
        const { client, server } = await connectPair(target.io.sockets, proxy.url, { transports });
        const sid = client.io.engine.id;
        const serverReason = nextEvent(server, 'disconnect');
        const clientReason = nextEvent(client, 'disconnect');
        client.disconnect();
        assert.deepEqual(await serverReason, ['client namespace disconnect']);
        assert.deepEqual(await clientReason, ['io client disconnect']);
        assert.equal((await disconnectOnBus(sid)).direction, 'c2s');
        const closed = await waitFor(
          () => proxy.events.find((e) => e.type === 'close' && e.sessionId === sid),
          2000,
          `a close event for ${sid}:\n${describeEvents(proxy.events.filter((e) => 'sessionId' in e && e.sessionId === sid))}`,
        );
        assert.equal(closed.type === 'close' ? closed.first : '', 'client', 'the client ended the session');
      });
    });
  }
});

describe('Engine.IO v3 heartbeats through the proxy (the client pings, the server pongs)', () => {
  let target: V2Target;
  let proxy: Proxy;

  before(async () => {
    // The target drops a client that does not ping within pingInterval + pingTimeout (400 ms).
    target = await startV2Target({ pingInterval: 200, pingTimeout: 200 });
    proxy = await startProxy(target.url);
  });

  after(() => closeSuite(proxy, target));

  for (const { name, transports } of TRANSPORTS) {
    test(`${name}: the session outlives several heartbeat windows`, async () => {
      const { client, server } = await connectPair(target.io.sockets, proxy.url, { transports });
      const sid = client.io.engine.id;
      const disconnects: unknown[] = [];
      client.on('disconnect', ((reason: unknown) => disconnects.push(reason)) as (...a: never[]) => void);
      server.on('disconnect', ((reason: unknown) => disconnects.push(`server: ${String(reason)}`)) as (
        ...a: never[]
      ) => void);
      await sleep(1300);
      assert.deepEqual(disconnects, [], 'nobody disconnected');
      assert.ok(client.connected && server.connected);
      assert.equal(client.io.engine.id, sid, 'still the same Engine.IO session');
      const session = sessionEvents(proxy.events).find((e) => e.sessionId === sid);
      assert.equal(session?.open.pingInterval, 200);
      assert.equal(session?.open.pingTimeout, 200);
      const ps = packetEvents(proxy.events, sid);
      const count = (dir: string, type: string) =>
        ps.filter((e) => e.direction === dir && e.engine === type && e.data !== 'probe').length;
      assert.ok(
        count('c2s', 'ping') >= 4,
        `the client pinged through the proxy (${count('c2s', 'ping')} pings)`,
      );
      assert.ok(
        count('s2c', 'pong') >= 4,
        `the server ponged through the proxy (${count('s2c', 'pong')} pongs)`,
      );
      assert.equal(count('s2c', 'ping'), 0, 'EIO3: the server never pings');
      assert.equal(count('c2s', 'pong'), 0, 'EIO3: the client never pongs');
      client.close();
    });
  }
});

describe('Engine.IO v3: the target restarts under a connected client', () => {
  let target: V2Target;
  let proxy: Proxy;

  const serve = (t: V2Target) =>
    t.io.on('connection', (socket: V2ServerSocket) => socket.on('echo', (v: unknown, ack: Ack) => ack(v)));

  before(async () => {
    target = await startV2Target();
    serve(target);
    proxy = await startProxy(target.url);
  });

  after(() => closeSuite(proxy, target));

  for (const { name, transports } of TRANSPORTS) {
    test(`${name}: the client reconnects through the proxy to the new target`, async () => {
      const { client } = await connectPair(target.io.sockets, proxy.url, {
        transports,
        reconnection: true,
        reconnectionDelay: 100,
        reconnectionDelayMax: 200,
        randomizationFactor: 0,
      });
      const firstSid = client.io.engine.id;
      const dropped = nextEvent(client, 'disconnect');
      const port = target.port;
      await target.close();
      const [reason] = await dropped;
      assert.ok(
        reason === 'transport close' || reason === 'transport error',
        `the client lost the target: ${String(reason)}`,
      );
      await sleep(300); // a few reconnection attempts meet the proxy with the target down
      target = await startV2Target({}, port);
      serve(target);
      const serverSide = new Promise<V2ServerSocket>((resolve) =>
        target.io.sockets.once('connection', resolve),
      );
      await nextEvent(client, 'connect', 5000);
      const server = await serverSide;
      const secondSid = client.io.engine.id;
      assert.notEqual(secondSid, firstSid, 'a new Engine.IO session');
      assert.equal(client.id, server.id, 'ids agree after the reconnect');
      assert.deepEqual(await emitWithAckV2(client, 'echo', 'again'), ['again']);
      const sessions = sessionEvents(proxy.events).map((e) => e.sessionId);
      assert.ok(sessions.includes(firstSid) && sessions.includes(secondSid), 'both sessions announced');
      assert.equal(sessionEvents(proxy.events).find((e) => e.sessionId === secondSid)?.eio, 3);
      const closed = proxy.events.find((e) => e.type === 'close' && e.sessionId === firstSid);
      assert.ok(
        closed,
        `the proxy reported the end of the first session:\n${describeEvents(proxy.events.filter((e) => 'sessionId' in e && e.sessionId === firstSid))}`,
      );
      client.close();
    });
  }
});
