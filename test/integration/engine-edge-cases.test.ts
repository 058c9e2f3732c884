/**
 * Engine.IO and HTTP edge cases found by hunting, each compared with a direct connection to the same
 * target: what the peers see must match, and the proxy's events must say what happened.
 */
import assert from 'node:assert/strict';
import { createServer, type Server as HttpServer } from 'node:http';
import type net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { attach, type Server as EngineServer } from 'engine.io';
import { Socket as EngineClient } from 'engine.io-client';
import { io } from 'socket.io-client';
import msgpackParser from 'socket.io-msgpack-parser';
import type { CloseEvent } from '../../shared/events.js';
import {
  listenLoopback,
  next,
  serveEcho,
  sleep,
  startProxy,
  startTarget,
  waitFor,
  type Proxy,
  type Target,
} from '../support/harness.js';
import { rawWebSocket, VIAS, type Via } from '../support/v4-helpers.js';

describe('a raw Engine.IO app whose first message looks like Socket.IO', () => {
  let http: HttpServer;
  let engine: EngineServer;
  let proxy: Proxy;
  before(async () => {
    http = createServer();
    engine = attach(http, { path: '/engine.io/' });
    engine.on('connection', (s) => s.on('message', (d: string) => s.send(d)));
    proxy = await startProxy((await listenLoopback(http)).url, { paths: ['/engine.io/'] });
  });
  after(async () => {
    await proxy.close();
    engine.close();
    http.closeAllConnections();
    await new Promise((r) => http.close(r));
  });

  for (const transports of [['polling'], ['websocket']]) {
    test(`${transports[0]}: a counter "1", "2", then text: all raw, no errors`, async () => {
      const client = new EngineClient(proxy.url, { path: '/engine.io/', transports });
      try {
        await next(client, 'open');
        const echoes: unknown[] = [];
        client.on('message', (d) => echoes.push(d));
        for (const m of ['1', '2', 'hello', '0']) client.send(m);
        await waitFor(() => echoes.length === 4, 3000, 'four echoes');
        const sid = client.id;
        const mine = proxy.events.filter((e) => 'sessionId' in e && e.sessionId === sid);
        const messages = mine.filter((e) => e.type === 'packet' && e.engine === 'message');
        assert.equal(messages.length, 8);
        assert.ok(messages.every((e) => e.type === 'packet' && e.raw === true && e.sio === undefined));
        assert.deepEqual(
          mine.filter((e) => ['error', 'connect', 'disconnect', 'connect_error'].includes(e.type)),
          [],
        );
      } finally {
        client.close();
      }
    });
  }
});

describe('a custom Socket.IO parser (socket.io-msgpack-parser)', () => {
  let target: Target;
  let proxy: Proxy;
  before(async () => {
    target = await startTarget({ parser: msgpackParser });
    serveEcho(target.io);
    proxy = await startProxy(target.url);
  });
  after(async () => {
    await proxy.close();
    await target.close();
  });

  for (const transports of [['polling'], ['websocket'], ['polling', 'websocket']]) {
    test(`${transports.join(' then ')}: relayed untouched, marked raw, no errors`, async () => {
      const client = io(proxy.url, {
        parser: msgpackParser,
        transports,
        forceNew: true,
        reconnection: false,
      });
      try {
        const value = { text: 'é😀', bytes: Buffer.from([0, 1, 255]), n: [1, 2.5, null] };
        assert.deepEqual(await client.timeout(3000).emitWithAck('echo', value), value);
        const sid = client.io.engine.id;
        const mine = proxy.events.filter((e) => 'sessionId' in e && e.sessionId === sid);
        const messages = mine.filter((e) => e.type === 'packet' && e.engine === 'message');
        assert.ok(messages.length >= 4);
        assert.ok(messages.every((e) => e.type === 'packet' && e.raw === true));
        assert.deepEqual(
          mine.filter((e) => e.type === 'error'),
          [],
        );
      } finally {
        client.close();
      }
    });
  }
});

