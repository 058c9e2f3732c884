/** The sidebar's measured row heights (panel/src/views/row-heights.ts, used by useMeasuredWindow). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RowHeights } from '../../panel/src/views/row-heights.js';

const TEN = () => 10;

test('rows count at their estimate until measured, then at their height', () => {
  const rows = new RowHeights();
  const keys = ['a', 'b', 'c'];
  assert.deepEqual([...rows.layout(keys, TEN)], [0, 10, 20, 30]);
  assert.deepEqual(rows.resized([{ key: 'b', height: 25 }], 0), { changed: true, above: 0 });
  assert.deepEqual([...rows.layout(keys, TEN)], [0, 10, 35, 45]);
  assert.deepEqual(rows.resized([{ key: 'b', height: 25 }], 0), { changed: false, above: 0 });
});

test('rows above the view that resize move the scroller by what they grew; rows below do not', () => {
  const rows = new RowHeights();
  const keys = ['a', 'b', 'c', 'd'];
  rows.layout(keys, TEN);
  // The view starts at 20: a and b end at or above it, c and d do not.
  const moved = rows.resized(
    [
      { key: 'a', height: 14 },
      { key: 'b', height: 7 },
      { key: 'd', height: 40 },
    ],
    20,
  );
  assert.deepEqual(moved, { changed: true, above: 4 - 3 });
  assert.deepEqual([...rows.layout(keys, TEN)], [0, 14, 21, 31, 71]);
});

test('the heights kept are bounded by the rows in the list, as rows come and go', () => {
  const rows = new RowHeights();
  for (let round = 0; round < 200; round++) {
    // A live list: each round, 50 rows, 45 of them new (sessions opening, closed ones leaving).
    const keys = Array.from({ length: 50 }, (_, i) => `s${round * 45 + i}`);
    rows.layout(keys, TEN);
    rows.resized(
      keys.map((key) => ({ key, height: 20 })),
      0,
    );
    assert.ok(rows.size <= keys.length, `round ${round}: ${rows.size} heights for ${keys.length} rows`);
  }
  // A row still in the list keeps its measured height across a change of keys.
  const keys = ['s8955', 'new'];
  assert.deepEqual([...rows.layout(keys, TEN)], [0, 20, 30]);
  assert.equal(rows.size, 1);
});

test('a row reported after it left the list is not kept', () => {
  const rows = new RowHeights();
  rows.layout(['a'], TEN);
  assert.deepEqual(rows.resized([{ key: 'gone', height: 99 }], 0), { changed: false, above: 0 });
  assert.equal(rows.size, 0);
});

test('a resized row is looked for among the rows rendered; one outside them is not counted', () => {
  const rows = new RowHeights();
  const keys = ['a', 'b', 'c', 'd', 'e'];
  rows.layout(keys, TEN);
  // Rendered: rows 1 to 3 (b, c, d). `a` is reported from an element on its way out.
  const moved = rows.resized(
    [
      { key: 'a', height: 50 },
      { key: 'c', height: 30 },
    ],
    0,
    1,
    4,
  );
  assert.deepEqual(moved, { changed: true, above: 0 });
  assert.deepEqual([...rows.layout(keys, TEN)], [0, 10, 20, 50, 60, 70]);
  assert.equal(rows.size, 1);
});

test('offsets after a measured row follow it, and a new array is returned only when they moved', () => {
  const rows = new RowHeights();
  const keys = Array.from({ length: 1000 }, (_, i) => `k${i}`);
  const first = rows.layout(keys, TEN);
  assert.equal(rows.layout(keys, TEN), first, 'nothing measured: the same offsets');
  rows.resized([{ key: 'k990', height: 25 }], 0, 980, 1000);
  const next = rows.layout(keys, TEN);
  assert.notEqual(next, first);
  assert.equal(next[990], 9900);
  assert.equal(next[991], 9925);
  assert.equal(next[1000], 10015);
});
