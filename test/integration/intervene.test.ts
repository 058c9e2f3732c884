/**
 * Intervention through the control API (issue #11), with the real socket.io@4 server and
 * socket.io-client@4 over WebSocket, permessage-deflate on: every check is on what the real client
 * and server report (received args, reasons, reconnects), not only on the proxy's own events.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import { createProxy, type ProxyEvent, type SioProxy } from '../../proxy/api.js';
import { once, startTarget, type Target } from '../support/harness.js';
import { serveRecording, type ServerLog } from '../support/intervene-app.js';

let target: Target;
let proxy: SioProxy;
// The answers are checked field by field below; `any` keeps those reads short.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
let api: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: Json }>;
let app: ServerLog;

before(async () => {
  // Heartbeats held behind a paused packet time a session out like a real network would: the pauses
  // here stay well under pingTimeout, the pause timeout too.
  target = await startTarget({ perMessageDeflate: { threshold: 0 }, pingInterval: 1000, pingTimeout: 1000 });
  app = serveRecording(target.io);
  proxy = await createProxy({ target: target.url, dashboard: { port: 0, token: 't' }, pauseTimeoutMs: 600 });
  const origin = new URL(proxy.dashboardUrl!).origin;
  api = async (method, path, body) => {
    const res = await fetch(`${origin}${path}`, {
      method,
      headers: { Authorization: 'Bearer t', 'Content-Type': 'application/json' },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
});

after(async () => {
  await proxy.close();
  await target.close();
});

async function connected(opts: Parameters<typeof io>[1] = {}): Promise<{ socket: Socket; sid: string }> {
  const socket = io(proxy.url, { transports: ['websocket'], perMessageDeflate: { threshold: 0 }, ...opts });
  const session = await proxy.waitFor({ type: 'session' });
  await once(socket, 'connect');
  return { socket, sid: (session as Extract<ProxyEvent, { type: 'session' }>).sessionId };
}

async function clearRules(): Promise<void> {
  for (const r of (await api('GET', '/api/rules')).body) await api('DELETE', `/api/rules/${r.id}`);
}

test('a breakpoint holds an event and the later ones; forwarded edited, the server gets the edit, then the rest in order', async () => {
  app.received.length = 0;
  const { socket } = await connected();
  try {
    const rule = await api('POST', '/api/rules', {
      match: { direction: 'c2s', event: 'order' },
      action: { kind: 'pause' },
    });
    assert.equal(rule.status, 201);
    assert.equal(rule.body.hits, 0);
    const first = socket.timeout(5000).emitWithAck('order', { qty: 1 });
    const second = socket.timeout(5000).emitWithAck('other', 2);
    const held = await proxy.waitFor({ type: 'intervention', action: 'paused' });
    assert.equal(held.type, 'intervention');
    const paused = (await api('GET', '/api/paused')).body;
    assert.equal(paused.length, 1);
    assert.equal(paused[0].event, 'order');
    assert.deepEqual(paused[0].args, [{ qty: 1 }]);
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(app.received.length, 0, 'nothing reaches the server while the first is held');
    const fwd = await api('POST', `/api/paused/${paused[0].id}`, { verdict: 'forward', args: [{ qty: 99 }] });
    assert.equal(fwd.status, 200);
    assert.deepEqual(await first, { got: [{ qty: 99 }] });
    assert.deepEqual(await second, { got: [2] });
    assert.deepEqual(
      app.received.map((r) => r.event),
      ['order', 'other'],
    );
    const edited = proxy
      .history({ type: 'packet', event: 'order' })
      .find((e) => e.type === 'packet' && e.edited);
    assert.ok(edited?.type === 'packet');
    assert.deepEqual(edited.original?.args, [{ qty: 1 }]);
    assert.equal((await api('GET', '/api/rules')).body[0].hits, 1);
  } finally {
    socket.close();
    await clearRules();
  }
});

test('a drop rule with a limit: the server never sees the first, sees the next; the stream says so', async () => {
  app.received.length = 0;
  const { socket } = await connected();
  try {
    await api('POST', '/api/rules', { match: { event: 'ping-me' }, action: { kind: 'drop' }, limit: 1 });
    socket.emit('ping-me', 1);
    assert.deepEqual(await socket.timeout(5000).emitWithAck('ping-me', 2), { got: [2] });
    assert.deepEqual(app.received, [{ event: 'ping-me', args: [2] }]);
    const rules = (await api('GET', '/api/rules')).body;
    assert.equal(rules[0].enabled, false, 'the limit disabled it');
    await proxy.waitFor({ type: 'intervention', action: 'dropped' }, { since: 0 });
  } finally {
    socket.close();
    await clearRules();
  }
});

test('emit to the client as the server, and to the server with an ack the client never sees', async () => {
  app.received.length = 0;
  const { socket, sid } = await connected();
  try {
    const got = once<string>(socket, 'news');
    const toClient = await api('POST', `/api/sessions/${sid}/emit`, {
      direction: 's2c',
      event: 'news',
      args: ['hello'],
    });
    assert.equal(toClient.status, 200);
    assert.equal(typeof toClient.body.seq, 'number');
    assert.equal(await got, 'hello');
    const injected = proxy.history({ type: 'packet', event: 'news' });
    assert.ok(
      injected.some((e) => e.type === 'packet' && e.injected === true && e.seq === toClient.body.seq),
    );
    // The client's own ack stays its own while the proxy's emit is acked by the server.
    const own = socket.timeout(5000).emitWithAck('mine', 1);
    const withAck = await api('POST', `/api/sessions/${sid}/emit`, {
      direction: 'c2s',
      event: 'from-proxy',
      args: [{ a: 1 }],
      ack: true,
    });
    assert.equal(withAck.status, 200);
    assert.deepEqual(withAck.body.ack, [{ got: [{ a: 1 }] }]);
    assert.equal(typeof withAck.body.latencyMs, 'number');
    assert.deepEqual(await own, { got: [1] });
    assert.deepEqual(app.received.map((r) => r.event).sort(), ['from-proxy', 'mine']);
  } finally {
    socket.close();
  }
});

test('fault close-transport: the client reports transport close and reconnects by itself', async () => {
  const { socket, sid } = await connected();
  try {
    const reason = once<string>(socket, 'disconnect');
    assert.equal((await api('POST', `/api/sessions/${sid}/faults`, { kind: 'close-transport' })).status, 201);
    assert.equal(await reason, 'transport close');
    await once(socket, 'connect');
  } finally {
    socket.close();
  }
});

test('fault disconnect: io server disconnect on the client, client namespace disconnect on the server', async () => {
  app.reasons.length = 0;
  const { socket, sid } = await connected();
  try {
    const reason = once<string>(socket, 'disconnect');
    assert.equal(
      (await api('POST', `/api/sessions/${sid}/faults`, { kind: 'disconnect', nsp: '/' })).status,
      201,
    );
    assert.equal(await reason, 'io server disconnect');
    await waitUntil(() => app.reasons.includes('client namespace disconnect'));
  } finally {
    socket.close();
  }
});

test('fault client-ping-timeout: the client reports ping timeout', async () => {
  const { socket, sid } = await connected({ reconnection: false });
  try {
    const reason = once<string>(socket, 'disconnect', 6000);
    assert.equal(
      (await api('POST', `/api/sessions/${sid}/faults`, { kind: 'client-ping-timeout' })).status,
      201,
    );
    assert.equal(await reason, 'ping timeout');
  } finally {
    socket.close();
  }
});

test('fault server-ping-timeout: the server reports ping timeout', async () => {
  app.reasons.length = 0;
  const { socket, sid } = await connected({ reconnection: false });
  try {
    assert.equal(
      (await api('POST', `/api/sessions/${sid}/faults`, { kind: 'server-ping-timeout' })).status,
      201,
    );
    await waitUntil(() => app.reasons.includes('ping timeout'), 6000);
  } finally {
    socket.close();
  }
});

test('fault transport-error: the client reports transport error', async () => {
  const { socket, sid } = await connected({ reconnection: false });
  try {
    const reason = once<string>(socket, 'disconnect');
    assert.equal((await api('POST', `/api/sessions/${sid}/faults`, { kind: 'transport-error' })).status, 201);
    assert.equal(await reason, 'transport error');
  } finally {
    socket.close();
  }
});

test('target-down for 1.5 s: the client drops, fails its attempts, and comes back', async () => {
  const { socket } = await connected({ reconnectionDelay: 200, reconnectionDelayMax: 400 });
  try {
    const reason = once<string>(socket, 'disconnect');
    const down = await api('POST', '/api/faults', { kind: 'target-down', ms: 1500 });
    assert.equal(down.status, 201);
    assert.equal(await reason, 'transport close');
    await proxy.waitFor({ type: 'attempt', outcome: 'failed' }, { since: 0 });
    await once(socket, 'connect', 8000);
    await proxy.waitFor({ type: 'intervention', action: 'fault-ended' }, { since: 0 });
  } finally {
    socket.close();
  }
});

test('block-upgrade on a polling session keeps it on polling', async () => {
  const socket = io(proxy.url, { transports: ['polling', 'websocket'] });
  // Listened for from the start: the Socket.IO connect may come before the fault is armed.
  const connect = once(socket, 'connect');
  try {
    const session = (await proxy.waitFor({ type: 'session' })) as Extract<ProxyEvent, { type: 'session' }>;
    const blocked = await api('POST', `/api/sessions/${session.sessionId}/faults`, { kind: 'block-upgrade' });
    assert.equal(blocked.status, 201);
    await connect;
    await proxy.waitFor({ type: 'upgrade', stage: 'failure' }, { since: 0 });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(socket.io.engine.transport.name, 'polling');
  } finally {
    socket.close();
  }
});

test('a held packet is forwarded as it was after the pause timeout, and the stream says why', async () => {
  app.received.length = 0;
  const { socket } = await connected();
  try {
    await api('POST', '/api/rules', { match: { event: 'slow' }, action: { kind: 'pause' } });
    assert.deepEqual(await socket.timeout(5000).emitWithAck('slow', 'x'), { got: ['x'] });
    const timeout = await proxy.waitFor({ type: 'intervention', action: 'timeout' }, { since: 0 });
    assert.match(timeout.type === 'intervention' ? timeout.detail : '', /pause timeout \(600 ms\)/);
  } finally {
    socket.close();
    await clearRules();
  }
});

test('bad requests: 400 naming the field, 404 unknown, 405 wrong method; a polling emit is carried out', async () => {
  assert.deepEqual(await api('POST', '/api/rules', { match: { evnt: 'x' }, action: { kind: 'drop' } }), {
    status: 400,
    body: {
      error: (await api('POST', '/api/rules', { match: { evnt: 'x' }, action: { kind: 'drop' } })).body.error,
    },
  });
  assert.match(
    (await api('POST', '/api/rules', { match: { evnt: 'x' }, action: { kind: 'drop' } })).body.error,
    /match\.evnt/,
  );
  assert.match((await api('POST', '/api/rules', { action: { kind: 'explode' } })).body.error, /action\.kind/);
  assert.equal((await api('POST', '/api/rules', '{not json')).status, 400);
  assert.equal((await api('PATCH', '/api/rules/r999', { enabled: false })).status, 404);
  assert.equal((await api('POST', '/api/paused/p999', { verdict: 'forward' })).status, 404);
  assert.equal((await api('POST', '/api/sessions/nope/emit', { direction: 'c2s', event: 'x' })).status, 404);
  assert.match(
    (await api('POST', '/api/sessions/nope/emit', { direction: 'up', event: 'x' })).body.error,
    /direction/,
  );
  assert.equal((await api('POST', '/api/sessions/nope/faults', { kind: 'stall' })).status, 404);
  assert.equal((await api('POST', '/api/faults', { kind: 'meteor' })).status, 400);
  assert.equal((await api('DELETE', '/api/faults/t999')).status, 404);
  assert.equal((await api('PUT', '/api/rules')).status, 405);
  const polling = io(proxy.url, { transports: ['polling'] });
  try {
    const session = (await proxy.waitFor({ type: 'session' })) as Extract<ProxyEvent, { type: 'session' }>;
    await once(polling, 'connect');
    const got = once<string>(polling, 'x');
    const r = await api('POST', `/api/sessions/${session.sessionId}/emit`, {
      direction: 's2c',
      event: 'x',
      args: ['over polling'],
    });
    assert.equal(r.status, 200);
    assert.equal(await got, 'over polling');
  } finally {
    polling.close();
  }
  const unauth = await fetch(`${new URL(proxy.dashboardUrl!).origin}/api/rules`);
  assert.equal(unauth.status, 401);
  assert.match(((await unauth.json()) as { error: string }).error, /missing or wrong token/);
});

async function waitUntil(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
