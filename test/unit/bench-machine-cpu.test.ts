/**
 * The machine's busy share over a bench window (bench/machine-cpu.ts), from two /proc/stat samples.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { busyShare, parseProcStat } from '../../bench/machine-cpu.js';

const STAT = `cpu  3960617 58192 626056 3641748 3307 0 38939 6528 120 7
cpu0 1967910 29568 311523 1835916 627 0 18712 3228 60 3
cpu1 1992706 28624 314533 1805831 2679 0 20226 3300 60 4
intr 43045232 0 0 0
ctxt 154841890
btime 1700000000
`;

test('reads the all-cores line: busy leaves out idle and iowait, the total leaves out guest time', () => {
  // user nice system irq softirq steal; guest (120) and guest_nice (7) are already in user and nice.
  const busy = 3960617 + 58192 + 626056 + 0 + 38939 + 6528;
  assert.deepEqual(parseProcStat(STAT), { busy, total: busy + 3641748 + 3307 });
  // Older kernels stop before steal: the missing fields count as 0.
  assert.deepEqual(parseProcStat('cpu  10 0 5 80 5\ncpu0 10 0 5 80 5\n'), { busy: 15, total: 100 });
  assert.equal(parseProcStat('cpu0 1 2 3 4\nintr 5\n'), undefined);
  assert.equal(parseProcStat(''), undefined);
});

test('the busy share of a window is the busy ticks over all ticks between its two samples', () => {
  const before = parseProcStat('cpu  1000 0 500 8000 500 0 0 0 0 0\n');
  // 200 ticks on 2 cores: 150 busy (user 120, system 30), 40 idle, 10 iowait.
  const after = parseProcStat('cpu  1120 0 530 8040 510 0 0 0 0 0\n');
  assert.equal(busyShare(before, after), 0.75);
  assert.equal(busyShare(before, before), NaN); // no time passed
  assert.equal(busyShare(undefined, after), NaN); // /proc/stat could not be read
  assert.equal(busyShare(before, undefined), NaN);
});
