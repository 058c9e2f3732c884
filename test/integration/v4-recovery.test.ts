/**
 * Socket.IO v4 sessions that survive through the proxy: reconnection after the target restarts,
 * connection state recovery (pid and offsets relayed untouched), and short heartbeats.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Socket as ServerSocket } from 'socket.io';
import { once, sleep, waitFor } from '../support/harness.js';
import {
  FAST_RECONNECT,
  engineId,
  packetEvents,
  sessionEvents,
  startEnv,
  upgraded,
  VIAS,
  type Env,
  type Via,
} from '../support/v4-helpers.js';

describe('v4 reconnection after the target restarts', () => {
  test('the client reconnects through the proxy with a new sid, as it does directly', async (t) => {
    const env = await startEnv();
    t.after(() => env.close());
    const opts = { reconnection: true, ...FAST_RECONNECT };
    const clients = await Promise.all(VIAS.map((via) => env.connect(via, opts)));
    await Promise.all(clients.map((c) => upgraded(c)));
    const oldSids = clients.map((c) => c.io.engine.id);
    const errors = clients.map(() => 0);
    clients.forEach((c, i) => c.io.on('reconnect_error', () => errors[i]!++));
    const reconnects = clients.map((c) => once<number>(c.io, 'reconnect', 8000));
    const connects = clients.map((c) => once(c, 'disconnect', 5000).then(() => once(c, 'connect', 8000)));

    // Down long enough for attempts to fail, then back on the same port.
    const port = env.target.port;
    await env.target.close();
    await waitFor(() => errors.every((n) => n >= 1), 3000, 'a failed attempt on both clients');
    const target = await env.restartTarget();
    assert.equal(target.port, port);
    const attempts = await Promise.all(reconnects);
    await Promise.all(connects);
    for (const [i, client] of clients.entries()) {
      const via = VIAS[i];
      assert.ok(attempts[i]! >= 1, `${via}: reconnect after at least one attempt`);
      assert.equal(client.connected, true, `${via}: connected again`);
      assert.notEqual(client.io.engine.id, oldSids[i], `${via}: a new sid`);
      assert.notEqual(client.recovered, true, `${via}: nothing to recover without connectionStateRecovery`);
      const server = target.io.of('/').sockets.get(client.id ?? '');
      assert.ok(server, `${via}: the restarted target has the socket`);
      assert.equal(engineId(server), client.io.engine.id);
    }
    const proxied = clients[1]!;
    const announced = sessionEvents(env.proxy.events).map((e) => e.sessionId);
    assert.ok(announced.includes(proxied.io.engine.id), 'the proxy announced the new session');
    const proxiedServer = target.io.of('/').sockets.get(proxied.id ?? '');
    proxiedServer?.on('ping-me', (ack: (v: string) => void) => ack('pong'));
    assert.equal(await proxied.timeout(2000).emitWithAck('ping-me'), 'pong');
  });
});

describe('v4 connection state recovery', () => {
  let env: Env;
  const serverSockets: ServerSocket[] = [];
  before(async () => {
    env = await startEnv({ connectionStateRecovery: {} });
    env.target.io.on('connection', (socket) => serverSockets.push(socket));
  });
  after(() => env.close());

  async function recoverVia(via: Via, transports: string[]) {
    const client = env.client(via, { transports, reconnection: true, ...FAST_RECONNECT });
    const got: string[] = [];
    client.on('news', (msg: string) => got.push(msg));
    await once(client, 'connect');
    assert.equal(client.recovered, false, 'a first connection recovers nothing');
    const first = env.target.io.of('/').sockets.get(client.id ?? '');
    assert.ok(first);
    const id = client.id;
    const firstSid = client.io.engine.id;

    // A broadcast received before the drop gives the client an offset to resume from.
    env.target.io.to(first.id).emit('news', `${via}-before`);
    await waitFor(() => got.includes(`${via}-before`), 2000, 'the first broadcast');

    const serverGone = once<string>(first, 'disconnect', 3000);
    const clientGone = once<string>(client, 'disconnect', 3000);
    client.io.engine.close(); // the transport drops; the socket.io layer did not ask for it
    assert.equal(await clientGone, 'forced close');
    assert.equal(await serverGone, 'transport close');

    const reconnected = once(client, 'connect', 5000);
    const serverSide = waitFor(
      () => serverSockets.find((s) => s.id === id && s !== first && s.connected),
      5000,
      'the recovered server socket',
    );
    // Sent while the client is away: only recovery can deliver it.
    env.target.io.to(first.id).emit('news', `${via}-missed`);
    await reconnected;
    const recoveredServer = await serverSide;
    await waitFor(() => got.includes(`${via}-missed`), 2000, 'the missed broadcast');
    return { client, id, got, recoveredServer, firstSid, secondSid: client.io.engine.id };
  }

  for (const transports of [['websocket'], ['polling'], ['polling', 'websocket']]) {
    const name = transports.join('+');
    test(`${name}: recovered on both sides and the missed event is delivered, as directly`, async () => {
      const results = await Promise.all(VIAS.map((via) => recoverVia(via, transports)));
      for (const [i, r] of results.entries()) {
        const via = VIAS[i]!;
        assert.equal(r.client.recovered, true, `${via}: client recovered`);
        assert.equal(r.recoveredServer.recovered, true, `${via}: server recovered`);
        assert.equal(r.client.id, r.id, `${via}: same socket id`);
        assert.equal(r.recoveredServer.id, r.id);
        assert.deepEqual(r.got, [`${via}-before`, `${via}-missed`], `${via}: everything once, in order`);
        r.client.io.reconnection(false);
      }

      // The proxy relayed pid and offset untouched: the reconnect CONNECT carries the very pid the
      // first CONNECT answer gave, and the offset of the last broadcast the client got.
      const { firstSid, secondSid } = results[1]!;
      assert.notEqual(firstSid, secondSid, 'recovery happens over a new Engine.IO session');
      const before = packetEvents(env.proxy.events, firstSid);
      const after = packetEvents(env.proxy.events, secondSid);
      const given = before.find((p) => p.direction === 's2c' && p.sio?.type === 'CONNECT')?.sio?.args as
        { sid?: string; pid?: string } | undefined;
      assert.ok(given?.pid, 'the target sent a pid through the proxy');
      const resume = after.find((p) => p.direction === 'c2s' && p.sio?.type === 'CONNECT')?.sio?.args as
        { pid?: string; offset?: string } | undefined;
      assert.equal(resume?.pid, given.pid, 'the client resumed with that pid through the proxy');
      const news = before.find((p) => p.direction === 's2c' && p.sio?.event === 'news');
      const args = news?.sio?.args as unknown[] | undefined;
      assert.deepEqual(args?.slice(0, 2), ['news', 'proxy-before']);
      assert.equal(args?.length, 3, 'the broadcast carries an offset as its last argument');
      assert.equal(resume?.offset, args[2], 'the client resumed from that offset');
      const replayed = after.find((p) => p.direction === 's2c' && p.sio?.event === 'news');
      assert.equal(
        (replayed?.sio?.args as unknown[] | undefined)?.[1],
        'proxy-missed',
        'the replay crossed the proxy',
      );
    });
  }
});

describe('v4 short heartbeats through the proxy', () => {
  let env: Env;
  before(async () => {
    env = await startEnv({ pingInterval: 50, pingTimeout: 50 });
  });
  after(() => env.close());

  /** Event-loop stalls longer than this make a run inconclusive: a 50 ms pingTimeout cannot survive them. */
  const MAX_LAG_MS = 30;

  async function heartbeatRun(via: Via, transports: string[]) {
    const { client, server } = await env.pair(via, { transports });
    const sid = client.io.engine.id;
    let pings = 0;
    client.io.on('ping', () => pings++);
    const drops: string[] = [];
    client.on('disconnect', (r) => drops.push(`client: ${r}`));
    server.on('disconnect', (r) => drops.push(`server: ${r}`));
    await sleep(1200);
    return { client, server, sid, pings, drops };
  }

  for (const transports of [['polling'], ['websocket'], ['polling', 'websocket']]) {
    const name = transports.join('+');
    test(`${name}: pingInterval 50 / pingTimeout 50 keeps the session alive for over a second`, async (t) => {
      // The machine is shared: a run during which this process stalled proves nothing either way.
      for (let attempt = 1; ; attempt++) {
        const lag = monitorEventLoopDelay({ resolution: 5 });
        lag.enable();
        const [direct, proxied] = await Promise.all(VIAS.map((via) => heartbeatRun(via, transports)));
        lag.disable();
        const maxLag = lag.max / 1e6;
        assert.ok(direct && proxied);
        if (maxLag > MAX_LAG_MS) {
          t.diagnostic(`attempt ${attempt}: the event loop stalled ${maxLag.toFixed(0)} ms, run ignored`);
          if (attempt < 3) continue;
          return t.skip(`the event loop kept stalling (${maxLag.toFixed(0)} ms): too busy to judge`);
        }
        assert.deepEqual(direct.drops, [], 'direct: no disconnect (control)');
        assert.deepEqual(proxied.drops, [], 'no disconnect on either side');
        const { client, server, sid, pings } = proxied;
        assert.equal(client.connected, true);
        assert.equal(client.io.engine.id, sid, 'still the same session');
        assert.ok(pings >= 10, `about one ping every 50 ms (got ${pings})`);
        const seen = packetEvents(env.proxy.events, sid);
        const heartbeat = (engine: string, direction: string) =>
          seen.filter((p) => p.engine === engine && p.direction === direction && p.data !== 'probe');
        assert.ok(heartbeat('ping', 's2c').length >= 10, 'the proxy saw the pings');
        assert.ok(heartbeat('pong', 'c2s').length >= heartbeat('ping', 's2c').length - 2, 'and the pongs');
        assert.deepEqual(heartbeat('ping', 'c2s'), [], 'no ping the wrong way');
        assert.equal(server.conn.readyState, 'open');
        return;
      }
    });
  }
});
