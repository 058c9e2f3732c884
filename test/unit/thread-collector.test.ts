/**
 * ThreadCollector (proxy/stream/thread-collector.ts): once snapshots are released, the reader
 * thread's heap is collected in full, old generation included, where the views of the history's
 * shared chunks that a replay read end up (and which nothing else would collect for minutes).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ThreadCollector } from '../../proxy/stream/thread-collector.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Registries stay reachable (a collected registry calls nobody); what they watch is dropped. */
const registries: Array<FinalizationRegistry<string>> = [];

/** An object promoted to the old generation (it outlived many young collections), then dropped. */
async function oldGarbage(freed: string[], name: string): Promise<void> {
  const registry = new FinalizationRegistry<string>((n) => freed.push(n));
  registries.push(registry);
  const held = [{ views: [new Uint8Array(new SharedArrayBuffer(1 << 20))] }];
  registry.register(held[0]!, name);
  for (let i = 0; i < 200; i++) void new Array(100_000).fill(i);
  await sleep(10);
  held.length = 0;
}

async function until(freed: string[]): Promise<void> {
  for (let i = 0; i < 40 && freed.length === 0; i++) await sleep(25);
}

test('a released snapshot is followed by a full collection that frees what it held', async () => {
  const freed: string[] = [];
  await oldGarbage(freed, 'snapshot');
  const collector = new ThreadCollector();
  collector.released();
  collector.released(); // several releases, one collection once they pause
  await until(freed);
  assert.deepEqual(freed, ['snapshot']);
  collector.stop();
});

test('live batches: a full collection after every 64 MB of them', async () => {
  const freed: string[] = [];
  await oldGarbage(freed, 'live batches');
  const collector = new ThreadCollector();
  for (let i = 0; i < 63; i++) collector.receivedBatch(1 << 20);
  await sleep(400);
  assert.deepEqual(freed, [], 'not before 64 MB');
  collector.receivedBatch(1 << 20);
  await until(freed);
  assert.deepEqual(freed, ['live batches']);
  collector.stop();
});
