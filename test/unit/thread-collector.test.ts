/**
 * ThreadCollector (proxy/stream/thread-collector.ts): once snapshots are released, the reader
 * thread's heap is collected in full, old generation included, where the views of the history's
 * shared chunks that a replay read end up (and which nothing else would collect for minutes).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ThreadCollector } from '../../proxy/stream/thread-collector.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a released snapshot is followed by a full collection that frees what it held', async () => {
  const freed: string[] = [];
  const registry = new FinalizationRegistry<string>((name) => freed.push(name));
  let held: { views: Uint8Array[] } | undefined = {
    views: [new Uint8Array(new SharedArrayBuffer(1 << 20))],
  };
  registry.register(held, 'snapshot');
  // Old enough to be in the old generation, which young collections never free: it outlives many.
  for (let i = 0; i < 200; i++) void new Array(100_000).fill(i);
  await sleep(10);
  held = undefined;
  const collector = new ThreadCollector();
  collector.released();
  collector.released(); // several releases, one collection once they pause
  for (let i = 0; i < 40 && freed.length === 0; i++) await sleep(25);
  assert.deepEqual(freed, ['snapshot']);
  collector.stop();
});
