/**
 * The history's batches in recycled shared chunks (proxy/stream/batch-arena.ts): the memory is
 * reused as the history turns over, and never while a snapshot that holds it is being read.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CHUNK_BYTES } from '../../proxy/stream/batch-arena.js';
import { EventBatch } from '../../proxy/stream/batch.js';
import { EventHistory, type Held } from '../../proxy/stream/history.js';

/** Events of about 1 KB, so that a chunk holds about two batches of 500. */
const json = (seq: number) => JSON.stringify({ seq, text: `${seq} ${'x'.repeat(1000)}` });
const seqsOf = (held: Held[]) =>
  held.flatMap(({ batch, skip }) => batch.json(skip).map((j) => (JSON.parse(j) as { seq: number }).seq));

/** Pushes events from seq `from` on, `perBatch` to a sealed batch; returns the next seq. */
function fill(history: EventHistory, from: number, batches: number, perBatch = 100): number {
  let seq = from;
  for (let b = 0; b < batches; b++) {
    for (let i = 0; i < perBatch; i++, seq++) history.push(json(seq), seq);
    history.seal();
  }
  return seq;
}

describe('the history in recycled chunks', () => {
  test("the batch sealed is the observers' own; the history keeps a copy, in a chunk", () => {
    const history = new EventHistory(1000);
    for (let seq = 1; seq <= 3; seq++) history.push(json(seq), seq);
    const sealed = history.seal()!;
    const [kept] = history.held();
    assert.notEqual(kept!.batch.bytes.buffer, sealed.bytes.buffer, 'not the same memory');
    assert.equal(kept!.batch.bytes.buffer.byteLength, CHUNK_BYTES);
    assert.deepEqual(kept!.batch.bytes, sealed.bytes);
    assert.deepEqual(kept!.batch.json(1), sealed.json(1));
    // What another thread gets: the chunk, where the batch sits in it.
    const across = new EventBatch(kept!.batch.shared);
    assert.deepEqual(across.json(), sealed.json());
  });

  test('turning the history over many times reuses its chunks', () => {
    const history = new EventHistory(1000); // 10 batches of ~100 KB: about a chunk's worth
    let seq = fill(history, 1, 20);
    const early = history.arena.allocated;
    seq = fill(history, seq, 500); // ~50 MB through a history of ~1 MB
    assert.ok(history.arena.allocated <= early + 2, `${history.arena.allocated} chunks, ${early} at first`);
    assert.deepEqual(
      seqsOf(history.held()),
      Array.from({ length: 1000 }, (_, i) => seq - 1000 + i),
    );
  });

  test('a snapshot being read keeps its chunks from reuse, however far the history turns over', () => {
    const history = new EventHistory(1000);
    let seq = fill(history, 1, 10);
    const snapshot = history.snapshot();
    const copies = snapshot.held.map(({ batch }) => Buffer.from(batch.bytes));
    const before = history.arena.allocated;
    seq = fill(history, seq, 300);
    snapshot.held.forEach(({ batch }, i) => assert.deepEqual(batch.bytes, copies[i], `batch ${i} intact`));
    assert.deepEqual(
      seqsOf(snapshot.held),
      Array.from({ length: 1000 }, (_, i) => i + 1),
    );
    assert.ok(history.arena.allocated > before, 'new chunks while the old ones were pinned');
    assert.equal(history.arena.snapshots, 1);
    snapshot.release();
    snapshot.release(); // idempotent
    assert.equal(history.arena.snapshots, 0);
    const released = history.arena.allocated;
    fill(history, seq, 300);
    assert.ok(history.arena.allocated <= released + 1, 'the released chunks are reused');
  });

  test('heartbeats taken out of a batch: the rebuilt batch is kept, the old one let go', () => {
    const history = new EventHistory(1000, undefined, { limit: 5 });
    let seq = 1;
    for (let b = 0; b < 200; b++) {
      for (let i = 0; i < 20; i++, seq++) history.push(json(seq), seq, i % 2 === 0);
      history.seal();
    }
    assert.ok(history.heartbeatCount <= 5);
    const seqs = seqsOf(history.held());
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
      'in order',
    );
    assert.equal(new Set(seqs).size, seqs.length, 'no repeat');
    const before = history.arena.allocated;
    for (let b = 0; b < 1000; b++) {
      for (let i = 0; i < 20; i++, seq++) history.push(json(seq), seq, i % 2 === 0);
      history.seal();
    }
    assert.ok(history.arena.allocated <= before + 1, `${history.arena.allocated} chunks, ${before} before`);
  });

  test('a batch bigger than a chunk gets memory of its own', () => {
    const history = new EventHistory(10);
    const big = JSON.stringify({ seq: 1, text: 'y'.repeat(CHUNK_BYTES + 10) });
    history.push(big, 1);
    history.seal();
    assert.deepEqual([...history.json()], [big]);
  });
});
