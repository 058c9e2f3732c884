/**
 * Socket.IO v4 through the proxy: both transports, the polling -> websocket upgrade, ids that are the
 * target's own, and a handshake that reaches the client as the target wrote it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { once, waitFor } from '../support/harness.js';
import {
  pollingHandshake,
  targetHasSession,
  engineId,
  rawWebSocket,
  sessionEvents,
  startEnv,
  upgraded,
  upgradeEvents,
  VIAS,
  type Env,
} from '../support/v4-helpers.js';

describe('v4 transports', () => {
  let env: Env;
  before(async () => {
    env = await startEnv();
    env.target.io.on('connection', (socket) => {
      socket.on('echo', (value: unknown, ack: (v: unknown) => void) => ack(value));
    });
  });
  after(() => env.close());

  test('polling only: the session stays on polling and round trips work', async () => {
    const { client, server } = await env.pair('proxy', { transports: ['polling'] });
    assert.equal(client.io.engine.transport.name, 'polling');
    assert.equal(server.conn.transport.name, 'polling');
    assert.deepEqual(await client.timeout(2000).emitWithAck('echo', { hello: 'polling' }), {
      hello: 'polling',
    });
    const session = sessionEvents(env.proxy.events).find((e) => e.sessionId === client.io.engine.id);
    assert.ok(session, 'the proxy announced the session');
    assert.equal(session.transport, 'polling');
    assert.deepEqual(session.open.upgrades, ['websocket'], 'the target offers the upgrade as usual');
    // ...which this client declines: nothing else crosses the proxy.
    assert.equal(upgradeEvents(env.proxy.events, client.io.engine.id).length, 0);
  });

  test('websocket only: the session starts on websocket and round trips work', async () => {
    const { client, server } = await env.pair('proxy', { transports: ['websocket'] });
    assert.equal(client.io.engine.transport.name, 'websocket');
    assert.equal(server.conn.transport.name, 'websocket');
    assert.deepEqual(await client.timeout(2000).emitWithAck('echo', [1, 'two']), [1, 'two']);
    const session = sessionEvents(env.proxy.events).find((e) => e.sessionId === client.io.engine.id);
    assert.ok(session, 'the proxy announced the session');
    assert.equal(session.transport, 'websocket');
    assert.equal(session.eio, 4);
    assert.equal(upgradeEvents(env.proxy.events, client.io.engine.id).length, 0);
  });

  test('polling -> websocket upgrade completes on both ends and the proxy reports it', async () => {
    const { client, server } = await env.pair('proxy');
    const sid = client.io.engine.id;
    await upgraded(client);
    assert.equal(client.io.engine.transport.name, 'websocket');
    await waitFor(() => server.conn.transport.name === 'websocket', 3000, 'the target to upgrade');
    const stages = await waitFor(
      () => {
        const ups = upgradeEvents(env.proxy.events, sid);
        return ups.some((u) => u.leg === 'server' && u.stage === 'success') ? ups : undefined;
      },
      2000,
      'upgrade success events',
    );
    const seen = stages.map((u) => `${u.leg}:${u.stage}`);
    for (const expected of ['server:probe', 'client:probe', 'client:success', 'server:success'])
      assert.ok(seen.includes(expected), `upgrade events include ${expected} (got ${seen.join(', ')})`);
    assert.ok(!seen.some((s) => s.endsWith(':failure')), `no upgrade failure (got ${seen.join(', ')})`);
    // Still usable after the switch, and still the same session.
    assert.equal(await client.timeout(2000).emitWithAck('echo', 'after upgrade'), 'after upgrade');
    assert.equal(client.io.engine.id, sid);
    assert.equal(engineId(server), sid);
  });

  for (const transports of [['polling'], ['websocket'], ['polling', 'websocket']] as const) {
    test(`ids are the target's own (${transports.join('+')})`, async () => {
      const { client, server } = await env.pair('proxy', { transports: [...transports] });
      assert.ok(client.id);
      assert.equal(client.id, server.id, 'socket.id on the client equals the server socket id');
      assert.equal(client.io.engine.id, engineId(server), 'the Engine.IO sid is the target one');
      assert.notEqual(client.id, client.io.engine.id, 'Socket.IO id and Engine.IO sid differ (v4)');
      const announced = sessionEvents(env.proxy.events).map((e) => e.sessionId);
      assert.ok(announced.includes(engineId(server)), 'the proxy session is keyed by the target sid');
    });
  }
});

describe('v4 handshake values', () => {
  let env: Env;
  const custom = { pingInterval: 1234, pingTimeout: 2345, maxHttpBufferSize: 4567 };
  before(async () => {
    env = await startEnv(custom);
  });
  after(() => env.close());

  test('the client engine gets pingInterval, pingTimeout and maxPayload through the proxy', async () => {
    for (const transports of [['polling'], ['websocket']]) {
      const client = await env.connect('proxy', { transports });
      const engine = client.io.engine as unknown as {
        _pingInterval: number;
        _pingTimeout: number;
        _maxPayload: number;
      };
      assert.equal(engine._pingInterval, custom.pingInterval, `${transports[0]}: pingInterval`);
      assert.equal(engine._pingTimeout, custom.pingTimeout, `${transports[0]}: pingTimeout`);
      assert.equal(engine._maxPayload, custom.maxHttpBufferSize, `${transports[0]}: maxPayload`);
    }
  });

  test('raw polling handshake through the proxy equals the direct one except for the sid', async () => {
    const [direct, proxied] = await Promise.all(VIAS.map((via) => pollingHandshake(env.url(via))));
    assert.ok(direct && proxied);
    assert.equal(proxied.status, direct.status);
    assert.equal(proxied.status, 200);
    assert.equal(proxied.headers.get('content-type'), direct.headers.get('content-type'));
    assert.equal(typeof proxied.open.sid, 'string');
    assert.notEqual(proxied.open.sid, direct.open.sid);
    const { sid: _a, ...directRest } = direct.open;
    const { sid: _b, ...proxiedRest } = proxied.open;
    assert.deepEqual(proxiedRest, directRest);
    assert.deepEqual(Object.keys(proxied.open), Object.keys(direct.open), 'same keys, same order');
    assert.equal(proxied.open.pingInterval, 1234);
    assert.equal(proxied.open.maxPayload, 4567);
  });

  test('raw websocket handshake through the proxy equals the direct one except for the sid', async () => {
    const sockets = await Promise.all(VIAS.map((via) => rawWebSocket(env.url(via))));
    try {
      const opens = await Promise.all(sockets.map((s) => s.next((f) => f.startsWith('0'))));
      const [direct, proxied] = opens.map((f) => JSON.parse(f.slice(1)) as Record<string, unknown>);
      assert.ok(direct && proxied);
      const { sid: _a, ...directRest } = direct;
      const { sid: _b, ...proxiedRest } = proxied;
      assert.deepEqual(proxiedRest, directRest);
      assert.deepEqual(proxied.upgrades, [], 'no upgrade from websocket');
      assert.ok(targetHasSession(env.target, String(proxied.sid)), 'the sid is a live target session');
    } finally {
      for (const s of sockets) s.ws.close();
    }
  });
});

describe('v4 cookies set by the target', () => {
  let env: Env;
  before(async () => {
    env = await startEnv({ cookie: { name: 'io', httpOnly: true, path: '/' } });
    env.target.io.on('connection', (socket) => {
      socket.on('echo', (value: unknown, ack: (v: unknown) => void) => ack(value));
    });
  });
  after(() => env.close());

  test('Set-Cookie of the polling handshake reaches the client, carrying the sid', async () => {
    const [direct, proxied] = await Promise.all(VIAS.map((via) => pollingHandshake(env.url(via))));
    assert.ok(direct && proxied);
    const directCookie = direct.headers.getSetCookie();
    const proxiedCookie = proxied.headers.getSetCookie();
    assert.equal(directCookie.length, 1, 'the target sets one cookie directly');
    assert.equal(proxiedCookie.length, 1, 'and one through the proxy');
    assert.equal(proxiedCookie[0], `io=${String(proxied.open.sid)}; Path=/; HttpOnly; SameSite=Lax`);
    assert.equal(
      proxiedCookie[0]?.replace(String(proxied.open.sid), '<sid>'),
      directCookie[0]?.replace(String(direct.open.sid), '<sid>'),
    );
  });

  test('headers the target adds to its 101 answer (Set-Cookie, custom) reach a websocket client', async () => {
    const addHeaders = (headers: Record<string, string>) => {
      headers['Set-Cookie'] = 'ws-cookie=1; Path=/';
      headers['X-App'] = 'yes';
    };
    env.target.io.engine.on('initial_headers', addHeaders);
    const sockets = await Promise.all(VIAS.map((via) => rawWebSocket(env.url(via))));
    try {
      const [direct, proxied] = sockets.map((s) => s.headers);
      assert.equal(direct?.['set-cookie']?.toString(), 'ws-cookie=1; Path=/', 'direct: the target sets it');
      assert.equal(proxied?.['set-cookie']?.toString(), 'ws-cookie=1; Path=/', 'through the proxy');
      assert.equal(proxied?.['x-app'], 'yes');
    } finally {
      env.target.io.engine.off('initial_headers', addHeaders);
      for (const s of sockets) s.ws.close();
    }
  });

  test('the Node client stores the cookie and sends it back on later requests', async () => {
    const client = await env.connect('proxy', { transports: ['polling'], withCredentials: true });
    const sid = client.io.engine.id;
    const seen: (string | undefined)[] = [];
    env.target.io.engine.on('headers', (_h: unknown, req: { headers: { cookie?: string } }) =>
      seen.push(req.headers.cookie),
    );
    // A round trip makes the client post (and poll) again, now with the cookie it was given.
    assert.equal(await client.timeout(2000).emitWithAck('echo', 'x'), 'x');
    await waitFor(() => seen.some((c) => c?.includes(`io=${sid}`)), 3000, 'a request carrying io=<sid>');
  });
});

describe('v4 CORS through the proxy', () => {
  let env: Env;
  before(async () => {
    env = await startEnv({
      cors: { origin: 'http://app.example', credentials: true, allowedHeaders: ['x-custom'] },
    });
  });
  after(() => env.close());

  const ACCESS = (h: Headers) => [...h].filter(([k]) => k.startsWith('access-control-') || k === 'vary');

  test('preflights (handshake and live session) and the handshake answer carry the same CORS headers', async () => {
    const origin = 'http://app.example';
    const results = await Promise.all(
      VIAS.map(async (via) => {
        const base = `${env.url(via)}/socket.io/?EIO=4&transport=polling`;
        const preflight = await fetch(base, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'GET',
            'access-control-request-headers': 'x-custom',
          },
        });
        await preflight.text();
        const handshake = await fetch(base, { headers: { origin } });
        const sid = (JSON.parse((await handshake.text()).slice(1)) as { sid: string }).sid;
        const sessionPreflight = await fetch(`${base}&sid=${sid}`, {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'POST' },
        });
        await sessionPreflight.text();
        return [preflight, handshake, sessionPreflight].map((r) => ({
          status: r.status,
          cors: ACCESS(r.headers),
        }));
      }),
    );
    const [direct, proxied] = results;
    assert.equal(direct?.[0]?.status, 204);
    assert.ok(direct?.[0]?.cors.some(([k, v]) => k === 'access-control-allow-origin' && v === origin));
    assert.deepEqual(proxied, direct);
  });
});

describe('v4 a target that refuses the handshake (allowRequest)', () => {
  let env: Env;
  before(async () => {
    env = await startEnv({ allowRequest: (_req, cb) => cb('not today', false) });
  });
  after(() => env.close());

  for (const transports of [['polling'], ['websocket']]) {
    test(`${transports[0]}: the client fails the same way as directly`, async () => {
      const errors = await Promise.all(
        VIAS.map(async (via) => {
          const err = await once<Error & { description?: unknown }>(
            env.client(via, { transports }),
            'connect_error',
          );
          const d = err.description as { message?: string } | number | undefined;
          return { message: err.message, description: typeof d === 'object' ? d?.message : d };
        }),
      );
      assert.ok(errors[0]?.message, 'rejected directly');
      assert.deepEqual(errors[1], errors[0]);
      assert.equal(sessionEvents(env.proxy.events).length, 0, 'no session announced for a refused handshake');
    });
  }
});

describe('v4 a custom path', () => {
  let env: Env;
  before(async () => {
    env = await startEnv({ path: '/realtime' }, { paths: ['/realtime'] });
    env.target.io.on('connection', (socket) => {
      socket.on('echo', (value: unknown, ack: (v: unknown) => void) => ack(value));
    });
  });
  after(() => env.close());

  for (const transports of [['polling'], ['websocket'], ['polling', 'websocket']]) {
    test(`${transports.join('+')}: the proxy terminates Engine.IO on the configured path`, async () => {
      const client = await env.connect('proxy', { path: '/realtime', transports });
      assert.equal(await client.timeout(2000).emitWithAck('echo', 'here'), 'here');
      if (transports.length === 2) await upgraded(client);
      const session = sessionEvents(env.proxy.events).find((e) => e.sessionId === client.io.engine.id);
      assert.ok(session, 'the session was observed, not just passed through');
      assert.ok(session.handshake.url.startsWith('/realtime/'));
    });
  }
});

describe('v4 without the trailing slash (addTrailingSlash: false)', () => {
  let env: Env;
  before(async () => {
    // Server and client both drop the slash: requests go to `/socket.io?EIO=4...`.
    env = await startEnv({ addTrailingSlash: false });
    env.target.io.on('connection', (socket) => {
      socket.on('echo', (value: unknown, ack: (v: unknown) => void) => ack(value));
    });
  });
  after(() => env.close());

  for (const transports of [['polling'], ['websocket'], ['polling', 'websocket']]) {
    test(`${transports.join('+')}: the session is terminated and observed, not passed through`, async () => {
      const client = await env.connect('proxy', { addTrailingSlash: false, transports });
      assert.equal(await client.timeout(2000).emitWithAck('echo', 'here'), 'here');
      if (transports.length === 2) await upgraded(client);
      const session = sessionEvents(env.proxy.events).find((e) => e.sessionId === client.io.engine.id);
      assert.ok(session, 'the session was observed');
      assert.ok(session.handshake.url.startsWith('/socket.io?'), session.handshake.url);
      const echo = env.proxy.events.find(
        (e) => e.type === 'packet' && e.sessionId === client.io.engine.id && e.sio?.event === 'echo',
      );
      assert.ok(echo, 'the emit was decoded');
    });
  }
});
