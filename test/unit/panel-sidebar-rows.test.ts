/** The sidebar's flat row model (what its virtualisation renders a window of). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionView } from '../../panel/src/store/model.js';
import type { ClientGroup } from '../../panel/src/store/selectors.js';
import { nodeCounts } from '../../panel/src/store/nodes.js';
import { RECENT, runsOf, sidebarRows } from '../../panel/src/views/sidebar/sidebar-rows.js';

function group(key: string, open: number, closed = 0): ClientGroup {
  const sessions = [
    ...Array.from({ length: closed }, (_, i) => ({ sid: `${key}-c${i}`, endedAt: 1 })),
    ...Array.from({ length: open }, (_, i) => ({ sid: `${key}-o${i}`, endedAt: undefined })),
  ] as unknown as SessionView[];
  return { client: { clientKey: key, attempts: [] }, sessions, live: open > 0 } as unknown as ClientGroup;
}

test('each client is a head row, its earlier sessions folded, then its recent sessions', () => {
  const rows = sidebarRows([group('a', 1), group('b', 2, 5)], false, new Set());
  assert.deepEqual(
    rows.map((r) => r.key),
    ['c:a', 's:a-o0', 'c:b', 'o:b', 's:b-c4', 's:b-o0', 's:b-o1'],
  );
  const older = rows.find((r) => r.kind === 'older');
  assert.equal(older?.kind === 'older' && older.count, 7 - RECENT);
});

test('an expanded client shows every session; live only drops closed sessions and clients', () => {
  assert.equal(sidebarRows([group('b', 2, 5)], false, new Set(['b'])).length, 1 + 7);
  const live = sidebarRows([group('a', 0, 2), group('b', 1, 5)], true, new Set());
  assert.deepEqual(
    live.map((r) => r.key),
    ['c:b', 's:b-o0'],
  );
});

test('runs group consecutive rows of one client within the window', () => {
  const rows = sidebarRows([group('a', 2), group('b', 1), group('c', 1)], false, new Set());
  assert.deepEqual(runsOf(rows, 1, 6), [
    [1, 3],
    [3, 5],
    [5, 6],
  ]);
});

test('a node filter keeps only the sessions opened on that node, and the clients that have one', () => {
  const on = (key: string, targets: string[]) =>
    ({
      client: { clientKey: key, attempts: [] },
      sessions: targets.map((target, i) => ({ sid: `${key}-${i}`, target, endedAt: undefined })),
      live: true,
    }) as unknown as ClientGroup;
  const groups = [on('a', ['http://n1', 'http://n2']), on('b', ['http://n1']), on('c', ['http://n2'])];
  assert.deepEqual(
    sidebarRows(groups, false, new Set(), 'http://n2').map((r) => r.key),
    ['c:a', 's:a-1', 'c:c', 's:c-0'],
  );
  assert.equal(sidebarRows(groups, false, new Set()).length, 3 + 4);
});

test('nodeCounts: open and seen sessions per target node, in order of appearance', () => {
  const sessions = [
    { target: 'http://10.0.0.2:3000', endedAt: undefined },
    { target: 'http://10.0.0.1:3000', endedAt: 5 },
    { target: 'http://10.0.0.2:3000', endedAt: 9 },
    { target: undefined },
  ] as unknown as SessionView[];
  assert.deepEqual(nodeCounts(sessions), [
    { node: 'http://10.0.0.2:3000', label: '10.0.0.2:3000', open: 1, seen: 2 },
    { node: 'http://10.0.0.1:3000', label: '10.0.0.1:3000', open: 0, seen: 1 },
  ]);
});
