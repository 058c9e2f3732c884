/**
 * Socket.IO v4 edge cases through the proxy, each compared with a direct connection to the same
 * target: what the client and the server see must match, and the proxy's events must say what
 * happened, at the time it happened.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Server } from 'socket.io';
import { io } from 'socket.io-client';
import { closeIoServer, once, serveEcho, startProxy, waitFor, type Proxy } from '../support/harness.js';
import { closeClient, sessionEvents, startEnv, VIAS, type Env, type Via } from '../support/v4-helpers.js';
import type { DisconnectEvent } from '../../shared/events.js';

/** A TCP forwarder in front of `port` whose traffic can be frozen: nothing passes, nothing closes. */
async function stallableLink(port: number): Promise<{ url: string; stall(): void; close(): void }> {
  const sockets: net.Socket[] = [];
  let stalled = false;
  const server = net.createServer((down) => {
    const up = net.connect(port, '127.0.0.1');
    sockets.push(down, up);
    for (const [from, to] of [
      [down, up],
      [up, down],
    ] as const) {
      from.on('data', (chunk: Buffer) => void (stalled || to.write(chunk)));
      from.on('end', () => void (stalled || to.end()));
      from.on('close', () => void (stalled || to.destroy()));
      from.on('error', () => {});
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    stall: () => (stalled = true),
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

describe('v4 a client whose network stalls until the heartbeat gives up', () => {
  let env: Env;
  const serverReasons = new Map<string, string>();
  before(async () => {
    env = await startEnv({ pingInterval: 200, pingTimeout: 200 });
    env.target.io.on('connection', (s) => s.on('disconnect', (r) => serverReasons.set(s.id, r)));
  });
  after(() => env.close());

  /** Connects through a link to `via`, stalls the link, and collects both sides' reasons. */
  async function stall(via: Via, transports: string[]) {
    const link = await stallableLink(Number(new URL(env.url(via)).port));
    env.defer(() => link.close());
    const client = io(link.url, { forceNew: true, reconnection: false, transports });
    env.defer(() => closeClient(client));
    await once(client, 'connect');
    const id = client.id ?? '';
    const sid = client.io.engine.id;
    const clientReason = once<string>(client, 'disconnect', 3000);
    link.stall();
    const client_ = await clientReason;
    const server = await waitFor(() => serverReasons.get(id), 3000, 'the server-side disconnect');
    return { client: client_, server, sid, at: Date.now() };
  }

  for (const transports of [['polling'], ['websocket']]) {
    const name = transports[0];
    test(`${name}: both sides give up with 'ping timeout', and the proxy says so`, async () => {
      const [direct, proxied] = await Promise.all(VIAS.map((via) => stall(via, transports)));
      assert.ok(direct && proxied);
      assert.deepEqual([direct.client, direct.server], ['ping timeout', 'ping timeout']);
      assert.deepEqual([proxied.client, proxied.server], [direct.client, direct.server]);
      // Over polling nothing crosses any more, so the proxy can only learn it from the silence; over
      // WebSocket the target's close frame says it at once, answered or not.
      const within = name === 'polling' ? 16_000 : 1000;
      const disconnect = await waitFor(
        () =>
          env.proxy.events.find(
            (e): e is DisconnectEvent => e.type === 'disconnect' && e.sessionId === proxied.sid,
          ),
        within,
        'the proxy to report the disconnect',
      );
      assert.equal(disconnect.serverReason, 'ping timeout', JSON.stringify(disconnect));
      assert.equal(disconnect.leg, 'server', 'the server gives up first: its pong is due sooner');
      if (name === 'polling') assert.equal(disconnect.clientReason, 'ping timeout');
    });
  }
});

describe('v4 a target given by its IPv6 address (http://[::1]:PORT)', () => {
  const http = createServer((req, res) => {
    if (req.url === '/page') res.end('the app page');
  });
  const target = new Server(http);
  serveEcho(target);
  let proxy: Proxy | undefined;
  let skip: string | undefined;
  before(async () => {
    try {
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(0, '::1', resolve);
      });
    } catch (err) {
      skip = `no IPv6 loopback here: ${(err as Error).message}`;
      return;
    }
    proxy = await startProxy(`http://[::1]:${(http.address() as net.AddressInfo).port}`);
  });
  after(async () => {
    await proxy?.close();
    if (!skip) await closeIoServer(target, http);
  });

  for (const transports of [['polling'], ['websocket']]) {
    test(`${transports[0]}: sessions are relayed and observed`, async (t) => {
      if (skip || !proxy) return t.skip(skip);
      const client = io(proxy.url, { forceNew: true, reconnection: false, transports });
      try {
        await once(client, 'connect', 3000);
        assert.equal(await client.timeout(2000).emitWithAck('echo', 'v6'), 'v6');
        const sid = client.io.engine.id;
        assert.ok(sessionEvents(proxy.events).some((e) => e.sessionId === sid));
      } finally {
        closeClient(client);
      }
    });
  }

  test('pages go through the pass-through', async (t) => {
    if (skip || !proxy) return t.skip(skip);
    const res = await fetch(`${proxy.url}/page`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'the app page');
  });
});

describe('v4 a target given as http://localhost:PORT/a/path while it listens on 127.0.0.1', () => {
  let env: Env;
  let proxy: Proxy;
  before(async () => {
    env = await startEnv();
    serveEcho(env.target.io);
    proxy = await startProxy(`http://localhost:${env.target.port}/a/path`);
  });
  after(async () => {
    await proxy.close();
    await env.close();
  });

  for (const transports of [['polling'], ['websocket'], ['polling', 'websocket']]) {
    test(`${transports.join('+')}: the path is not prepended, sessions are relayed and observed`, async () => {
      const client = io(proxy.url, { forceNew: true, reconnection: false, transports });
      try {
        await once(client, 'connect', 3000);
        assert.equal(await client.timeout(2000).emitWithAck('echo', 'here'), 'here');
        const sid = client.io.engine.id;
        assert.ok(sessionEvents(proxy.events).some((e) => e.sessionId === sid));
        assert.ok(!proxy.events.some((e) => e.type === 'error'), 'no error events');
      } finally {
        closeClient(client);
      }
    });
  }
});
