/**
 * A piped message is stamped with the arrival of the chunk that completed it (proxy/engine/
 * websocket-wire.ts `arrivedAt`), not with the time it was read: the messages of one chunk share
 * one arrival even when an observer holds the thread between them, and a message split over two
 * chunks arrives with its last one. Raw frames on a TCP client, so that what shares a chunk is
 * known.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventClock } from '../../proxy/events/clock.js';
import type { LinkObserver } from '../../proxy/engine/websocket-wire.js';
import { frame, sleep, startRawWire } from '../support/raw-wire.js';

function busyFor(ms: number): void {
  const end = eventClock() + ms;
  while (eventClock() < end);
}

interface Seen {
  text: string;
  arrivedAt: number | undefined;
  observedAt: number;
}

async function setup(onMessage: (seen: Seen) => void = () => {}) {
  const seen: Seen[] = [];
  const observer: LinkObserver = {
    message: (_d, data, _b, _m, arrivedAt) => {
      const s = { text: data.toString(), arrivedAt, observedAt: eventClock() };
      seen.push(s);
      onMessage(s);
    },
    close() {},
    error() {},
  };
  return { ...(await startRawWire(observer)), seen };
}

test('the messages of one chunk share its arrival, however long the first one is observed', async () => {
  // The first message's observer holds the thread for 30 ms, as a slow one would.
  const s = await setup((m) => m.text === 'A' && busyFor(30));
  try {
    const sentAt = eventClock();
    s.client.write(Buffer.concat([frame(1, true, 'A'), frame(1, true, 'B'), frame(1, true, 'C')]));
    await sleep(100);
    assert.deepEqual(
      s.seen.map((m) => m.text),
      ['A', 'B', 'C'],
    );
    assert.deepEqual(s.atTarget, ['A', 'B', 'C'], 'relayed as they came');
    const [a, b, c] = s.seen as [Seen, Seen, Seen];
    assert.ok(a.arrivedAt !== undefined && a.arrivedAt >= sentAt, 'not before it was sent');
    assert.ok(a.arrivedAt <= a.observedAt);
    assert.equal(b.arrivedAt, a.arrivedAt);
    assert.equal(c.arrivedAt, a.arrivedAt);
    assert.ok(
      c.observedAt - c.arrivedAt! >= 29,
      `C was read ${c.observedAt - c.arrivedAt!} ms after it came`,
    );
  } finally {
    s.close();
  }
});

test('a message split over two chunks arrives with the second, and the next chunk has its own arrival', async () => {
  const s = await setup();
  try {
    const whole = frame(1, true, 'split message');
    s.client.write(whole.subarray(0, 8));
    await sleep(40);
    const secondAt = eventClock();
    s.client.write(whole.subarray(8));
    await sleep(40);
    const thirdAt = eventClock();
    s.client.write(frame(1, true, 'next'));
    await sleep(50);
    const [split, next] = s.seen as [Seen, Seen];
    assert.equal(split.text, 'split message');
    assert.ok(split.arrivedAt! >= secondAt, 'stamped with the chunk that completed it');
    assert.ok(split.arrivedAt! < thirdAt);
    assert.equal(next.text, 'next');
    assert.ok(next.arrivedAt! >= thirdAt);
  } finally {
    s.close();
  }
});
