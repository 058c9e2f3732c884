/**
 * Rooms read from @socket.io/admin-ui: a real socket.io@4 target instrumented with `instrument(io)`,
 * real clients through the proxy (and one direct), the AdminUiSource connected straight to the target.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { instrument } from '@socket.io/admin-ui';
import bcrypt from 'bcryptjs';
import type { Server } from 'socket.io';
import { createLogger } from '../../proxy/log.js';
import { AdminUiSource, adminUiUrl, SessionIndex } from '../../proxy/rooms/admin-ui-source.js';
import type { ProxyEvent, RoomEvent } from '../../shared/events.js';
import { sleep, waitFor } from '../support/harness.js';
import { closeClient, startEnv, type Env } from '../support/v4-helpers.js';

const roomEvents = (events: ProxyEvent[], match: Partial<RoomEvent> = {}): RoomEvent[] =>
  events.filter(
    (e): e is RoomEvent =>
      e.type === 'room' &&
      e.source === 'admin-ui' &&
      Object.entries(match).every(([k, v]) => (e as unknown as Record<string, unknown>)[k] === v),
  );

function roomHandlers(io: Server, nsp = '/'): void {
  io.of(nsp).on('connection', (socket) => {
    socket.on('join', (room: string, ack: () => void) => {
      void socket.join(room);
      ack();
    });
    socket.on('leave', (room: string, ack: () => void) => {
      void socket.leave(room);
      ack();
    });
    socket.on('hello', (ack: (v: string) => void) => ack('pong'));
  });
}

/** An AdminUiSource on the env's proxy bus, closed with the env; its log lines are kept. */
function startSource(env: Env, url: string, auth?: { username: string; password: string }) {
  const lines: string[] = [];
  const bus = env.proxy.proxy.bus;
  const index = new SessionIndex(bus, () => Array.from(env.proxy.proxy.sessions.values(), (s) => s.sid));
  const source = new AdminUiSource({
    bus,
    url,
    lookup: index.lookup,
    log: createLogger({ write: (l) => lines.push(l) }),
    reconnectDelay: { min: 50, max: 200 },
    ...(auth ? { auth } : {}),
  }).start();
  env.defer(() => {
    source.close();
    index.close();
  });
  return { source, lines };
}

describe('admin-ui rooms (auth: false)', () => {
  let env: Env;
  let source: AdminUiSource;
  let lines: string[];

  before(async () => {
    env = await startEnv();
    instrument(env.target.io, { auth: false, mode: 'development' });
    roomHandlers(env.target.io);
    roomHandlers(env.target.io, '/chat');
  });
  after(() => env.close());

  test('the all_sockets snapshot: a join per room of each socket, its own room flagged', async () => {
    const a = await env.connect('proxy');
    await a.timeout(2000).emitWithAck('join', 'red');
    ({ source, lines } = startSource(env, `${env.target.url}/admin`));
    await waitFor(() => source.status === 'connected', 3000, 'the admin namespace');
    const joins = await waitFor(
      () => {
        const list = roomEvents(env.proxy.events, { action: 'join', socketId: a.id });
        return list.length >= 2 && list;
      },
      3000,
      'the joins of the snapshot',
    );
    const sid = a.io.engine.id;
    const own = joins.find((e) => e.room === a.id)!;
    assert.deepEqual(
      { nsp: own.nsp, sessionId: own.sessionId, own: own.own },
      { nsp: '/', sessionId: sid, own: true },
    );
    const red = joins.find((e) => e.room === 'red')!;
    assert.equal(red.sessionId, sid);
    assert.equal(red.own, undefined);
    assert.equal(joins.length, 2);
    assert.ok(
      lines.some((l) => l.includes(`reading rooms from ${env.target.url}/admin`)),
      lines.join('\n'),
    );
    // The admin namespace's own sockets (this source) are not the app's.
    assert.deepEqual(
      roomEvents(env.proxy.events).filter((e) => e.nsp === '/admin'),
      [],
    );
  });

  test('live: join on connect, join and leave on demand, leaves on disconnect', async () => {
    const b = await env.connect('proxy', { transports: ['websocket'] });
    const sid = b.io.engine.id;
    const id = b.id!;
    await waitFor(() => roomEvents(env.proxy.events, { socketId: id, room: id }).length, 3000, 'own room');
    await b.timeout(2000).emitWithAck('join', 'blue');
    const join = await waitFor(
      () => roomEvents(env.proxy.events, { action: 'join', socketId: id, room: 'blue' })[0],
      3000,
      'the join of blue',
    );
    assert.equal(join.sessionId, sid);
    assert.equal(join.nsp, '/');

    await b.timeout(2000).emitWithAck('leave', 'blue');
    const leave = await waitFor(
      () => roomEvents(env.proxy.events, { action: 'leave', socketId: id, room: 'blue' })[0],
      3000,
      'the leave of blue',
    );
    assert.equal(leave.sessionId, sid);

    await b.timeout(2000).emitWithAck('join', 'green');
    closeClient(b);
    await waitFor(
      () => roomEvents(env.proxy.events, { action: 'leave', socketId: id }).length >= 3,
      3000,
      'the leaves of the disconnect',
    );
    await sleep(100); // admin-ui's own room_left events come after socket_disconnected
    const leaves = roomEvents(env.proxy.events, { action: 'leave', socketId: id });
    assert.deepEqual(leaves.map((e) => e.room).sort(), ['blue', 'green', id].sort(), 'one leave per room');
    assert.ok(leaves.every((e) => e.sessionId === sid));
  });

  test('another namespace of a proxied session, and a socket the proxy does not relay', async () => {
    const chat = await env.connect('proxy', {}, '/chat');
    await chat.timeout(2000).emitWithAck('join', 'lobby');
    const join = await waitFor(
      () => roomEvents(env.proxy.events, { action: 'join', socketId: chat.id, room: 'lobby' })[0],
      3000,
      'the join in /chat',
    );
    assert.equal(join.nsp, '/chat');
    assert.equal(join.sessionId, chat.io.engine.id);

    const direct = await env.connect('direct');
    await direct.timeout(2000).emitWithAck('join', 'red');
    const other = await waitFor(
      () => roomEvents(env.proxy.events, { action: 'join', socketId: direct.id, room: 'red' })[0],
      3000,
      'the join of the direct socket',
    );
    assert.equal(other.sessionId, undefined, 'not a session of the proxy');
  });

  test('reconnects when the admin namespace drops, without publishing twice', async () => {
    const a = await env.connect('proxy');
    await a.timeout(2000).emitWithAck('join', 'yellow');
    await waitFor(
      () => roomEvents(env.proxy.events, { socketId: a.id, room: 'yellow' }).length,
      3000,
      'join',
    );
    env.target.io.of('/admin').disconnectSockets();
    await waitFor(() => lines.some((l) => l.includes('lost')), 3000, 'the drop');
    // While the source is away: a leave it can only learn from the next snapshot.
    await a.timeout(2000).emitWithAck('leave', 'yellow');
    await waitFor(() => lines.some((l) => l.includes('reconnected to')), 3000, 'the reconnection');
    await waitFor(
      () => roomEvents(env.proxy.events, { action: 'leave', socketId: a.id, room: 'yellow' }).length,
      3000,
      'the leave, from the snapshot or from room_left',
    );
    await sleep(100);
    assert.equal(roomEvents(env.proxy.events, { action: 'join', socketId: a.id, room: 'yellow' }).length, 1);
    assert.equal(roomEvents(env.proxy.events, { action: 'leave', socketId: a.id, room: 'yellow' }).length, 1);
    assert.equal(roomEvents(env.proxy.events, { action: 'join', socketId: a.id, room: a.id }).length, 1);

    await a.timeout(2000).emitWithAck('join', 'after');
    await waitFor(
      () => roomEvents(env.proxy.events, { action: 'join', socketId: a.id, room: 'after' }).length,
      3000,
      'a join after the reconnection',
    );
  });
});

