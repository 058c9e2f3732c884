/**
 * Rooms as a bipartite graph (panel/src/views/rooms/bipartite.ts): per namespace, rooms and members
 * as two columns with an edge per membership (from the real rooms reducer), members ordered to
 * keep edges apart, inferred rooms as guesses, big namespaces left out, and the text equivalent.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProxyEvent, UnstampedEvent } from '../../shared/events.js';
import { createPanelStore } from '../../panel/src/store/panel-store.js';
import { roomList } from '../../panel/src/store/selectors.js';
import { GRAPH_ROW, graphSummary, roomGraphs } from '../../panel/src/views/rooms/bipartite.js';
import { EventFactory } from '../support/panel-events.js';

function roomsOf(events: (f: EventFactory) => ProxyEvent[]) {
  const f = new EventFactory();
  const store = createPanelStore();
  store.getState().ingest(events(f));
  return roomList(store.getState().model, false);
}

const room = (f: EventFactory, e: Record<string, unknown>) =>
  f.ev({ type: 'room', nsp: '/', source: 'admin-ui', ...e } as UnstampedEvent);

test('an edge per membership; members ordered by their rooms, so edges do not cross', () => {
  const rooms = roomsOf((f) => [
    room(f, { action: 'join', room: 'a', socketId: 'Z' }),
    room(f, { action: 'join', room: 'c', socketId: 'X' }),
    room(f, { action: 'join', room: 'b', socketId: 'Y' }),
    room(f, { action: 'join', room: 'a', socketId: 'W' }),
    room(f, { action: 'join', room: 'staff', socketId: 'Q', nsp: '/admin' }),
    room(f, { action: 'join', room: 'Z', socketId: 'Z', own: true }),
  ]);
  const { graphs, tooBig } = roomGraphs(rooms);
  assert.deepEqual(tooBig, []);
  assert.deepEqual(
    graphs.map((g) => g.nsp),
    ['/', '/admin'],
  );
  const root = graphs[0]!;
  assert.deepEqual(
    root.rooms.map((r) => r.label),
    ['a', 'b', 'c'],
    'own rooms are left out by roomList',
  );
  assert.deepEqual(
    root.members.map((m) => m.member),
    ['W', 'Z', 'Y', 'X'],
    'members of room a first, then b, then c',
  );
  assert.deepEqual(
    root.edges.map((e) => `${e.room.split('\u0000')[2]}-${e.member}`),
    ['a-socket:Z', 'a-socket:W', 'b-socket:Y', 'c-socket:X'],
  );
  // No two edges cross: the order of their ends agrees on both sides.
  for (const e of root.edges)
    for (const o of root.edges) assert.ok(!(e.y1 < o.y1 && e.y2 > o.y2), `${e.member} and ${o.member} cross`);
  assert.equal(root.height, 4 * GRAPH_ROW);
  assert.deepEqual(
    root.rooms.map((r) => r.y),
    // 3 rooms beside 4 members: half a row down, each at its row's middle.
    [1, 2, 3].map((i) => i * GRAPH_ROW),
    'the shorter column is centred',
  );
});

test('inferred rooms are guesses, and so are members known only from them', () => {
  const rooms = roomsOf((f) => [
    room(f, { action: 'group', source: 'inferred', room: 'g', members: ['s1', 's2'], confidence: 'guess' }),
    room(f, { action: 'join', room: 'blue', sessionId: 's1' }),
  ]);
  const g = roomGraphs(rooms).graphs[0]!;
  assert.deepEqual(
    g.rooms.map((r) => [r.label, r.guess]),
    [
      ['blue', false],
      ['g', true],
    ],
  );
  assert.deepEqual(
    g.members.map((m) => [m.member, m.kind, m.guess]),
    [
      ['s1', 'session', false],
      ['s2', 'session', true],
    ],
  );
  assert.deepEqual(
    g.edges.filter((e) => e.guess).map((e) => e.member),
    ['session:s1', 'session:s2'],
  );
  assert.equal(graphSummary(g), 'Namespace /, 2 rooms and 2 members. blue: s1; g (inferred): s1, s2.');
});

test('a namespace too big for a graph is named with its counts instead', () => {
  const rooms = roomsOf((f) =>
    Array.from({ length: 5 }, (_, i) => room(f, { action: 'join', room: `r${i}`, socketId: `S${i}` })),
  );
  const { graphs, tooBig } = roomGraphs(rooms, { rooms: 4, members: 24 });
  assert.deepEqual(graphs, []);
  assert.deepEqual(tooBig, [{ nsp: '/', rooms: 5, members: 5 }]);
  assert.equal(roomGraphs(rooms, { rooms: 12, members: 4 }).tooBig[0]?.members, 5);
  assert.equal(roomGraphs(rooms).graphs.length, 1);
});
