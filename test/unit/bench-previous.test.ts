/**
 * The bench's side-by-side with the previous run (bench/previous.ts, bench/report.ts): a page the
 * bench wrote is read back figure by figure, and the next page shows both runs and the change.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { BenchConfig } from '../../bench/config.js';
import { parseArgs } from '../../bench/config.js';
import type { LatencyResult } from '../../bench/latency.js';
import type { ThroughputResult } from '../../bench/throughput.js';
import { describeChange, parseFigure, readPrevious } from '../../bench/previous.js';
import { buildReport, markdown, type Results, type RunInfo } from '../../bench/report.js';
import type { VariantId } from '../../bench/variants.js';

function latency(p50: number, p99: number, roundP50 = [p50, p50, p50]): LatencyResult {
  return { samples: 3000, p50, p99, roundP50, roundP99: [p99, p99, p99], cpuPerRoundTrip: 100 };
}

function results(sioP50: number): Results {
  const ws = {
    direct: latency(0.1, 0.9),
    passthrough: latency(0.2, 1.5),
    sio0: latency(0.22, 2.0),
    sio1: latency(sioP50, 2.3, [sioP50 * 0.95, sioP50, sioP50 * 1.05]),
    sio1rule: latency(0.29, 2.5),
    sio5: latency(0.27, 2.2),
  } satisfies Record<VariantId, LatencyResult>;
  return { latency: { websocket: ws, polling: ws } };
}

/** One path's messages/s, three rounds; `proxy` NaN for direct, `observers` NaN without. */
function throughput(rate: number, proxy: number, observers: number): ThroughputResult {
  const rounds = (n: number) => [n, n, n];
  const all = 10 + 5 + (Number.isNaN(proxy) ? 0 : proxy) + (Number.isNaN(observers) ? 0 : observers);
  const way = { cpu: rounds(proxy), observers: rounds(observers), all: rounds(all) };
  return {
    c2s: rounds(rate),
    s2c: rounds(rate),
    c2sCpu: way.cpu,
    s2cCpu: way.cpu,
    c2sObserversCpu: way.observers,
    s2cObserversCpu: way.observers,
    c2sTargetCpu: rounds(5),
    s2cTargetCpu: rounds(5),
    c2sClientsCpu: rounds(10),
    s2cClientsCpu: rounds(10),
    c2sAllCpu: way.all,
    s2cAllCpu: way.all,
    c2sMachineBusy: [0.97, 0.99, 0.98],
    s2cMachineBusy: rounds(0.98),
    machineCores: 2,
    rss: rounds(50e6),
  };
}

function withThroughput(sioP50: number): Results {
  return {
    ...results(sioP50),
    throughput: {
      direct: throughput(100_000, NaN, NaN),
      passthrough: throughput(80_000, 3, NaN),
      sio0: throughput(70_000, 5, NaN),
      sio1: throughput(60_000, 6, 2),
      sio1rule: throughput(60_000, 6, 2),
      sio5: throughput(40_000, 7, 9),
    },
  };
}

const run: RunInfo = {
  date: new Date('2026-12-06T12:00:00Z'),
  nproc: 2,
  cpuModel: 'test CPU',
  memoryGb: 8,
  node: 'v20',
  platform: 'linux',
  loadBefore: [0.2, 0.3, 0.4],
  loadAfter: [0.5, 0.6, 0.7],
  durationS: 10,
  revision: 'abc1234',
  children: 'compiled with tsc (bench/build.ts)',
};
const cfg: BenchConfig = parseArgs([]);

test('reads figures, units and spreads as the Results table shows them', () => {
  assert.deepEqual(parseFigure('0.252 ms ±7%'), { value: 0.252, text: '0.252', unit: 'ms', spread: 0.07 });
  assert.deepEqual(parseFigure('92,475/s ±2%'), { value: 92475, text: '92,475', unit: '/s', spread: 0.02 });
  assert.deepEqual(parseFigure('40.0 KB'), { value: 40, text: '40.0', unit: 'KB', spread: 0 });
  assert.equal(parseFigure('—'), undefined);
});

test('a page the bench wrote reads back as the run it describes', () => {
  const page = markdown(buildReport(results(0.252)), run, cfg);
  const previous = readPrevious(page)!;
  assert.equal(previous.date, '2026-12-06T12:00:00.000Z');
  assert.equal(previous.revision, 'abc1234');
  assert.equal(previous.load, '0.20 / 0.30 / 0.40 before, 0.50 / 0.60 / 0.70 after');
  const p50 = previous.figures.get('acked round trip p50, WebSocket')!;
  assert.equal(p50.get('sio1')?.value, 0.252);
  assert.equal(p50.get('sio1')?.spread, 0.05);
  assert.equal(p50.get('passthrough')?.value, 0.2);
  assert.equal(previous.figures.get('acked round trip p99, polling')?.get('sio5')?.value, 2.2);
});

