/**
 * Rooms over time: the rooms slice's history of joins and leaves (admin-ui facts one socket at a
 * time, inferred groups as the difference of member sets), and the matrices the view draws from it
 * (rooms as rows, members as columns, intervals in each cell).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProxyEvent, UnstampedEvent } from '../../shared/events.js';
import { createPanelStore } from '../../panel/src/store/panel-store.js';
import { MAX_ROOM_CHANGES, RoomHistory } from '../../panel/src/store/room-history.js';
import { freshEdges, isMember, roomMatrices, stayEdgeKey } from '../../panel/src/views/rooms/room-matrix.js';
import { EventFactory, T0 } from '../support/panel-events.js';

function room(f: EventFactory, e: Record<string, unknown>, advance = 10): ProxyEvent {
  return f.ev({ type: 'room', nsp: '/', source: 'admin-ui', ...e } as UnstampedEvent, advance);
}

function history(events: ProxyEvent[]) {
  const store = createPanelStore();
  store.getState().ingest(events);
  return store.getState().model.roomHistory;
}

test('admin-ui joins and leaves are recorded once each, with their time', () => {
  const f = new EventFactory();
  const h = history([
    room(f, { action: 'join', room: 'blue', socketId: 'A' }),
    room(f, { action: 'join', room: 'blue', socketId: 'A' }), // again: nothing changes
    room(f, { action: 'join', room: 'blue', socketId: 'B' }),
    room(f, { action: 'leave', room: 'blue', socketId: 'A' }),
    room(f, { action: 'leave', room: 'blue', socketId: 'A' }), // not a member any more
    room(f, { action: 'join', room: 'blue', socketId: 'A' }),
  ]);
  assert.deepEqual(
    h.changes.map((c) => `${c.ts - T0} ${c.action} ${c.member} ${c.memberKind}`),
    ['10 join A socket', '30 join B socket', '40 leave A socket', '60 join A socket'],
  );
});

test('an inferred group records the difference of its member sets', () => {
  const f = new EventFactory();
  const h = history([
    room(f, { action: 'group', source: 'inferred', room: 'g1', members: ['s1', 's2'], confidence: 'guess' }),
    room(f, { action: 'group', source: 'inferred', room: 'g1', members: ['s2', 's3'], confidence: 'guess' }),
    room(f, { action: 'group', source: 'inferred', room: 'g1', members: [], confidence: 'guess' }),
  ]);
  assert.deepEqual(
    h.changes.map((c) => `${c.action} ${c.member} ${c.memberKind} ${c.source}`),
    [
      'join s1 session inferred',
      'join s2 session inferred',
      'join s3 session inferred',
      'leave s1 session inferred',
      'leave s2 session inferred',
      'leave s3 session inferred',
    ],
  );
});

test('the history is bounded, oldest first out, and counts what it dropped', () => {
  const h = new RoomHistory();
  for (let i = 0; i < MAX_ROOM_CHANGES + 5; i++)
    h.record(undefined, {
      type: 'room',
      seq: i + 1,
      ts: i,
      action: 'join',
      source: 'admin-ui',
      nsp: '/',
      room: `r${i}`,
      socketId: 'A',
    });
  assert.equal(h.changes.length, MAX_ROOM_CHANGES);
  assert.equal(h.dropped, 5);
  assert.equal(h.changes[0]?.room, 'r5');
});

test('a matrix per namespace: rooms as rows, members as columns, intervals in the cells', () => {
  const f = new EventFactory();
  const h = history([
    room(f, { action: 'join', room: 'blue', socketId: 'A' }),
    room(f, { action: 'join', room: 'A', socketId: 'A', own: true }),
    room(f, { action: 'join', room: 'blue', socketId: 'B' }),
    room(f, { action: 'leave', room: 'blue', socketId: 'A' }),
    room(f, { action: 'join', room: 'admins', socketId: 'A', nsp: '/admin' }),
    room(f, { action: 'join', room: 'blue', socketId: 'A' }),
    room(f, { action: 'group', source: 'inferred', room: 'g', members: ['s9'], confidence: 'guess' }),
  ]);
  const [root, admin] = roomMatrices(h.changes, { withOwn: false, hideGuesses: false });
  assert.equal(root?.nsp, '/');
  assert.equal(admin?.nsp, '/admin');
  assert.deepEqual(
    root?.rows.map((r) => `${r.room}:${r.source}`),
    ['blue:admin-ui', 'g:inferred'],
    'the own room is left out',
  );
  assert.deepEqual(
    root?.members.map((m) => `${m.id}:${m.kind}`),
    ['A:socket', 'B:socket', 's9:session'],
  );
  const blue = root!.rows[0]!;
  assert.deepEqual(blue.cells.get('A'), [
    { from: T0 + 10, to: T0 + 40 },
    { from: T0 + 60, to: undefined },
  ]);
  assert.equal(isMember(blue, 'A'), true);
  assert.equal(isMember(blue, 'B'), true);
  assert.equal(isMember(blue, 's9'), false);
  assert.deepEqual({ from: root!.from, to: root!.to }, { from: T0 + 10, to: T0 + 70 });
  const withOwn = roomMatrices(h.changes, { withOwn: true, hideGuesses: true });
  assert.deepEqual(
    withOwn[0]?.rows.map((r) => r.room),
    ['A', 'blue'],
    'own rooms on demand, guesses hidden',
  );
});

test('the stays’ edges drawn by changes after a seq, over the newest second: what moves when it appears', () => {
  const f = new EventFactory();
  const events = [
    room(f, { action: 'join', room: 'blue', socketId: 'A' }),
    room(f, { action: 'join', room: 'blue', socketId: 'B' }, 2000),
    room(f, { action: 'leave', room: 'blue', socketId: 'A' }, 100),
    room(f, { action: 'join', room: 'red', socketId: 'A' }, 100),
  ];
  const h = history(events);
  const opened = events[0]!.seq;
  const fresh = freshEdges(h.changes, opened);
  const [, b, leave, red] = h.changes;
  assert.deepEqual(
    fresh,
    new Set([
      stayEdgeKey(b!.key, 'B', 'join', b!.ts),
      stayEdgeKey(leave!.key, 'A', 'leave', leave!.ts),
      stayEdgeKey(red!.key, 'A', 'join', red!.ts),
    ]),
  );
  // The edges are those the matrix draws: A's stay in blue ends at the leave's instant.
  const blue = roomMatrices(h.changes, { withOwn: false, hideGuesses: false })[0]!.rows.find(
    (r) => r.room === 'blue',
  )!;
  assert.equal(blue.cells.get('A')![0]!.to, leave!.ts);
  assert.equal(blue.cells.get('B')![0]!.from, b!.ts);
  assert.equal(freshEdges(h.changes, events[3]!.seq).size, 0, 'nothing after the newest seq');
  assert.equal(freshEdges(h.changes, opened, 150).size, 2, 'B’s join, 200 ms before the newest, is over');
});
