/** Which events a one-session HAR (`GET /api/har?session=`) takes: its own, and its room groups. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sessionFilter } from '../../proxy/stream/har-plugin.js';
import type { ProxyEvent, RoomEvent } from '../../shared/events.js';

const group = (seq: number, room: string, members: string[]): RoomEvent => ({
  seq,
  ts: seq,
  type: 'room',
  action: 'group',
  source: 'inferred',
  nsp: '/',
  room,
  members,
  confidence: 'likely',
  evidence: ['a broadcast'],
});

test('a one-session HAR keeps its inferred groups, and their updates after it left', () => {
  const keep = sessionFilter('A');
  const events: ProxyEvent[] = [
    group(1, '<inferred #1: news>', ['A', 'B']),
    group(2, '<inferred #2: other>', ['B', 'C']),
    group(3, '<inferred #1: news>', ['B']),
    group(4, '<inferred #2: other>', ['C']),
    {
      seq: 5,
      ts: 5,
      type: 'room',
      action: 'join',
      source: 'admin-ui',
      nsp: '/',
      room: 'red',
      sessionId: 'A',
    },
    {
      seq: 6,
      ts: 6,
      type: 'room',
      action: 'join',
      source: 'admin-ui',
      nsp: '/',
      room: 'red',
      sessionId: 'B',
    },
  ];
  assert.deepEqual(
    events.filter(keep).map((e) => e.seq),
    [1, 3, 5],
    'its group, the update that shows it left, and its own join; nothing of groups it was never in',
  );
});
