/**
 * The bus's stamps (proxy/events/bus.ts): an event observed from bytes that arrived earlier carries
 * their arrival, events of one arrival share it, and a stamp never goes back.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProxyEvent } from '../../shared/events.js';
import { EventBus } from '../../proxy/events/bus.js';
import { eventClock } from '../../proxy/events/clock.js';

function recorded() {
  const bus = new EventBus();
  const seen: ProxyEvent[] = [];
  bus.subscribe((e) => void seen.push(e));
  const error = (message: string) => bus.emit({ type: 'error', message });
  return { bus, seen, error };
}

const spin = (ms: number) => {
  const end = eventClock() + ms;
  while (eventClock() < end);
};

test('events emitted during an arrival carry it, and the clock again after', () => {
  const { bus, seen, error } = recorded();
  error('first');
  spin(1);
  const arrival = eventClock();
  spin(2); // the bytes are read 2 ms after they came
  bus.stampArrival(arrival);
  error('second');
  error('third');
  bus.stampArrival(undefined);
  error('fourth');
  const [first, second, third, fourth] = seen.map((e) => e.ts) as [number, number, number, number];
  assert.ok(first < arrival);
  assert.equal(second, arrival);
  assert.equal(third, arrival, 'one arrival, one stamp');
  assert.ok(fourth >= arrival + 2, 'stamped when emitted');
});

test('an arrival before the last stamp takes that stamp: ts never goes back', () => {
  const { bus, seen, error } = recorded();
  const arrival = eventClock();
  spin(1);
  error('said after the bytes came, before they were read');
  bus.stampArrival(arrival);
  error('read from them');
  bus.stampArrival(undefined);
  const [said, read] = seen.map((e) => e.ts) as [number, number];
  assert.ok(said > arrival);
  assert.equal(read, said);
});
