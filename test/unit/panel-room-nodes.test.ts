/** Admin-ui rooms in a cluster: the panel keeps the node of each member, as the room events name it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RoomEvent } from '../../shared/events.js';
import { reduceRoom, roomKey, type RoomsState } from '../../panel/src/store/rooms.js';

let seq = 0;
const room = (action: 'join' | 'leave', socketId: string, node?: string): RoomEvent => ({
  type: 'room',
  action,
  source: 'admin-ui',
  nsp: '/',
  room: 'everyone',
  socketId,
  sessionId: `sid-${socketId}`,
  ...(node ? { node } : {}),
  seq: ++seq,
  ts: seq,
});

test('each member keeps its own node; a leave forgets it', () => {
  const rooms: RoomsState = new Map();
  reduceRoom(rooms, room('join', 'a', 'http://n1:1'));
  reduceRoom(rooms, room('join', 'b', 'http://n2:2'));
  reduceRoom(rooms, room('join', 'c'));
  const key = roomKey('admin-ui', '/', 'everyone');
  assert.deepEqual(rooms.get(key)?.members, ['a', 'b', 'c']);
  assert.deepEqual(rooms.get(key)?.memberNodes, { a: 'http://n1:1', b: 'http://n2:2' });
  reduceRoom(rooms, room('leave', 'a'));
  assert.deepEqual(rooms.get(key)?.memberNodes, { b: 'http://n2:2' });
  reduceRoom(rooms, room('leave', 'b'));
  assert.equal(rooms.get(key)?.memberNodes, undefined, 'none left with a node');
  assert.deepEqual(rooms.get(key)?.members, ['c']);
});

test('one node: no member nodes at all', () => {
  const rooms: RoomsState = new Map();
  reduceRoom(rooms, room('join', 'x'));
  assert.equal(rooms.get(roomKey('admin-ui', '/', 'everyone'))?.memberNodes, undefined);
});
