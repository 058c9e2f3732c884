/**
 * Socket.IO v4 disconnects through the proxy. Every way a session ends must end it the same way as a
 * direct connection to the same target: the same reason on the client and on the server, and the
 * proxy's `close` event must say which side ended it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Socket as ServerSocket } from 'socket.io';
import type { Socket } from 'socket.io-client';
import { once, sleep, waitFor } from '../support/harness.js';
import {
  closeEvents,
  engineId,
  FAST_RECONNECT,
  packetEvents,
  pollingHandshake,
  rawWebSocket,
  startEnv,
  stopServerPings,
  suppressPongs,
  VIAS,
  type ClientOptions,
  type Env,
  type Via,
} from '../support/v4-helpers.js';
import type { CloseEvent, Direction, Leg } from '../../shared/events.js';

const TRANSPORTS = [['polling'], ['websocket']] as const;

interface Outcome {
  client: string;
  server: string;
  sid: string;
}

/** Connects, runs `end` on the pair, and collects both sides' disconnect reasons. */
async function ending(
  env: Env,
  via: Via,
  opts: ClientOptions,
  end: (client: Socket, server: ServerSocket) => void,
  ms = 5000,
): Promise<Outcome> {
  const { client, server } = await env.pair(via, opts);
  const sid = client.io.engine.id;
  const clientReason = once<string>(client, 'disconnect', ms);
  const serverReason = once<string>(server, 'disconnect', ms);
  end(client, server);
  return { client: await clientReason, server: await serverReason, sid };
}

/** Both ways at once, the direct one first in the result. */
async function bothWays(
  env: Env,
  opts: ClientOptions,
  end: (client: Socket, server: ServerSocket) => void,
  ms?: number,
): Promise<{ direct: Outcome; proxied: Outcome }> {
  const [direct, proxied] = await Promise.all(VIAS.map((via) => ending(env, via, opts, end, ms)));
  assert.ok(direct && proxied);
  return { direct, proxied };
}

/** The proxy's close events of a session, once there is one; its first leg must be `first`. */
async function assertProxyClose(env: Env, sid: string, first: Leg): Promise<CloseEvent[]> {
  const closes = await waitFor(
    () => {
      const c = closeEvents(env.proxy.events, sid);
      return c.length ? c : undefined;
    },
    3000,
    `a close event for ${sid}`,
  );
  const desc = JSON.stringify(closes.map(({ leg, first, reason }) => ({ leg, first, reason })));
  for (const c of closes) {
    assert.equal(c.first, first, `the proxy says the ${first} side ended ${sid}: ${desc}`);
    assert.ok(c.reason.length > 0, 'a close event says why');
  }
  return closes;
}

/** The bus showed a Socket.IO packet of `type` going `direction` before the session's close events. */
function assertSioBefore(
  env: Env,
  sid: string,
  direction: Direction,
  type: string,
  closes: CloseEvent[],
): void {
  const packet = packetEvents(env.proxy.events, sid).find(
    (p) => p.direction === direction && p.sio?.type === type,
  );
  assert.ok(packet, `the proxy decoded the ${direction} ${type}`);
  assert.ok(
    closes.every((c) => c.seq > packet.seq),
    'the DISCONNECT is on the bus before the close',
  );
}

describe('v4 disconnect reasons', () => {
  let env: Env;
  before(async () => {
    env = await startEnv();
  });
  after(() => env.close());

  for (const transports of TRANSPORTS) {
    const name = transports[0];
    const opts = { transports: [...transports] };

    test(`${name}: server socket.disconnect(true) -> 'io server disconnect' / 'server namespace disconnect'`, async () => {
      const { direct, proxied } = await bothWays(env, opts, (_c, s) => s.disconnect(true));
      assert.equal(direct.client, 'io server disconnect');
      assert.equal(direct.server, 'server namespace disconnect');
      assert.equal(proxied.client, direct.client);
      assert.equal(proxied.server, direct.server);
      // Over WebSocket the target closes it. Over polling the target can only close on the next poll,
      // which never comes: the client answers the DISCONNECT by sending the engine's close packet.
      const closes = await assertProxyClose(env, proxied.sid, name === 'polling' ? 'client' : 'server');
      assertSioBefore(env, proxied.sid, 's2c', 'DISCONNECT', closes);
    });

    test(`${name}: client socket.disconnect() -> 'io client disconnect' / 'client namespace disconnect'`, async () => {
      const { direct, proxied } = await bothWays(env, opts, (c) => c.disconnect());
      assert.equal(direct.client, 'io client disconnect');
      assert.equal(direct.server, 'client namespace disconnect');
      assert.equal(proxied.client, direct.client);
      assert.equal(proxied.server, direct.server);
      const closes = await assertProxyClose(env, proxied.sid, 'client');
      assertSioBefore(env, proxied.sid, 'c2s', 'DISCONNECT', closes);
    });

    test(`${name}: the target closes the engine (socket.conn.close()) -> 'transport close'`, async () => {
      const { direct, proxied } = await bothWays(env, opts, (_c, s) => s.conn.close());
      assert.equal(direct.client, 'transport close');
      assert.equal(proxied.client, direct.client);
      assert.equal(proxied.server, direct.server);
      await assertProxyClose(env, proxied.sid, 'server');
    });
  }
});

