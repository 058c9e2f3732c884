/**
 * Issue #14, finding 4: observing a big message must not cost several times its size. The preview of
 * a big packet's args (proxy/stream/serialize.ts, proxy/stream/json-prefix.ts) is written only as far
 * as it shows, and reads exactly as the preview cut from the whole JSON did.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonPrefix } from '../../proxy/stream/json-prefix.js';
import { serializeEvent } from '../../proxy/stream/serialize.js';
import type { PacketEvent } from '../../shared/events.js';

const LIMIT = 4096;

function bigPacket(args: unknown[], size: number): PacketEvent {
  return {
    type: 'packet',
    sessionId: 's1',
    direction: 's2c',
    transport: 'websocket',
    engine: 'message',
    size,
    seq: 3,
    ts: 1,
    sio: { type: 'EVENT', nsp: '/', event: 'big', args },
  };
}

/** The longest string JSON.stringify returned while `run` ran: what serialising had to build. */
function longestStringify(run: () => void): number {
  const original = JSON.stringify;
  let longest = 0;
  JSON.stringify = ((...a: Parameters<typeof JSON.stringify>) => {
    const s = original(...a);
    if (typeof s === 'string') longest = Math.max(longest, s.length);
    return s;
  }) as typeof JSON.stringify;
  try {
    run();
  } finally {
    JSON.stringify = original;
  }
  return longest;
}

test('a 10 MB message: its args preview is built from a few KB of JSON, not all of it', () => {
  const rows = Array.from({ length: 200_000 }, (_, i) => ({ id: i, name: `row ${i}`, tags: ['a', 'é'] }));
  const text = 'x'.repeat(10_000_000);
  for (const args of [[rows], [text], [{ note: 'first', rows }, 'after']]) {
    const whole = JSON.stringify(args);
    const event = bigPacket(args, whole.length + 10);
    let json = '';
    const longest = longestStringify(() => (json = serializeEvent(event, LIMIT).json));
    assert.ok(longest < 64 * 1024, `serialising built a ${longest}-character JSON string`);
    const observed = JSON.parse(json) as { sio: { args: unknown }; truncated?: boolean };
    // What observers read is unchanged: the first LIMIT characters of the whole JSON, then '…'.
    assert.equal(observed.sio.args, `${whole.slice(0, LIMIT)}…`);
    assert.equal(observed.truncated, true);
  }
});

test('jsonPrefix writes what JSON.stringify writes, when it fits and when it is cut', () => {
  const values: unknown[] = [
    null,
    0,
    -0,
    1.5e300,
    Number.NaN,
    Infinity,
    true,
    'plain',
    'quote " backslash \\ newline \n tab \t control \u0001 emoji 😀 lone \ud800',
    [1, undefined, () => 1, Symbol('s'), null, [], {}],
    { a: 1, b: undefined, c: () => 1, 2: 'two', 1: 'one', 'k"ey': [{ d: 'e' }] },
    Object.assign(Object.create(null) as object, { x: 1 }),
    { when: new Date(0), buf: Buffer.from('hi'), map: new Map([[1, 2]]) },
    ['😀'.repeat(50)],
  ];
  for (const v of values) {
    const whole = JSON.stringify(v);
    for (const max of [0, 1, 5, 17, 64, 10_000]) {
      const p = jsonPrefix(v, max);
      if (whole.length <= max) assert.deepEqual(p, { text: whole, cut: false }, `${whole} within ${max}`);
      else {
        assert.equal(p.cut, true, `${whole} over ${max}`);
        assert.equal(p.text.slice(0, max), whole.slice(0, max), `${whole} cut at ${max}`);
      }
    }
  }
});

test('args nested deeper than a preview goes: JSON.stringify decides, as before', () => {
  const deep = (n: number) => JSON.parse(`${'['.repeat(n)}${']'.repeat(n)}`) as unknown;
  assert.deepEqual(jsonPrefix(deep(3000), LIMIT), { text: JSON.stringify(deep(3000)), cut: true });
  // Too deep for JSON.stringify: it throws, and the stream reports the packet as unobservable.
  assert.throws(() => jsonPrefix(deep(200_000), LIMIT), RangeError);
});