describe('v4 session ends the proxy must name as engine.io does', () => {
  let target: Target;
  let proxy: Proxy;
  const serverReasons = new Map<string, string>();
  before(async () => {
    target = await startTarget({ pingInterval: 10_000, pingTimeout: 5000 });
    serveEcho(target.io);
    target.io.engine.on('connection', (c: { id: string; once(e: 'close', fn: (r: string) => void): void }) =>
      c.once('close', (r) => serverReasons.set(c.id, r)),
    );
    proxy = await startProxy(target.url);
  });
  after(async () => {
    await proxy.close();
    await target.close();
  });

  const base = (via: Via) => (via === 'direct' ? target.url : proxy.url);
  const closeOf = (sid: string, leg: 'client' | 'server') =>
    proxy.events.find((e): e is CloseEvent => e.type === 'close' && e.sessionId === sid && e.leg === leg);

  test('a client that abandons its long-poll: "transport error" at once, and the proxy says so', async () => {
    for (const via of VIAS) {
      const hs = await (await fetch(`${base(via)}/socket.io/?EIO=4&transport=polling`)).text();
      const sid = (JSON.parse(hs.slice(1)) as { sid: string }).sid;
      const poll = new AbortController();
      const pending = fetch(`${base(via)}/socket.io/?EIO=4&transport=polling&sid=${sid}`, {
        signal: poll.signal,
      }).catch(() => undefined);
      await sleep(100); // the poll is pending on the target
      poll.abort();
      await pending;
      assert.equal(await waitFor(() => serverReasons.get(sid), 2000, 'the target closes'), 'transport error');
      if (via === 'direct') continue;
      const close = await waitFor(() => closeOf(sid, 'server'), 1000, 'the close event');
      assert.equal(close.serverReason, 'transport error');
      assert.equal(close.first, 'client');
    }
  });

  test('two polls in flight for one sid: the target\'s "transport error", named so', async () => {
    for (const via of VIAS) {
      const hs = await (await fetch(`${base(via)}/socket.io/?EIO=4&transport=polling`)).text();
      const sid = (JSON.parse(hs.slice(1)) as { sid: string }).sid;
      const url = `${base(via)}/socket.io/?EIO=4&transport=polling&sid=${sid}`;
      const first = fetch(url).then((r) => r.text());
      await sleep(100);
      assert.equal((await fetch(url)).status, 400);
      assert.equal(await first, '1');
      assert.equal(await waitFor(() => serverReasons.get(sid), 2000), 'transport error');
      if (via === 'direct') continue;
      const close = await waitFor(() => closeOf(sid, 'server'), 1000, 'the close event');
      assert.equal(close.serverReason, 'transport error');
    }
  });

  // A masked text frame of invalid UTF-8, and an unmasked one: ws rejects both (1007, 1002).
  const badFrames = {
    'bad UTF-8': Buffer.from([0x81, 0x81, 0, 0, 0, 0, 0xff]),
    unmasked: Buffer.from([0x81, 0x02, 0x34, 0x32]),
  };
  for (const [name, bytes] of Object.entries(badFrames)) {
    test(`an invalid WebSocket frame (${name}): the target's 'transport error', named so`, async () => {
      const seen: { code: number; reason: string }[] = [];
      for (const via of VIAS) {
        const socket = await rawWebSocket(base(via));
        const sid = (JSON.parse((await socket.next((f) => f.startsWith('0'))).slice(1)) as { sid: string })
          .sid;
        (socket.ws as unknown as { _socket: net.Socket })._socket.write(bytes);
        const closed = await socket.closed;
        seen.push({ code: closed.code, reason: await waitFor(() => serverReasons.get(sid), 2000) });
        if (via === 'direct') continue;
        const close = await waitFor(() => closeOf(sid, 'server'), 1000, 'the close event');
        assert.equal(close.serverReason, seen[0]?.reason);
      }
      assert.deepEqual(seen[1], seen[0]);
      assert.equal(seen[0]?.reason, 'transport error');
    });
  }

  test('a request line or headers past 16 KB: 431 as Node answers directly', async () => {
    const path = `/socket.io/?EIO=4&transport=polling&q=${'a'.repeat(20_000)}`;
    const statuses = await Promise.all(VIAS.map(async (via) => (await fetch(base(via) + path)).status));
    assert.deepEqual(statuses, [431, 431]);
    assert.ok(proxy.events.some((e) => e.type === 'error' && /431|too large/i.test(e.message)));
  });
});
