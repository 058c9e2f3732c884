/** Inferred rooms never list a closed session (issue #10: a stale member, the live one missing). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventBus } from '../../proxy/events/bus.js';
import { InferredRooms } from '../../proxy/rooms/inferred-rooms.js';
import type { ProxyEvent, RoomEvent } from '../../shared/events.js';
import { sleep } from '../support/harness.js';

function setup() {
  const bus = new EventBus();
  const events: ProxyEvent[] = [];
  bus.subscribe((e) => void events.push(e));
  const rooms = new InferredRooms(bus, { quietMs: 20 });
  const broadcast = (sid: string, ts: number) =>
    bus.emit({
      type: 'packet',
      sessionId: sid,
      direction: 's2c',
      transport: 'websocket',
      engine: 'message',
      size: 10,
      sio: { type: 'EVENT', nsp: '/', event: 'ping', args: ['ping'] },
      data: '2["ping"]',
      ...({ ts } as object),
    });
  const close = (sid: string) =>
    bus.emit({
      type: 'close',
      sessionId: sid,
      leg: 'client',
      first: 'client',
      reason: 'transport close',
      clientReason: 'transport close',
      serverReason: 'transport close',
      confidence: 'likely',
      evidence: ['test'],
    });
  const groups = () => events.filter((e): e is RoomEvent => e.type === 'room');
  return { rooms, broadcast, close, groups };
}

test('a session that closes while its broadcast window is open is never a member', async () => {
  const { rooms, broadcast, close, groups } = setup();
  const now = Date.now();
  broadcast('dead', now);
  broadcast('live1', now + 1);
  broadcast('live2', now + 2);
  close('dead');
  await sleep(80);
  const g = groups();
  assert.equal(g.length, 1);
  assert.deepEqual(g[0]?.members, ['live1', 'live2']);
  assert.equal(g[0]?.confidence, 'guess');
  assert.match(g[0]?.evidence?.[0] ?? '', /2 sessions got the same "ping" EVENT text/);
  rooms.close();
});

test('a group drops a closed member at once, and a late packet of a dead session does not bring it back', async () => {
  const { rooms, broadcast, close, groups } = setup();
  let now = Date.now();
  broadcast('a', now);
  broadcast('b', now + 1);
  broadcast('c', now + 2);
  await sleep(60);
  close('a');
  await sleep(60);
  const shrunk = groups().at(-1);
  assert.deepEqual(shrunk?.members, ['b', 'c']);
  assert.ok(shrunk?.evidence?.some((l) => /session a closed/.test(l)));
  now = Date.now();
  broadcast('a', now);
  broadcast('b', now + 1);
  await sleep(60);
  assert.ok(groups().every((g) => !g.members?.includes('a') || g === groups()[0]));
  rooms.close();
});