test('the next page shows the previous figure, this one and the change, and says when it is noise', () => {
  const previous = readPrevious(markdown(buildReport(results(0.252)), run, cfg))!;
  const report = buildReport(results(0.2), previous);
  assert.ok(report.comparison);
  const row = report.comparison.split('\n').find((l) => l.startsWith('| acked round trip p50, WebSocket'))!;
  assert.match(row, /0\.252 → 0\.200 ms, -21%/);
  assert.match(row, /0\.200 → 0\.200 ms, \+0% \(noise\)/); // the pass-through did not move
  const page = markdown(report, run, cfg, previous);
  assert.match(page, /## Against the previous run \(2026-12-06T12:00:00.000Z, sio-proxy at abc1234\)/);
  // Without a previous page there is nothing to compare with, and no section.
  assert.equal(buildReport(results(0.2)).comparison, undefined);
  assert.doesNotMatch(markdown(buildReport(results(0.2)), run, cfg), /previous run/);
});

test('reads the page of the last full run, written before this change', () => {
  const previous = readPrevious(readFileSync(new URL('../../docs/benchmarks.md', import.meta.url), 'utf8'));
  assert.ok(previous, 'docs/benchmarks.md has a Results table');
  const p50 = previous.figures.get('acked round trip p50, WebSocket');
  // Older pages named the 0-rules path "sio-proxy, 1 observer".
  for (const id of ['direct', 'passthrough', 'sio1', 'sio1rule', 'sio5'] as const)
    assert.ok(p50?.get(id), `a p50 for ${id}`);
});

test('a path or a figure missing on one side is shown as such', () => {
  const f = { value: 1, text: '1.0', unit: 'ms', spread: 0 };
  assert.equal(describeChange(undefined, f), '— → 1.0 ms');
  assert.equal(describeChange(f, undefined), '1.0 ms → —');
  assert.equal(describeChange({ ...f, value: 0, text: '0.0' }, f), '0.0 → 1.0 ms, n/a');
});

test("the CPU of all processes and the machine's busy share: rows shown, not judged, new beside an older page", () => {
  // The previous page had no messages/s rows at all: every figure of them is new.
  const previous = readPrevious(markdown(buildReport(results(0.252)), run, cfg))!;
  const report = buildReport(withThroughput(0.252), previous);
  const row = (table: string, name: string) => table.split('\n').find((l) => l.startsWith(`| ${name} `))!;
  assert.match(
    row(report.absolute, "all processes' CPU per message, client -> server"),
    /\| 15\.00 µs +\| 18\.00 µs/,
  );
  assert.match(
    row(report.absolute, "all processes' CPU per message, server -> client"),
    /\| 23\.00 µs +\| 23\.00 µs/,
  );
  assert.match(row(report.absolute, 'machine busy during messages/s windows'), /\| 98% ±1% +\|/);
  for (const name of [
    "all processes' CPU per message, client -> server",
    "all processes' CPU per message, server -> client",
    'machine busy during messages/s windows',
  ]) {
    assert.match(row(report.targets, name), /\| not judged +\|/);
    assert.doesNotMatch(row(report.targets, name), /PASS|FAIL/);
    assert.ok(!report.verdicts.some((v) => v.metric === name));
  }
  assert.match(
    row(report.comparison!, "all processes' CPU per message, client -> server"),
    /\| — → 15\.00 µs +\| — → 18\.00 µs/,
  );
  assert.match(row(report.comparison!, 'machine busy during messages/s windows'), /\| — → 98 % +\|/);
  // Read back from the page it writes, the next run compares with them.
  const again = buildReport(withThroughput(0.252), readPrevious(markdown(report, run, cfg, previous)));
  assert.match(
    row(again.comparison!, "all processes' CPU per message, server -> client"),
    /23\.00 → 23\.00 µs, \+0% \(noise\)/,
  );
  // The notes give each path's split over the processes, and the cores it adds up to.
  assert.ok(
    report.notes.includes(
      "sio5: messages/s windows: machine busy 98%; all processes' CPU per message, " +
        'client -> server 31.00 µs (clients 10.00, target 5.00, proxy 7.00, observers 9.00; 1.24 of the 1.96 busy cores at its rate), ' +
        'server -> client 31.00 µs (clients 10.00, target 5.00, proxy 7.00, observers 9.00; 1.24 of the 1.96 busy cores at its rate)',
    ),
    report.notes.join('\n'),
  );
  assert.ok(
    report.notes.some(
      (n) =>
        n.startsWith('direct: messages/s windows: machine busy 98%; ') &&
        n.includes('(clients 10.00, target 5.00; 1.50 of the 1.96 busy cores'),
    ),
  );
});
