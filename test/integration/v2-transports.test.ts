/**
 * Engine.IO v3 through the proxy: socket.io@2 server, socket.io-client@2 client, over polling only,
 * WebSocket only, and polling upgraded to WebSocket. Ids, query, headers, emits and acks both ways,
 * and what the proxy publishes about the session.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { V2ClientOptions, V2ClientSocket } from 'socket.io-client-v2';
import type { V2ServerSocket } from 'socket.io-v2';
import { startProxy, waitFor, type Proxy } from '../support/harness.js';
import {
  closeSuite,
  connectPair,
  describeEvents,
  emitWithAckV2,
  packetEvents,
  sessionEvents,
  startV2Target,
  upgradedPairV2,
  upgradedV2,
  type V2Target,
} from '../support/v2-helpers.js';

type Ack = (...args: unknown[]) => void;

const MODES: Array<{ name: string; transports: V2ClientOptions['transports']; final: string }> = [
  { name: 'polling only', transports: ['polling'], final: 'polling' },
  { name: 'websocket only', transports: ['websocket'], final: 'websocket' },
  { name: 'polling upgraded to websocket', transports: ['polling', 'websocket'], final: 'websocket' },
];

describe('Engine.IO v3 transports through the proxy (socket.io@2 <-> socket.io-client@2)', () => {
  let target: V2Target;
  let proxy: Proxy;

  before(async () => {
    target = await startV2Target();
    target.io.on('connection', (socket: V2ServerSocket) => {
      socket.on('echo', (value: unknown, ack: Ack) =>
        ack({ echoed: value, transport: socket.conn.transport.name }),
      );
    });
    proxy = await startProxy(target.url);
  });

  after(() => closeSuite(proxy, target));

  for (const mode of MODES) {
    describe(mode.name, () => {
      let client: V2ClientSocket;
      let server: V2ServerSocket;

      before(async () => {
        ({ client, server } = await connectPair(target.io.sockets, proxy.url, {
          transports: mode.transports,
          query: { token: `q-${mode.final}`, 'with space': 'a b&c' },
          extraHeaders: { 'x-v2-test': `hdr-${mode.name}` },
        }));
        if (mode.final === 'websocket') await upgradedPairV2(client, server);
      });

      after(() => client.close());

      test('the socket id is the engine id, the same on both sides and in the proxy', () => {
        const sid = client.io.engine.id;
        assert.ok(sid, 'the client has an engine id');
        assert.equal(client.id, sid, 'protocol v4: the socket id on / is the engine id');
        assert.equal(server.id, client.id, 'server socket id equals client socket id');
        assert.equal(server.conn.id, sid, 'engine ids agree');
        const session = sessionEvents(proxy.events).find((e) => e.sessionId === sid);
        assert.ok(session, `the proxy announced session ${sid}:\n${describeEvents(proxy.events)}`);
        assert.equal(session.eio, 3);
        assert.equal(session.transport, mode.transports?.[0]);
        assert.equal(session.handshake.query.EIO, '3');
      });

      test('both sides run on the expected transport', () => {
        assert.equal(client.io.engine.transport.name, mode.final);
        assert.equal(server.conn.transport.name, mode.final);
      });

      test('query and extraHeaders reach the server', () => {
        assert.equal(server.handshake.query.token, `q-${mode.final}`);
        assert.equal(server.handshake.query['with space'], 'a b&c');
        assert.equal(server.handshake.headers['x-v2-test'], `hdr-${mode.name}`);
        // The proxy announces X-Forwarded-For; the target sees the proxy as its peer.
        assert.ok(server.handshake.headers['x-forwarded-for'], 'x-forwarded-for added by the proxy');
      });

      test('client -> server emit with ack', async () => {
        const payload = { text: 'héllo € 😀', n: 42, list: [1, null, 'x'], line: 'a\nb' };
        const [res] = await emitWithAckV2(client, 'echo', payload);
        assert.deepEqual(res, { echoed: payload, transport: mode.final });
      });

      test('server -> client emit with ack', async () => {
        client.on('question', ((q: string, ack: Ack) => ack(`answer to ${q}`, 7)) as (...a: never[]) => void);
        const res = await emitWithAckV2(server, 'question', 'life');
        assert.deepEqual(res, ['answer to life', 7]);
      });

      test('server -> client emit without ack, several in a row, in order', async () => {
        const got: number[] = [];
        client.on('seq', ((n: number) => got.push(n)) as (...a: never[]) => void);
        for (let i = 0; i < 20; i++) server.emit('seq', i);
        await waitFor(() => got.length === 20, 3000, '20 events');
        assert.deepEqual(
          got,
          Array.from({ length: 20 }, (_v, i) => i),
        );
      });

      test('the proxy decoded the Socket.IO packets of the session', async () => {
        const sid = client.io.engine.id;
        const events = await waitFor(
          () => {
            const ps = packetEvents(proxy.events, sid);
            return ps.some((e) => e.sio?.type === 'ACK' && e.direction === 'c2s') ? ps : undefined;
          },
          2000,
          'the ack of "question" on the bus',
        );
        const echo = events.find(
          (e) => e.direction === 'c2s' && e.sio?.type === 'EVENT' && e.sio.event === 'echo',
        );
        assert.ok(echo?.sio, `an EVENT "echo" from the client:\n${describeEvents(events)}`);
        assert.equal(echo.sio.nsp, '/');
        assert.equal(typeof echo.sio.id, 'number', 'the ack id is decoded');
        assert.equal(echo.transport, mode.final, 'reported on the transport it crossed');
        const ack = events.find(
          (e) => e.direction === 's2c' && e.sio?.type === 'ACK' && e.sio.id === echo.sio?.id,
        );
        assert.ok(ack, 'the ACK of "echo" from the server, with the same id');
        const question = events.find((e) => e.direction === 's2c' && e.sio?.event === 'question');
        assert.deepEqual(question?.sio?.args, ['question', 'life']);
        const connect = events.find((e) => e.direction === 's2c' && e.sio?.type === 'CONNECT');
        assert.ok(connect, 'the implicit CONNECT of / sent by the server (40)');
        const errors = proxy.events.filter((e) => e.type === 'error' && e.sessionId === sid);
        assert.deepEqual(errors, [], 'no error reported for this session');
      });
    });
  }

  test('the upgrade is reported by the proxy: probe and success on both legs, then frames on websocket', async () => {
    const { client } = await connectPair(target.io.sockets, proxy.url, {
      transports: ['polling', 'websocket'],
    });
    const sid = client.io.engine.id;
    await upgradedV2(client);
    const stages = await waitFor(
      () => {
        const ups = proxy.events.filter((e) => e.type === 'upgrade' && e.sessionId === sid);
        return ups.filter((u) => u.type === 'upgrade' && u.stage === 'success').length >= 2 ? ups : undefined;
      },
      3000,
      'upgrade success events',
    );
    const seen = stages.map((u) => (u.type === 'upgrade' ? `${u.leg}:${u.stage}` : ''));
    for (const expected of ['server:probe', 'client:probe', 'client:success', 'server:success'])
      assert.ok(seen.includes(expected), `upgrade events include ${expected} (got ${seen.join(', ')})`);
    const [res] = await emitWithAckV2(client, 'echo', 'after upgrade');
    assert.deepEqual(res, { echoed: 'after upgrade', transport: 'websocket' });
    const after = packetEvents(proxy.events, sid).filter((e) => e.sio?.event === 'echo');
    assert.equal(after.at(-1)?.transport, 'websocket', 'the last echo crossed on websocket');
    client.close();
  });
});
