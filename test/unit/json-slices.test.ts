import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonSlices } from '../../proxy/stream/json-slices.js';

test('the slices join to JSON.stringify of the value', () => {
  const value = {
    log: {
      version: '1.2',
      skipped: undefined,
      entries: [
        { a: 1, fn: () => 1, nested: { deep: { deeper: { deepest: [1, undefined, 'x'] } } } },
        {
          _webSocketMessages: Array.from({ length: 40 }, (_, i) => ({
            type: 'send',
            data: `4${i}`,
            gone: undefined,
          })),
        },
        { date: new Date(0), list: [undefined, Symbol('s'), null, 'é\u2028"'] },
      ],
    },
  };
  for (const size of [1, 64, 1e9]) assert.equal([...jsonSlices(value, size)].join(''), JSON.stringify(value));
  for (const leaf of [1, 'x', null, [], {}])
    assert.equal([...jsonSlices(leaf, 8)].join(''), JSON.stringify(leaf));
});

test('one entry holding 30 000 messages comes in slices of about the size asked, not as one string', () => {
  const message = { type: 'receive', time: 1, opcode: 1, data: `42["fill","${'x'.repeat(1100)}"]` };
  const har = { log: { entries: [{ _webSocketMessages: Array.from({ length: 30_000 }, () => message) }] } };
  const slices = [...jsonSlices(har, 256 * 1024)];
  const longest = Math.max(...slices.map((s) => s.length));
  assert.ok(slices.length > 100, `${slices.length} slices`);
  assert.ok(longest < 256 * 1024 + 2 * JSON.stringify(message).length, `longest slice ${longest} characters`);
});
