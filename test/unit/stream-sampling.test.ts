/**
 * Packet events sampled under overload, counted exactly (proxy/stream/packet-sampler.ts, issue #14).
 * The clock is the test's: the stream's work on an event (its serializer) and the relay's time
 * between events advance it, so that "overload" is a share of time the test sets, not this machine's.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventBus } from '../../proxy/events/bus.js';
import { EventStream } from '../../proxy/stream/event-stream.js';
import { serializeEvent } from '../../proxy/stream/serialize.js';
import type { ProxyEvent, SamplingEvent, UnstampedEvent } from '../../shared/events.js';
import { validateEvent } from '../support/event-schema.js';

test('past the budget, 1 packet event in N is kept, every packet is counted, and the stream says so', async () => {
  let clock = 0;
  /** ms the stream spends on each event it keeps, and the relay between two events. */
  const WORK = 0.1;
  let relayGap = 0.1;
  const bus = new EventBus();
  const stream = new EventStream(bus, {
    serialize: (event, limit) => {
      clock += WORK;
      return serializeEvent(event, limit);
    },
    sampling: { emit: (e) => void bus.emit(e), now: () => clock },
  });
  const sent: ProxyEvent[] = [];
  const emit = (e: UnstampedEvent) => {
    clock += relayGap;
    bus.emit(e);
    sent.push(e as ProxyEvent);
  };
  const packet = (i: number): UnstampedEvent => ({
    type: 'packet',
    sessionId: i % 3 === 0 ? 'A' : 'B',
    direction: i % 2 === 0 ? 'c2s' : 's2c',
    transport: 'websocket',
    engine: 'message',
    size: 10,
    data: '2["x"]',
    sio: { type: 'EVENT', nsp: '/', event: i % 5 === 0 ? 'five' : 'other', args: [] },
  });
  /** Twenty thousand events: packets, and among them events that are never sampled. */
  const phase = async () => {
    for (let i = 0; i < 20_000; i++) {
      if (i % 100 === 0) emit({ type: 'error', sessionId: 'A', message: `not sampled ${i}` });
      else if (i % 101 === 0) emit({ ...packet(i), injected: true } as UnstampedEvent);
      else emit(packet(i));
      if (i % 1000 === 0) await Promise.resolve(); // the notices are published on a microtask
    }
    await Promise.resolve();
  };

  // Observing every event would take half the time (WORK = the relay's gap): past the 25% budget.
  await phase();
  // Then the relay's gaps grow tenfold: observing everything fits again.
  relayGap = 1;
  await phase();
  stream.flush();

  const held = stream.history.events();
  const notices = held.filter((e): e is SamplingEvent => e.type === 'sampling');
  for (const n of notices)
    assert.deepEqual(validateEvent(JSON.parse(JSON.stringify(n))), [], JSON.stringify(n));
  const on = notices.filter((n) => n.state === 'on');
  const off = notices.filter((n) => n.state === 'off');
  assert.ok(on.length >= 1, 'a notice says sampling started');
  assert.ok(on[0]!.every > 1);
  assert.match(on[0]!.reason, /1 packet event in \d+ is kept/);
  assert.equal(off.length, 1, 'and one says it ended');
  const end = off[0]!;
  assert.equal(end.every, 1);
  assert.equal(end.since, on[0]!.since);

  // Exact counts: every sampleable packet from `since` to the one that ended sampling, by session,
  // direction and name, as the test sent them.
  const endSeq = end.until;
  const window = sent.filter(
    (e) => e.type === 'packet' && !e.injected && e.seq >= end.since && e.seq <= endSeq,
  );
  const expected = new Map<string, number>();
  for (const e of window) {
    if (e.type !== 'packet') continue;
    const key = `${e.sessionId} ${e.direction} ${e.sio?.event}`;
    expected.set(key, (expected.get(key) ?? 0) + 1);
  }
  const got = new Map(end.counts.map((c) => [`${c.sessionId} ${c.direction} ${c.name}`, c.count]));
  assert.deepEqual(got, expected);
  assert.equal(end.counted, window.length);
  // What was left out is exactly what is missing from the record; nothing else is.
  const kept = held.filter(
    (e) => e.type === 'packet' && !e.injected && e.seq >= end.since && e.seq <= endSeq,
  );
  assert.equal(kept.length + end.leftOut, end.counted);
  assert.ok(end.leftOut > window.length / 2, `${end.leftOut} of ${window.length} left out`);
  // Never sampled: other events, and packets the proxy injected.
  const heldSeqs = new Set(held.map((e) => e.seq));
  for (const e of sent)
    if (e.type !== 'packet' || e.injected) assert.ok(heldSeqs.has(e.seq), `${e.type} ${e.seq} kept`);
  // After the end, every packet is kept again.
  const after = sent.filter((e) => e.seq > end.until);
  assert.ok(after.length > 0);
  for (const e of after) assert.ok(heldSeqs.has(e.seq), `${e.seq} after sampling ended is kept`);
  stream.close();
});

test('without the sampling option (the default) there is no sampler: every packet is kept', () => {
  const bus = new EventBus();
  const stream = new EventStream(bus);
  for (let i = 0; i < 5000; i++)
    bus.emit({
      type: 'packet',
      sessionId: 'A',
      direction: 'c2s',
      transport: 'websocket',
      engine: 'message',
      size: 1,
      data: 'x',
    });
  stream.flush();
  assert.equal(stream.history.size, 5000);
  assert.equal(stream.sampler, undefined);
  stream.close();
});
