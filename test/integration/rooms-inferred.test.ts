/**
 * Rooms inferred from broadcasts: real socket.io@4 target, real clients through the proxy (WebSocket
 * and long-polling), the InferredRooms observer on the proxy's bus.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Socket } from 'socket.io-client';
import { InferredRooms } from '../../proxy/rooms/inferred-rooms.js';
import type { ProxyEvent, RoomEvent } from '../../shared/events.js';
import { sleep, waitFor } from '../support/harness.js';
import { closeClient, startEnv, type Env } from '../support/v4-helpers.js';

const groups = (events: ProxyEvent[]): RoomEvent[] =>
  events.filter((e): e is RoomEvent => e.type === 'room' && e.action === 'group');
const sorted = (ids: string[]) => [...ids].sort();

describe('inferred rooms', () => {
  let env: Env;
  let inferred: InferredRooms;
  let clients: Socket[];
  let sids: string[];

  before(async () => {
    env = await startEnv();
    inferred = new InferredRooms(env.proxy.proxy.bus);
    env.target.io.on('connection', (socket) => {
      socket.on('join', (room: string, ack: () => void) => {
        void socket.join(room);
        ack();
      });
      socket.on('unicast', (text: string, ack: () => void) => {
        socket.emit('dm', text);
        ack();
      });
    });
    // Four over WebSocket, one that stays on long-polling.
    clients = await Promise.all(
      [0, 1, 2, 3, 4].map((i) => env.connect('proxy', { transports: i === 4 ? ['polling'] : ['websocket'] })),
    );
    sids = clients.map((c) => c.io.engine.id ?? '');
    // 0, 2 and 4 (the polling one) are in 'red'.
    await Promise.all([0, 2, 4].map((i) => clients[i]!.timeout(2000).emitWithAck('join', 'red')));
  });
  after(async () => {
    inferred.close();
    await env.close();
  });

  test('a broadcast to a room: one group with exactly its members', async () => {
    const received = Promise.all([0, 2, 4].map((i) => new Promise((r) => clients[i]!.once('news', r))));
    env.target.io.to('red').emit('news', { text: 'hello red' });
    await received;
    const group = await waitFor(
      () => groups(env.proxy.events).find((g) => g.room.includes('news')),
      2000,
      'the group of red',
    );
    assert.equal(group.source, 'inferred');
    assert.equal(group.nsp, '/');
    assert.match(group.room, /^<inferred #\d+: news>$/);
    assert.deepEqual(sorted(group.members ?? []), sorted([0, 2, 4].map((i) => sids[i]!)));
    assert.equal(group.sessionId, undefined);

    // The same room again (another event, other data): a known member set, nothing new.
    const count = groups(env.proxy.events).length;
    const again = Promise.all([0, 2, 4].map((i) => new Promise((r) => clients[i]!.once('news', r))));
    env.target.io.to('red').emit('news', { text: 'hello again' });
    await again;
    await sleep(200);
    assert.equal(groups(env.proxy.events).length, count, 'the same members are not published again');
  });

  test('a broadcast to everyone: a group of five', async () => {
    const received = Promise.all(clients.map((c) => new Promise((r) => c.once('all', r))));
    env.target.io.emit('all', 42);
    await received;
    const group = await waitFor(
      () => groups(env.proxy.events).find((g) => g.room.includes(': all>')),
      2000,
      'the group of everyone',
    );
    assert.deepEqual(sorted(group.members ?? []), sorted(sids));
  });

  test('unicasts make no group, even the same text to the same session twice', async () => {
    const count = groups(env.proxy.events).length;
    // Each socket gets its own text, at the same moment.
    await Promise.all(clients.map((c, i) => c.timeout(2000).emitWithAck('unicast', `for ${i}`)));
    // One socket gets the same text twice in a row.
    await clients[1]!.timeout(2000).emitWithAck('unicast', 'twice');
    await clients[1]!.timeout(2000).emitWithAck('unicast', 'twice');
    await sleep(200);
    assert.deepEqual(groups(env.proxy.events).slice(count), []);
  });

  test('a member leaving: the group is published again without it', async () => {
    const red = groups(env.proxy.events).find((g) => g.room.includes('news'))!;
    closeClient(clients[2]!);
    const update = await waitFor(
      () => groups(env.proxy.events).find((g) => g.room === red.room && g.seq > red.seq),
      3000,
      'the group update',
    );
    assert.deepEqual(sorted(update.members ?? []), sorted([sids[0]!, sids[4]!]));

    // The two remaining members are that same group now: a broadcast to red adds nothing.
    const count = groups(env.proxy.events).length;
    const received = Promise.all([0, 4].map((i) => new Promise((r) => clients[i]!.once('news', r))));
    env.target.io.to('red').emit('news', { text: 'two left' });
    await received;
    await sleep(200);
    assert.equal(groups(env.proxy.events).length, count);
  });
});
