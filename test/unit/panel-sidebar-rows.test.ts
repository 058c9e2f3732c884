/** The sidebar's flat row model (what its virtualisation renders a window of). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionView } from '../../panel/src/store/model.js';
import type { ClientGroup } from '../../panel/src/store/selectors.js';
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
