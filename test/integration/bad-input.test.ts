/**
 * Bad input never takes the proxy down: each case gets engine.io's answer (compared with what the
 * target answers directly) or a clean close, an event says what happened, and a healthy client still
 * round-trips afterwards.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import {
  next,
  serveEcho,
  startProxy,
  startTarget,
  waitFor,
  type Proxy,
  type Target,
} from '../support/harness.js';

let target: Target;
let proxy: Proxy;

before(async () => {
  target = await startTarget({ pingInterval: 300, pingTimeout: 200 });
  serveEcho(target.io);
  proxy = await startProxy(target.url);
});
after(async () => {
  await proxy.close();
  await target.close();
});

/** The check that follows every case: the proxy still serves a healthy client end to end. */
async function healthyRoundTrip(transports: ('polling' | 'websocket')[] = ['polling', 'websocket']) {
  const client = io(proxy.url, { transports, reconnection: false });
  try {
    assert.equal(await client.timeout(4000).emitWithAck('echo', 'still fine'), 'still fine');
  } finally {
    client.close();
  }
}

async function answer(base: string, path: string, init?: RequestInit) {
  const res = await fetch(base + path, init);
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') };
}

/** Same status, body and content type through the proxy as from the target directly. */
async function sameAsDirect(path: string, init?: RequestInit) {
  const direct = await answer(target.url, path, init);
  const proxied = await answer(proxy.url, path, init);
  assert.deepEqual(proxied, direct);
  return proxied;
}

async function openPollingSession(base: string): Promise<string> {
  const body = await (await fetch(`${base}/socket.io/?EIO=4&transport=polling`)).text();
  return (JSON.parse(body.slice(1)) as { sid: string }).sid;
}

describe('engine.io error answers', () => {
  afterEach(() => healthyRoundTrip());

  test('unknown transport (code 0)', async () => {
    const r = await sameAsDirect('/socket.io/?EIO=4&transport=carrier-pigeon');
    assert.deepEqual(JSON.parse(r.body), { code: 0, message: 'Transport unknown' });
  });

  test('unknown sid over polling (code 1): engine.io answer, and an error event', async () => {
    const r = await sameAsDirect('/socket.io/?EIO=4&transport=polling&sid=nope');
    assert.equal(r.status, 400);
    assert.deepEqual(JSON.parse(r.body), { code: 1, message: 'Session ID unknown' });
    assert.ok(
      proxy.events.some((e) => e.type === 'error' && /sid "nope", unknown to the proxy/.test(e.message)),
    );
  });

  test('unknown sid with a bad transport is code 0, in engine.io check order', async () => {
    const r = await sameAsDirect('/socket.io/?EIO=4&transport=foo&sid=nope');
    assert.deepEqual(JSON.parse(r.body), { code: 0, message: 'Transport unknown' });
  });

  test('handshake with a wrong method (code 2)', async () => {
    const r = await sameAsDirect('/socket.io/?EIO=4&transport=polling', { method: 'PUT' });
    assert.deepEqual(JSON.parse(r.body), { code: 2, message: 'Bad handshake method' });
  });

  test('unsupported protocol version (code 5)', async () => {
    const r = await sameAsDirect('/socket.io/?EIO=3&transport=polling');
    assert.deepEqual(JSON.parse(r.body), { code: 5, message: 'Unsupported protocol version' });
  });

  test('unknown sid over WebSocket gets the raw 400 engine.io writes', async () => {
    const status = (base: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(
          `${base.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket&sid=nope`,
        );
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => {});
      });
    assert.equal(await status(proxy.url), await status(target.url));
  });
});