describe('v4 ping timeout, the client stops answering pings', () => {
  let env: Env;
  before(async () => {
    env = await startEnv({ pingInterval: 200, pingTimeout: 100 });
  });
  after(() => env.close());

  for (const transports of TRANSPORTS) {
    test(`${transports[0]}: the server ends the session with 'ping timeout', the client sees the same as direct`, async () => {
      const { direct, proxied } = await bothWays(env, { transports: [...transports] }, (c) =>
        suppressPongs(c),
      );
      assert.equal(direct.server, 'ping timeout');
      assert.equal(proxied.server, 'ping timeout');
      assert.equal(proxied.client, direct.client);
      await assertProxyClose(env, proxied.sid, 'server');
    });
  }
});

describe('v4 ping timeout, the server stops pinging', () => {
  let env: Env;
  before(async () => {
    env = await startEnv({ pingInterval: 200, pingTimeout: 100 });
    stopServerPings(env.target);
  });
  after(() => env.close());

  for (const transports of TRANSPORTS) {
    test(`${transports[0]}: the client ends the session with 'ping timeout', the server sees the same as direct`, async () => {
      const { direct, proxied } = await bothWays(env, { transports: [...transports] }, () => {});
      assert.equal(direct.client, 'ping timeout');
      assert.equal(proxied.client, 'ping timeout', 'the proxy must not ping on its own');
      assert.equal(proxied.server, direct.server);
      await assertProxyClose(env, proxied.sid, 'client');
    });
  }
});

describe('v4 a raw client that never pongs', () => {
  let env: Env;
  before(async () => {
    env = await startEnv({ pingInterval: 100, pingTimeout: 100 });
  });
  after(() => env.close());

  test("the target reports 'ping timeout' for a raw WebSocket that ignores pings", async () => {
    const raw = await rawWebSocket(env.proxy.url);
    env.defer(() => raw.ws.terminate());
    const open = await raw.next((f) => f.startsWith('0'));
    const sid = (JSON.parse(open.slice(1)) as { sid: string }).sid;
    raw.ws.send('40');
    const connectAck = await raw.next((f) => f.startsWith('40'));
    const id = (JSON.parse(connectAck.slice(2)) as { sid: string }).sid;
    const server = env.target.io.of('/').sockets.get(id);
    assert.ok(server, 'the target has the socket');
    assert.equal(engineId(server), sid);
    assert.equal(await once<string>(server, 'disconnect', 2000), 'ping timeout');
    await raw.next((f) => f === '2', 100); // it was pinged, through the proxy
    const closed = await raw.closed;
    assert.ok(closed.code > 0);
    await assertProxyClose(env, sid, 'server');
  });
});

