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

/** Clients with sessions on the given nodes (undefined: a session that names none), each open unless `closed`. */
function onNodes(key: string, targets: (string | undefined)[], closed: number[] = []): ClientGroup {
  return {
    client: { clientKey: key, attempts: [] },
    sessions: targets.map((target, i) => ({
      sid: `${key}-${i}`,
      target,
      endedAt: closed.includes(i) ? 1 : undefined,
    })),
    live: true,
  } as unknown as ClientGroup;
}

test('grouped by node: a header per node with its counts, then its clients with only their sessions there', () => {
  const groups = [
    onNodes('a', ['http://n1:1', 'http://n2:2']),
    onNodes('b', ['http://n1:1'], [0]),
    onNodes('c', ['http://n2:2']),
  ];
  const nodes = nodeCounts(groups.flatMap((g) => g.sessions));
  const rows = sidebarRows(groups, false, new Set(), undefined, nodes);
  assert.deepEqual(
    rows.map((r) => r.key),
    [
      'n:http://n1:1',
      'c:http://n1:1 a',
      's:a-0',
      'c:http://n1:1 b',
      's:b-0',
      'n:http://n2:2',
      'c:http://n2:2 a',
      's:a-1',
      'c:http://n2:2 c',
      's:c-0',
    ],
  );
  const heads = rows.filter((r) => r.kind === 'node').map((r) => r.kind === 'node' && r.count);
  assert.deepEqual(heads, [
    { node: 'http://n1:1', label: 'n1:1', open: 1, seen: 2 },
    { node: 'http://n2:2', label: 'n2:2', open: 2, seen: 2 },
  ]);
  // A client on two nodes is two runs, one under each header; a header is a run alone.
  assert.deepEqual(runsOf(rows, 0, rows.length), [
    [0, 1],
    [1, 3],
    [3, 5],
    [5, 6],
    [6, 8],
    [8, 10],
  ]);
  // Keys stay unique (the virtualisation measures rows by key).
  assert.equal(new Set(rows.map((r) => r.key)).size, rows.length);
});

test('grouped by node with a node filter, live only, and sessions that name no node', () => {
  const groups = [
    onNodes('a', ['http://n1:1', 'http://n2:2'], [0]),
    onNodes('b', [undefined, 'http://n2:2']),
  ];
  const nodes = nodeCounts(groups.flatMap((g) => g.sessions));
  assert.deepEqual(
    sidebarRows(groups, false, new Set(), 'http://n2:2', nodes).map((r) => r.key),
    ['n:http://n2:2', 'c:http://n2:2 a', 's:a-1', 'c:http://n2:2 b', 's:b-1'],
  );
  assert.deepEqual(
    sidebarRows(groups, true, new Set(), undefined, nodes).map((r) => r.key),
    ['n:http://n2:2', 'c:http://n2:2 a', 's:a-1', 'c:http://n2:2 b', 's:b-1', 'n:', 'c: b', 's:b-0'],
  );
  const none = sidebarRows(groups, false, new Set(), undefined, nodes).find((r) => r.key === 'n:');
  assert.deepEqual(none?.kind === 'node' && none.count, { node: '', label: 'no node', open: 1, seen: 1 });
  // Folding still applies per client under each header.
  const many = [onNodes('m', ['http://n1:1', 'http://n1:1', 'http://n1:1', 'http://n1:1', 'http://n2:2'])];
  assert.deepEqual(
    sidebarRows(many, false, new Set(), undefined, nodeCounts(many[0]!.sessions)).map((r) => r.key),
    [
      'n:http://n1:1',
      'c:http://n1:1 m',
      'o:http://n1:1 m',
      's:m-1',
      's:m-2',
      's:m-3',
      'n:http://n2:2',
      'c:http://n2:2 m',
      's:m-4',
    ],
  );
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
