/**
 * Socket.IO v4 namespaces through the proxy: auth, middlewares that accept or reject (the client
 * must get the same connect_error as directly), several namespaces on one Engine.IO session, and
 * dynamic namespaces.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { waitFor } from '../support/harness.js';
import {
  connectError,
  engineId,
  packetEvents,
  startEnv,
  VIAS,
  type Env,
  type Via,
} from '../support/v4-helpers.js';

type Ack = (...args: unknown[]) => void;

describe('v4 namespaces', () => {
  let env: Env;
  before(async () => {
    env = await startEnv();
    const { io } = env.target;
    io.on('connection', (socket) => socket.on('where', (ack: Ack) => ack(socket.nsp.name)));

    const admin = io.of('/admin');
    admin.use((socket, next) => {
      const auth = socket.handshake.auth as { token?: string };
      if (auth.token === 'let-me-in') return next();
      const err = new Error('not authorized') as Error & { data?: unknown };
      err.data = { code: 4001, hint: ['token', 'missing'], token: auth.token ?? null };
      next(err);
    });
    admin.on('connection', (socket) => {
      socket.on('where', (ack: Ack) => ack(socket.nsp.name, socket.handshake.auth));
    });

    // A namespace whose middleware rejects with a bare Error (no data).
    io.of('/closed').use((_socket, next) => next(new Error('closed for maintenance')));

    io.of(/^\/dyn-\d+$/).on('connection', (socket) => {
      socket.on('where', (ack: Ack) => ack(socket.nsp.name));
    });
  });
  after(() => env.close());

  async function rejection(via: Via, nsp: string, opts = {}) {
    const client = env.client(via, opts, nsp);
    return connectError(client);
  }

  for (const transports of [['polling'], ['websocket']]) {
    const name = transports[0];

    test(`${name}: a middleware rejection gives the same connect_error message and data as direct`, async () => {
      const [direct, proxied] = await Promise.all(
        VIAS.map((via) => rejection(via, '/admin', { transports, auth: { token: 'wrong' } })),
      );
      assert.deepEqual(direct, {
        message: 'not authorized',
        data: { code: 4001, hint: ['token', 'missing'], token: 'wrong' },
      });
      assert.deepEqual(proxied, direct);
    });

    test(`${name}: a rejection without data and an unknown namespace match direct too`, async () => {
      for (const nsp of ['/closed', '/nowhere']) {
        const [direct, proxied] = await Promise.all(VIAS.map((via) => rejection(via, nsp, { transports })));
        assert.ok(direct?.message, `${nsp}: rejected directly`);
        assert.deepEqual(proxied, direct, nsp);
      }
    });

    test(`${name}: auth that passes the middleware connects to the namespace`, async () => {
      const auth = { token: 'let-me-in', extra: { n: [1, 2] } };
      const { client, server } = await env.pair('proxy', { transports, auth }, '/admin');
      assert.equal(server.nsp.name, '/admin');
      assert.deepEqual(server.handshake.auth, auth);
      assert.deepEqual(
        await new Promise((resolve) => client.emit('where', (...r: unknown[]) => resolve(r))),
        ['/admin', auth],
      );
    });
  }

  test('several namespaces share one Engine.IO session through the proxy', async () => {
    const root = env.client('proxy', { transports: ['websocket'] });
    const admin = root.io.socket('/admin', { auth: { token: 'let-me-in' } });
    const dyn = root.io.socket('/dyn-42');
    admin.connect();
    dyn.connect();
    await waitFor(() => root.connected && admin.connected && dyn.connected, 3000, 'three namespaces');
    try {
      const server = (nsp: string, id: string | undefined) => env.target.io.of(nsp).sockets.get(id ?? '');
      const servers = [server('/', root.id), server('/admin', admin.id), server('/dyn-42', dyn.id)];
      const engineIds = servers.map((s) => (s ? engineId(s) : undefined));
      assert.deepEqual(engineIds, [root.io.engine.id, root.io.engine.id, root.io.engine.id]);
      assert.equal(await root.timeout(2000).emitWithAck('where'), '/');
      assert.equal(await admin.timeout(2000).emitWithAck('where'), '/admin');
      assert.equal(await dyn.timeout(2000).emitWithAck('where'), '/dyn-42');
      // The proxy decoded each namespace's CONNECT on the one session.
      const connects = packetEvents(env.proxy.events, root.io.engine.id)
        .filter((p) => p.direction === 'c2s' && p.sio?.type === 'CONNECT')
        .map((p) => p.sio?.nsp)
        .sort();
      assert.deepEqual(connects, ['/', '/admin', '/dyn-42']);
    } finally {
      admin.disconnect();
      dyn.disconnect();
    }
  });

  test('leaving one namespace keeps the others and the session alive', async () => {
    const root = env.client('proxy');
    const admin = root.io.socket('/admin', { auth: { token: 'let-me-in' } });
    admin.connect();
    await waitFor(() => root.connected && admin.connected, 3000, 'two namespaces');
    const adminServer = env.target.io.of('/admin').sockets.get(admin.id ?? '');
    assert.ok(adminServer);
    const reason = new Promise((resolve) => adminServer.once('disconnect', resolve));
    admin.disconnect();
    assert.equal(await reason, 'client namespace disconnect');
    assert.equal(root.connected, true);
    assert.equal(await root.timeout(2000).emitWithAck('where'), '/');
  });
});