describe('v4 the client connection drops', () => {
  let env: Env;
  before(async () => {
    // A long heartbeat, so that only the drop itself can end the session within the test.
    env = await startEnv({ pingInterval: 5000, pingTimeout: 5000 });
  });
  after(() => env.close());

  /** A raw polling Socket.IO client whose pending long-poll is cut: the server's reason, or 'none'. */
  async function cutPoll(via: Via): Promise<string> {
    const base = `${env.url(via)}/socket.io/?EIO=4&transport=polling`;
    const sid = String((await pollingHandshake(env.url(via))).open.sid);
    await fetch(`${base}&sid=${sid}`, { method: 'POST', body: '40' }).then((r) => r.text());
    const connect = await fetch(`${base}&sid=${sid}`).then((r) => r.text());
    assert.match(connect, /^40\{"sid":/);
    const server = env.target.io.of('/').sockets.get((JSON.parse(connect.slice(2)) as { sid: string }).sid);
    assert.ok(server, `${via}: connected`);
    const reason = once<string>(server, 'disconnect', 1500).catch(() => 'none within 1.5 s');
    const abort = new AbortController();
    const pending = fetch(`${base}&sid=${sid}`, { signal: abort.signal }).catch(() => undefined);
    await sleep(100); // the poll is now waiting at the target
    abort.abort();
    await pending;
    return reason;
  }

  test('polling: a long-poll cut by the client ends the session on the server as directly', async () => {
    const [direct, proxied] = await Promise.all(VIAS.map((via) => cutPoll(via)));
    assert.equal(direct, 'transport error');
    assert.equal(proxied, direct, 'the proxy must pass the cut on to the target');
  });

  test('websocket: a connection cut by the client ends the session on the server as directly', async () => {
    const reasons = await Promise.all(
      VIAS.map(async (via) => {
        const raw = await rawWebSocket(env.url(via));
        env.defer(() => raw.ws.terminate());
        raw.ws.send('40');
        const connect = await raw.next((f) => f.startsWith('40'));
        const server = env.target.io
          .of('/')
          .sockets.get((JSON.parse(connect.slice(2)) as { sid: string }).sid);
        assert.ok(server, `${via}: connected`);
        const reason = once<string>(server, 'disconnect', 1500).catch(() => 'none within 1.5 s');
        raw.ws.terminate(); // no close frame: the TCP connection just ends
        return reason;
      }),
    );
    assert.equal(reasons[0], 'transport close');
    assert.equal(reasons[1], reasons[0]);
  });
});

describe('v4 the proxy shuts down', () => {
  test('websocket: both legs end, each side sees its transport close', async (t) => {
    const env = await startEnv();
    t.after(() => env.close());
    const { client, server } = await env.pair('proxy', { transports: ['websocket'] });
    const sid = client.io.engine.id;
    const clientReason = once<string>(client, 'disconnect', 2000);
    const serverReason = once<string>(server, 'disconnect', 2000);
    await env.proxy.close();
    assert.equal(await clientReason, 'transport close');
    assert.equal(await serverReason, 'transport close', 'the target learns at once, not at ping timeout');
    assert.ok(closeEvents(env.proxy.events, sid).length >= 1, 'the proxy reported the close');
  });
});

describe('v4 server shutdown and restart on the same port', () => {
  for (const transports of TRANSPORTS) {
    test(`${transports[0]}: shutdown ends the session as it does directly, then reconnects to the restarted target`, async (t) => {
      // Its own target: this test takes it down.
      const env = await startEnv();
      t.after(() => env.close());
      const opts = { transports: [...transports], reconnection: true, ...FAST_RECONNECT };
      const pairs = await Promise.all(VIAS.map((via) => env.pair(via, opts)));
      const [direct, proxied] = pairs.map((p) => ({
        ...p,
        sid: p.client.io.engine.id,
        clientReason: once<string>(p.client, 'disconnect', 5000),
        serverReason: once<string>(p.server, 'disconnect', 5000),
        // The manager's `reconnect` (a new engine is open), then the socket's own `connect`.
        reconnected: Promise.all([once(p.client.io, 'reconnect', 8000), once(p.client, 'connect', 8000)]),
      }));
      assert.ok(direct && proxied);
      const port = env.target.port;
      await env.target.close();
      assert.equal(await direct.serverReason, 'server shutting down');
      assert.equal(await proxied.serverReason, 'server shutting down');
      // The harness cuts the connections as the server goes: a pending poll fails ('transport error'),
      // a WebSocket ends ('transport close').
      assert.equal(
        await direct.clientReason,
        transports[0] === 'websocket' ? 'transport close' : 'transport error',
      );
      assert.equal(await proxied.clientReason, await direct.clientReason);
      await assertProxyClose(env, proxied.sid, 'server');

      const target = await env.restartTarget();
      assert.equal(target.port, port);
      await Promise.all([direct.reconnected, proxied.reconnected]);
      for (const p of [direct, proxied]) {
        assert.equal(p.client.connected, true);
        assert.notEqual(p.client.io.engine.id, p.sid, 'a reconnect is a new Engine.IO session');
        const server = target.io.of('/').sockets.get(p.client.id ?? '');
        assert.ok(server, 'the new target knows the socket');
        assert.equal(engineId(server), p.client.io.engine.id);
      }
    });
  }
});

describe('v4 payload over maxHttpBufferSize', () => {
  let env: Env;
  before(async () => {
    env = await startEnv({ maxHttpBufferSize: 1000 });
  });
  after(() => env.close());

  for (const transports of TRANSPORTS) {
    test(`${transports[0]}: the session ends the same way as direct`, async () => {
      const { direct, proxied } = await bothWays(env, { transports: [...transports] }, (c) =>
        c.emit('too-big', 'x'.repeat(5000)),
      );
      assert.match(direct.client, /^transport (close|error)$/);
      assert.equal(proxied.client, direct.client);
      assert.equal(proxied.server, direct.server);
      if (transports[0] === 'websocket') {
        // The target closes its WebSocket with 1009 (message too big): the proxy says so.
        const closes = await assertProxyClose(env, proxied.sid, 'server');
        assert.ok(
          closes.some((c) => c.description?.includes('1009')),
          `a close event names code 1009: ${JSON.stringify(closes)}`,
        );
      } else {
        // The target answers the POST with 413: the proxy reports it on the session.
        await waitFor(
          () =>
            env.proxy.events.some(
              (e) => e.type === 'error' && e.sessionId === proxied.sid && e.message.includes('413'),
            ),
          2000,
          'an error event naming the 413',
        );
        await assertProxyClose(env, proxied.sid, 'client');
      }
    });
  }

  test('a payload just under the limit still goes through', async () => {
    const { client, server } = await env.pair('proxy', { transports: ['websocket'] });
    const got = once<string>(server, 'fits', 2000);
    client.emit('fits', 'y'.repeat(900));
    assert.equal((await got).length, 900);
  });
});
