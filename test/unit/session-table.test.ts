/** SessionTable's totals: packets of ended sessions count, including the late ones they still observe. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Session } from '../../proxy/engine/session.js';
import { SessionTable } from '../../proxy/engine/session-table.js';

/** A session that the test closes (`closed()`), as a real one tells the table it is closed. */
const fake = (sid: string) => {
  const s = {
    sid,
    counters: { packets: { c2s: 0, s2c: 0 } },
    closed: () => {},
    onClosed(fn: () => void) {
      s.closed = fn;
    },
  };
  return s as unknown as Session & { closed(): void };
};

test('a session that ended keeps counting its late packets, and evicted ones stay counted', () => {
  const table = new SessionTable();
  try {
    const a = fake('a');
    table.add(a);
    a.counters.packets.c2s = 3;
    a.closed();
    assert.equal(table.retiredPackets, 3);
    // Its client's close packet arrives after the proxy saw the session end.
    assert.equal(table.recentlyEnded('a'), a);
    a.counters.packets.c2s++;
    assert.equal(table.retiredPackets, 4);
    // 256 more ended sessions push `a` out of the kept ones: its packets stay in the total.
    for (let i = 0; i < 256; i++) {
      const s = fake(`s${i}`);
      table.add(s);
      s.counters.packets.s2c = 1;
      s.closed();
    }
    assert.equal(table.recentlyEnded('a'), undefined);
    assert.equal(table.retiredPackets, 4 + 256);
  } finally {
    table.close();
  }
});