describe('garbage and protocol violations', () => {
  afterEach(() => healthyRoundTrip());

  test('a garbage POST body is relayed and the target answers it as it would directly', async () => {
    const sid = await openPollingSession(proxy.url);
    const res = await fetch(`${proxy.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, {
      method: 'POST',
      body: '\x00\x01garbage\x1e42[not json',
    });
    assert.equal(res.status, 200); // engine.io acknowledges the POST, then closes the session
    await waitFor(
      () => proxy.events.some((e) => e.type === 'error' && e.sessionId === sid),
      3000,
      'an error event',
    );
  });

  test('a second concurrent GET is flagged, and the target closes that session as engine.io does', async () => {
    const sid = await openPollingSession(proxy.url);
    const url = `${proxy.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`;
    const first = fetch(url);
    await waitFor(() => proxy.proxy.sessions.get(sid)?.inflight.get === 1, 2000, 'first poll in flight');
    const second = await fetch(url);
    assert.equal(second.status, 400);
    await first.catch(() => undefined);
    assert.ok(
      proxy.events.some((e) => e.type === 'error' && e.sessionId === sid && /second GET/.test(e.message)),
    );
  });

  test('an invalid WebSocket frame (bad UTF-8) closes that connection only', async () => {
    const ws = new WebSocket(`${proxy.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
    await new Promise((r) => ws.once('message', r)); // the open packet
    const raw = (ws as unknown as { _socket: net.Socket })._socket;
    // A masked text frame whose payload is the invalid UTF-8 byte 0xff.
    raw.write(Buffer.from([0x81, 0x81, 0, 0, 0, 0, 0xff]));
    const code = await new Promise<number>((r) => ws.once('close', (c: number) => r(c)));
    assert.equal(code, 1007);
  });

  test('malformed HTTP gets a 400 and a log line', async () => {
    const port = Number(new URL(proxy.url).port);
    const reply = await new Promise<string>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => s.write('THIS IS NOT HTTP\r\n\r\n'));
      let data = '';
      s.on('data', (c) => (data += c.toString()));
      s.on('close', () => resolve(data));
    });
    assert.match(reply, /^HTTP\/1\.1 400 Bad Request/);
    assert.ok(proxy.events.some((e) => e.type === 'error' && /malformed HTTP/.test(e.message)));
  });

  test('a connection reset in the middle of a handshake disturbs no one', async () => {
    const port = Number(new URL(proxy.url).port);
    await new Promise<void>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.write('GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n');
        setTimeout(() => {
          s.resetAndDestroy();
          resolve();
        }, 20);
      });
      s.on('error', () => {});
    });
    const wsReset = new WebSocket(`${proxy.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
    wsReset.on('error', () => {});
    wsReset.once('upgrade', () => wsReset.terminate());
  });
});

describe('a target that fails', () => {
  test('target down: the client gets a connect_error, the proxy keeps serving once it is back', async () => {
    const t = await startTarget();
    serveEcho(t.io);
    const port = t.port;
    const p = await startProxy(t.url);
    await t.close();
    const client = io(p.url, { reconnectionDelay: 100, reconnectionDelayMax: 200 });
    const err = await new Promise<Error>((resolve) => client.once('connect_error', resolve));
    assert.equal(err.message, 'xhr poll error');
    const back = await startTarget({}, port);
    serveEcho(back.io);
    try {
      await next(client, 'connect');
      assert.equal(await client.timeout(3000).emitWithAck('echo', 'back'), 'back');
    } finally {
      client.close();
      await p.close();
      await back.close();
    }
  });

  test('target dies mid-session: the client sees "transport close" and other sessions are unaffected', async () => {
    const t = await startTarget();
    const p = await startProxy(t.url);
    const client = io(p.url, { transports: ['websocket'], reconnection: false });
    await next(client, 'connect');
    const reason = new Promise<string>((resolve) => client.once('disconnect', resolve));
    t.http.closeAllConnections();
    for (const s of t.io.sockets.sockets.values())
      (s.conn.transport as unknown as { socket?: { _socket?: net.Socket } }).socket?._socket?.destroy();
    assert.equal(await reason, 'transport close');
    await p.close();
    await t.close();
    await healthyRoundTrip();
  });
});
