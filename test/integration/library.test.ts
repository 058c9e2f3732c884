/**
 * The library face (`createProxy`, proxy/api.ts) in front of a real socket.io@4 server, used the way
 * a test of someone's app would: clients from socket.io-client through `proxy.url`, assertions on
 * `waitFor`, `on`, `events`, `history` and `sessions`.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import { io } from 'socket.io-client';
import { createProxy, SioProxyError, type ProxyEvent, type SioProxy } from '../../proxy/api.js';
import { once, serveEcho, startTarget, type Target } from '../support/harness.js';

let target: Target;

before(async () => {
  target = await startTarget();
  serveEcho(target.io);
  target.io.of('/admin').on('connection', () => {});
});

after(() => target.close());

async function withProxy(fn: (proxy: SioProxy) => Promise<void>): Promise<void> {
  const proxy = await createProxy({ target: target.url });
  try {
    await fn(proxy);
  } finally {
    await proxy.close();
  }
}

test('createProxy listens on a free loopback port, with no dashboard unless asked', async () => {
  await withProxy(async (proxy) => {
    assert.match(proxy.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(new URL(proxy.url).port, '0');
    assert.equal(proxy.dashboardUrl, undefined);
    assert.equal(proxy.target.origin, target.url);
  });
});

test('waitFor resolves with the connect event; sessions() lists namespaces and socket ids', async () => {
  await withProxy(async (proxy) => {
    const socket = io(proxy.url, { transports: ['websocket'] });
    const admin = io(`${proxy.url}/admin`, { transports: ['websocket'] });
    try {
      const connect = await proxy.waitFor({ type: 'connect', nsp: '/' }, { timeout: 5000 });
      assert.equal(connect.type, 'connect');
      await proxy.waitFor({ type: 'connect', nsp: '/admin' }, { since: 0 });
      await once(socket, 'connect');
      assert.equal(connect.type === 'connect' && connect.socketId, socket.id);
      const [session] = proxy.sessions();
      assert.ok(session);
      assert.equal(session.transport, 'websocket');
      assert.equal(session.eio, 4);
      assert.deepEqual(
        session.namespaces.sort((a, b) => a.nsp.localeCompare(b.nsp)),
        [
          { nsp: '/', socketId: socket.id },
          { nsp: '/admin', socketId: admin.id },
        ],
      );
    } finally {
      socket.close();
      admin.close();
    }
  });
});

test('on() delivers every event of a type; events() iterates from now until break', async () => {
  await withProxy(async (proxy) => {
    const acks: ProxyEvent[] = [];
    proxy.on('ack', (e) => acks.push(e));
    const socket = io(proxy.url);
    try {
      const seen: string[] = [];
      const iterating = (async () => {
        for await (const e of proxy.events({ type: 'packet' })) {
          if (e.type === 'packet' && e.sio?.type === 'EVENT' && e.sio.event === 'echo')
            seen.push(e.direction);
          if (seen.length === 2) break;
        }
      })();
      assert.equal(await socket.timeout(5000).emitWithAck('echo', 'one'), 'one');
      assert.equal(await socket.timeout(5000).emitWithAck('echo', 'two'), 'two');
      await iterating;
      assert.deepEqual(seen, ['c2s', 'c2s']);
      // The proxy reports the ACK before relaying it, and listeners run a tick after the report.
      await new Promise((r) => setImmediate(r));
      assert.equal(acks.length, 2);
      assert.deepEqual(
        acks.map((a) => a.seq),
        proxy.history({ type: 'ack' }).map((a) => a.seq),
      );
      assert.ok(acks.every((a) => a.type === 'ack' && a.event === 'echo' && a.latency >= 0));
    } finally {
      socket.close();
    }
  });
});

test('history() holds what happened before the call; waitFor with since finds it too', async () => {
  await withProxy(async (proxy) => {
    const socket = io(proxy.url);
    try {
      await once(socket, 'connect');
      await socket.timeout(5000).emitWithAck('echo', 'x');
      const connects = proxy.history({ type: 'connect' });
      assert.equal(connects.length, 1);
      const found = await proxy.waitFor({ type: 'session' }, { since: 0, timeout: 100 });
      assert.equal(found.type, 'session');
    } finally {
      socket.close();
    }
  });
});

test('a waitFor that times out names what it waited for and the last events seen', async () => {
  await withProxy(async (proxy) => {
    const socket = io(proxy.url);
    try {
      await once(socket, 'connect');
      await assert.rejects(
        proxy.waitFor({ type: 'connect', nsp: '/nowhere' }, { timeout: 200 }),
        (err: unknown) => {
          assert.ok(err instanceof SioProxyError);
          assert.equal(err.code, 'TIMEOUT');
          assert.match(err.message, /"nsp":"\/nowhere"/);
          assert.match(err.message, /timed out after 200 ms/);
          assert.match(err.message, /\n {2}#\d+ (packet|http|drain|upgrade) sessionId=/);
          return true;
        },
      );
    } finally {
      socket.close();
    }
  });
});

test('close() ends pending waits and iterators, closes clients, and leaves nothing running', async () => {
  const proxy = await createProxy({ target: target.url });
  // WebSocket only: a cut WebSocket is `transport close` (a cut long-poll would be `transport error`).
  const socket = io(proxy.url, { reconnection: false, transports: ['websocket'] });
  await once(socket, 'connect');
  const waiting = proxy.waitFor({ type: 'connect', nsp: '/never' }, { timeout: 60_000 });
  const iterator = proxy.events();
  const draining = (async () => {
    let n = 0;
    for await (const _ of iterator) n++;
    return n;
  })();
  const disconnected = once(socket, 'disconnect');
  await proxy.close();
  await assert.rejects(waiting, (err: unknown) => err instanceof SioProxyError && err.code === 'CLOSED');
  assert.equal(typeof (await draining), 'number');
  assert.equal(await disconnected, 'transport close');
  await assert.rejects(proxy.waitFor({ type: 'session' }), /closed/);
});

test('a taken port is a LISTEN error naming the address; a bad target a BAD_OPTION error', async () => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as { port: number }).port;
  try {
    await assert.rejects(createProxy({ target: target.url, port }), (err: unknown) => {
      assert.ok(err instanceof SioProxyError);
      assert.equal(err.code, 'LISTEN');
      assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port} is already in use`));
      return true;
    });
  } finally {
    blocker.close();
  }
  await assert.rejects(
    createProxy({ target: 'ftp://example' }),
    (err: unknown) => err instanceof SioProxyError && err.code === 'BAD_OPTION' && /target/.test(err.message),
  );
});

test('dashboard: { port: 0 } serves the event stream behind a token', async () => {
  const proxy = await createProxy({ target: target.url, dashboard: { port: 0, token: 'secret' } });
  try {
    const url = new URL(proxy.dashboardUrl ?? '');
    assert.equal(url.hostname, '127.0.0.1');
    assert.equal(url.searchParams.get('token'), 'secret');
    const denied = await fetch(new URL('/api/capture', url.origin));
    assert.equal(denied.status, 401);
    const socket = io(proxy.url);
    try {
      await once(socket, 'connect');
      await proxy.waitFor({ type: 'connect' }, { since: 0 });
      const capture = await fetch(new URL('/api/capture?token=secret', url.origin));
      assert.equal(capture.status, 200);
      assert.match(await capture.text(), /"type":"connect"/);
    } finally {
      socket.close();
    }
  } finally {
    await proxy.close();
  }
});

test('filters use the event stream vocabulary (shared/match): regex, clientKey, and a bad field is BAD_OPTION', async () => {
  await withProxy(async (proxy) => {
    const socket = io(proxy.url);
    try {
      const session = await proxy.waitFor({ type: 'session' });
      assert.ok(session.type === 'session');
      await once(socket, 'connect');
      await socket.timeout(5000).emitWithAck('echo', 'hello');
      // The packet events carry only the sessionId: the clientKey is looked up from the session.
      const echoes = proxy.history({
        type: 'packet',
        clientKey: session.clientKey,
        event: '/^ech/',
        direction: 'c2s',
      });
      assert.equal(echoes.length, 1);
      assert.throws(
        () => proxy.history({ evnt: 'x' } as never),
        (err: unknown) =>
          err instanceof SioProxyError && err.code === 'BAD_OPTION' && /evnt/.test(err.message),
      );
    } finally {
      socket.close();
    }
  });
});

test("the issue's example: a fault, then waitFor the client's reconnect", async () => {
  await withProxy(async (proxy) => {
    const socket = io(proxy.url, { transports: ['websocket'], reconnectionDelay: 100 });
    try {
      const connect = await proxy.waitFor({ type: 'connect', nsp: '/' }, { timeout: 5000 });
      assert.ok(connect.type === 'connect');
      const reason = once<string>(socket, 'disconnect');
      await proxy.fault(connect.sessionId, { kind: 'close-transport' });
      assert.equal(await reason, 'transport close');
      await proxy.waitFor((e) => e.type === 'attempt' && e.outcome === 'connected' && e.attempt >= 1);
    } finally {
      socket.close();
    }
  });
});

test('rules.add pauses a packet; nextPaused hands it over; forward(edit) sends the edit; emit waits for an ack', async () => {
  await withProxy(async (proxy) => {
    const socket = io(proxy.url, { transports: ['websocket'] });
    try {
      const session = await proxy.waitFor({ type: 'session' });
      await once(socket, 'connect');
      const rule = proxy.rules.add({ match: { event: 'echo', direction: 'c2s' }, action: { kind: 'pause' } });
      const answer = socket.timeout(5000).emitWithAck('echo', 'original');
      const held = await proxy.nextPaused({ event: 'echo', direction: 'c2s' });
      assert.deepEqual(held.args, ['original']);
      held.forward({ args: ['edited'] });
      assert.equal(await answer, 'edited');
      rule.remove();
      assert.deepEqual(proxy.rules.list(), []);
      const got = once<string>(socket, 'hello');
      const sent = await proxy.emit(session.type === 'session' ? session.sessionId : '', {
        direction: 's2c',
        event: 'hello',
        args: ['from the proxy'],
      });
      assert.equal(typeof sent.seq, 'number');
      assert.equal(await got, 'from the proxy');
      const acked = await proxy.emit(session.type === 'session' ? session.sessionId : '', {
        direction: 'c2s',
        event: 'echo',
        args: ['round trip'],
        ack: true,
      });
      assert.deepEqual(acked.ack, ['round trip']);
      await assert.rejects(
        proxy.emit('nope', { direction: 's2c', event: 'x' }),
        (err: unknown) => err instanceof SioProxyError && err.code === 'NOT_FOUND',
      );
    } finally {
      socket.close();
    }
  });
});