describe('admin-ui with basic auth', () => {
  let env: Env;
  const credentials = { username: 'admin', password: 's3cret' };

  before(async () => {
    env = await startEnv();
    instrument(env.target.io, {
      // admin-ui compares the password with bcryptjs against this hash.
      auth: { type: 'basic', username: 'admin', password: bcrypt.hashSync('s3cret', 4) },
      mode: 'development',
    });
    roomHandlers(env.target.io);
  });
  after(() => env.close());

  test('the right credentials: rooms flow', async () => {
    const { source } = startSource(env, `${env.target.url}/admin`, credentials);
    await waitFor(() => source.status === 'connected', 3000, 'the admin namespace');
    const c = await env.connect('proxy');
    await c.timeout(2000).emitWithAck('join', 'vip');
    const join = await waitFor(
      () => roomEvents(env.proxy.events, { action: 'join', socketId: c.id, room: 'vip' })[0],
      3000,
      'the join of vip',
    );
    assert.equal(join.sessionId, c.io.engine.id);
    source.close();
  });

  test('wrong or missing credentials: one log line, and the proxy keeps serving', async () => {
    const wrong = startSource(env, `${env.target.url}/admin`, { username: 'admin', password: 'nope' });
    const none = startSource(env, `${env.target.url}/admin`);
    await waitFor(() => wrong.source.status === 'final' && none.source.status === 'final', 3000, 'refusals');
    await sleep(300); // no retries, no more lines
    assert.deepEqual(wrong.lines, [
      `sio-proxy: admin-ui: ${env.target.url}/admin refused the --admin-auth credentials (invalid credentials); rooms come from broadcasts only`,
    ]);
    assert.equal(none.lines.length, 1);
    assert.match(none.lines[0]!, /refused to connect without --admin-auth \(invalid credentials\)/);

    const count = roomEvents(env.proxy.events).length;
    const c = await env.connect('proxy');
    assert.equal(await c.timeout(2000).emitWithAck('hello'), 'pong');
    await c.timeout(2000).emitWithAck('join', 'vip');
    await sleep(200);
    assert.equal(roomEvents(env.proxy.events).length, count, 'no admin-ui events without the namespace');
  });

  test('no such namespace: one log line', async () => {
    const { source, lines } = startSource(env, `${env.target.url}/nope`, credentials);
    await waitFor(() => source.status === 'final', 3000, 'the refusal');
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /has no namespace \/nope \(is instrument\(io\) running there\?\)/);
  });
});

test('adminUiUrl: where --admin-ui points', () => {
  const target = new URL('http://127.0.0.1:3000/');
  assert.equal(adminUiUrl('', target).href, 'http://127.0.0.1:3000/admin');
  assert.equal(adminUiUrl('/ops', target).href, 'http://127.0.0.1:3000/ops');
  assert.equal(adminUiUrl('http://other:4000', target).href, 'http://other:4000/admin');
  assert.equal(adminUiUrl('http://other:4000/adm/', target).href, 'http://other:4000/adm/');
  assert.equal(adminUiUrl('other:4000/x', target).href, 'http://other:4000/x');
  assert.throws(() => adminUiUrl('ftp://other/admin', target), /must be an http/);
});
