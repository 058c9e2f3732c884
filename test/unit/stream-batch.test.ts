/**
 * The event stream's batches (proxy/stream/batch.ts), the history that keeps them
 * (proxy/stream/history.ts) and when the stream seals one (proxy/stream/event-stream.ts).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventBus } from '../../proxy/events/bus.js';
import { EventBatch } from '../../proxy/stream/batch.js';
import { EventStream } from '../../proxy/stream/event-stream.js';
import { EventHistory } from '../../proxy/stream/history.js';

const events = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => JSON.stringify({ seq: from + i, text: `e${from + i}` }));

describe('EventBatch', () => {
  test('is the JSON array of its events, UTF-8, and splits back into them', () => {
    const jsons = [
      '{"a":1}',
      '{"t":"é ü 😀 \\ud800"}',
      JSON.stringify({ s: 'lone \ud800 surrogate' }),
      '{"x":"[,]"}',
    ];
    const batch = new EventBatch(jsons, 9);
    assert.equal(batch.bytes.toString('utf8'), `[${jsons.join(',')}]`);
    assert.deepEqual(
      JSON.parse(batch.bytes.toString('utf8')),
      jsons.map((j) => JSON.parse(j)),
    );
    assert.deepEqual(batch.json(), jsons);
    assert.deepEqual(batch.json(2), jsons.slice(2));
    assert.equal(batch.count, 4);
    assert.equal(batch.lastSeq, 9);
  });

  test('ASCII and non-ASCII text encode to the same bytes as Buffer.from', () => {
    for (const jsons of [['{"a":"plain"}'], ['{"a":"ÿ"}'], ['{"a":"€"}', '{"b":1}']]) {
      const batch = new EventBatch(jsons, 1);
      assert.deepEqual(batch.bytes, Buffer.from(`[${jsons.join(',')}]`, 'utf8'));
    }
  });
});

describe('EventHistory', () => {
  test('keeps the last `limit` events across sealed batches and the open run', () => {
    const history = new EventHistory(7);
    const all = events(1, 20);
    all.slice(0, 6).forEach((j, i) => history.push(j, i + 1));
    history.seal();
    all.slice(6, 15).forEach((j, i) => history.push(j, i + 7));
    history.seal();
    all.slice(15).forEach((j, i) => history.push(j, i + 16));
    assert.equal(history.size, 7);
    assert.deepEqual([...history.json()], all.slice(13));
    history.seal();
    assert.deepEqual([...history.json()], all.slice(13));
    assert.deepEqual(
      history.events().map((e) => e.seq),
      [14, 15, 16, 17, 18, 19, 20],
    );
  });

  test('keeps at most `maxBytes` of JSON, evicting whole batches, oldest first', () => {
    const all = events(1, 40);
    const batchBytes = (from: number) => Buffer.byteLength(`[${all.slice(from, from + 4).join(',')}]`);
    const history = new EventHistory(1000, 3 * batchBytes(0));
    for (let b = 0; b < 10; b++) {
      for (let i = 0; i < 4; i++) history.push(all[b * 4 + i]!, b * 4 + i + 1);
      history.seal();
    }
    assert.ok(history.bytes <= 3 * batchBytes(0) + 16, `${history.bytes} bytes held`);
    assert.ok(history.size >= 8 && history.size <= 12, `${history.size} events held`);
    assert.deepEqual([...history.json()], all.slice(40 - history.size), 'the newest ones');
    assert.deepEqual(
      history.held().flatMap((h) => h.batch.json(h.skip)),
      all.slice(40 - history.size),
    );
  });

  test('heartbeats do not crowd out the other events: they have a smaller budget of their own', () => {
    // 9 500 idle sessions ping and pong; 60 events people look for came before and among them.
    const history = new EventHistory(2000, 10 * 1024 * 1024);
    const ping = (seq: number) => JSON.stringify({ seq, type: 'packet', engine: seq % 2 ? 'ping' : 'pong' });
    const event = (seq: number) =>
      JSON.stringify({ seq, type: 'packet', engine: 'message', data: `e${seq}` });
    const wanted: string[] = [];
    let seq = 0;
    for (let batch = 0; batch < 100; batch++) {
      for (let i = 0; i < 500; i++) {
        seq++;
        const isEvent = batch < 60 && i === 250;
        const json = isEvent ? event(seq) : ping(seq);
        if (isEvent) wanted.push(json);
        history.push(json, seq, !isEvent);
      }
      history.seal();
    }
    const held = [...history.json()];
    assert.deepEqual(
      held.filter((j) => j.includes('"message"')),
      wanted,
      'every non-heartbeat event survives 49 940 heartbeats',
    );
    const seqs = held.map((j) => (JSON.parse(j) as { seq: number }).seq);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
      'in order',
    );
    assert.ok(history.heartbeatCount <= 200 + 500, `${history.heartbeatCount} heartbeats held`);
    assert.equal(held.at(-1), ping(seq), 'the newest heartbeats are held');
    assert.deepEqual(
      history.held().flatMap((h) => h.batch.json(h.skip)),
      held,
      'the batches observers replay hold the same',
    );
  });

  test('the heartbeats budget holds by bytes too, and the count limit evicts the oldest events', () => {
    const ping = (seq: number) =>
      JSON.stringify({ seq, type: 'packet', engine: 'ping', pad: 'x'.repeat(100) });
    const history = new EventHistory(50, 1024 * 1024, { limit: 1000, chars: 1200 });
    let seq = 0;
    for (let batch = 0; batch < 20; batch++) {
      history.push(JSON.stringify({ seq: ++seq, type: 'connect' }), seq);
      for (let i = 0; i < 9; i++) history.push(ping(++seq), seq, true);
      history.seal();
    }
    const held = [...history.json()].map((j) => JSON.parse(j) as { seq: number; type: string });
    assert.ok(history.heartbeatCount <= 9 + 9, `${history.heartbeatCount} heartbeats held`);
    assert.deepEqual(
      held.filter((e) => e.type === 'connect').map((e) => e.seq),
      Array.from({ length: 20 }, (_, b) => b * 10 + 1),
    );
    assert.ok(held.length <= 50);
  });

  test('an open run longer than the limit shows only its last events', () => {
    const history = new EventHistory(3);
    events(1, 10).forEach((j, i) => history.push(j, i + 1));
    assert.equal(history.size, 3);
    assert.deepEqual([...history.json()], events(8, 10));
    const batch = history.seal();
    assert.equal(batch?.count, 10, 'the batch still carries every event to the observers');
    assert.deepEqual([...history.json()], events(8, 10));
  });

  test('a history of 0 keeps nothing but still makes batches', () => {
    const history = new EventHistory(0);
    history.push('{"a":1}', 1);
    assert.equal(history.size, 0);
    assert.deepEqual([...history.json()], []);
    assert.equal(history.seal()?.count, 1);
    assert.equal(history.seal(), undefined, 'nothing open, no batch');
  });
});

describe('EventStream batching', () => {
  const emitDrains = (bus: EventBus, n: number) => {
    for (let i = 0; i < n; i++) bus.emit({ type: 'drain', sessionId: 's', leg: 'client' });
  };

  test('seals at `batchEvents`, at `batchChars`, and after `flushMs`', async () => {
    const bus = new EventBus();
    const stream = new EventStream(bus, { batchEvents: 3, batchChars: 10_000, flushMs: 5 });
    const got: EventBatch[] = [];
    const { held: history, unsubscribe } = stream.subscribeWithHistory((b) => got.push(b));
    assert.deepEqual(history, []);
    emitDrains(bus, 7);
    assert.deepEqual(
      got.map((b) => b.count),
      [3, 3],
      'sealed as soon as 3 wait',
    );
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(
      got.map((b) => [b.count, b.lastSeq]),
      [
        [3, 3],
        [3, 6],
        [1, 7],
      ],
    );
    unsubscribe();
    stream.close();

    const sizes: number[] = [];
    const bus2 = new EventBus();
    const byChars = new EventStream(bus2, { batchChars: 100, flushMs: 1000 });
    byChars.subscribeWithHistory((b) => sizes.push(b.count));
    emitDrains(bus2, 4); // about 70 characters each
    assert.deepEqual(sizes, [2, 2]);
    byChars.close();
  });

  test('a late subscriber gets the history and then every later event, no gap, no repeat', () => {
    const bus = new EventBus();
    const stream = new EventStream(bus, { batchEvents: 4, flushMs: 1000 });
    const early: number[] = [];
    stream.subscribeWithHistory((b) =>
      early.push(...b.json().map((j) => (JSON.parse(j) as { seq: number }).seq)),
    );
    emitDrains(bus, 6); // one batch of 4 sealed, 2 open
    const late: number[] = [];
    const { held: history } = stream.subscribeWithHistory((b) =>
      late.push(...b.json().map((j) => (JSON.parse(j) as { seq: number }).seq)),
    );
    const seen = history
      .flatMap((h) => h.batch.json(h.skip))
      .map((j) => (JSON.parse(j) as { seq: number }).seq);
    assert.deepEqual(seen, [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(early, [1, 2, 3, 4, 5, 6], 'the open batch went to the earlier subscriber first');
    emitDrains(bus, 4);
    assert.deepEqual(late, [7, 8, 9, 10]);
    assert.deepEqual(early, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    stream.close();
  });
});
