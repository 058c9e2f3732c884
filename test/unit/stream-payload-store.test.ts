/**
 * The payload store's bookkeeping for GET /api/search: the packet payloads held in a seq range, and
 * how many in a range were lost (evicted, or refused as over a quarter of the store), packets only.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PayloadStore, type FullPayload } from '../../proxy/stream/payload-store.js';

const packet = (size: number): FullPayload => ({
  size,
  json: () => '{}',
  packet: { event: 'e', text: () => 'x'.repeat(size) },
});
const http = (size: number): FullPayload => ({ size, json: () => '{}' });

test('held packets by range, in seq order; http payloads are not packets', () => {
  const store = new PayloadStore(1000);
  store.put(1, packet(100));
  store.put(2, http(100));
  store.put(3, packet(100));
  store.put(5, packet(100));
  assert.deepEqual(
    store.packets(1, 4).map((p) => p.seq),
    [1, 3],
  );
  assert.deepEqual(
    store.packets(3, Infinity).map((p) => p.seq),
    [3, 5],
  );
  assert.equal(store.packets(6, 9).length, 0);
});

test('lost packet payloads are counted by range, refused ones included', () => {
  const store = new PayloadStore(400);
  store.put(1, packet(100));
  store.put(2, http(100));
  store.put(3, packet(100));
  store.put(4, packet(1000)); // bigger than the store: refused at once
  store.put(5, packet(100));
  store.put(6, packet(100)); // evicts 1
  store.put(7, packet(100)); // evicts 2 (http: not counted)
  store.put(8, packet(100)); // evicts 3, which lands before the refused 4
  assert.deepEqual(
    store.packets(1, 10).map((p) => p.seq),
    [5, 6, 7, 8],
  );
  assert.equal(store.lostPackets(1, 10), 3, 'packets 1, 3 and 4');
  assert.equal(store.lostPackets(2, 3), 1);
  assert.equal(store.lostPackets(4, 4), 1);
  assert.equal(store.lostPackets(5, 10), 0);
  assert.deepEqual(store.get(2), { found: false, evicted: true });
});

test('one payload may take at most a quarter of the store: a bigger one is refused, the others stay', () => {
  const store = new PayloadStore(400);
  store.put(1, packet(100));
  store.put(2, packet(101));
  store.put(3, packet(100));
  assert.deepEqual(
    store.packets(1, 3).map((p) => p.seq),
    [1, 3],
  );
  assert.deepEqual(store.get(2), { found: false, evicted: true });
  assert.equal(store.lostPackets(1, 3), 1);
  assert.equal(store.bytes, 200);
});
