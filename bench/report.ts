/**
 * Turns the measurements into the two tables (absolute numbers; ratios against the targets with
 * PASS/FAIL) and the docs/benchmarks.md page. Tables are Markdown, padded so that they read as well
 * in a terminal as rendered.
 */
import type { BenchConfig } from './config.js';
import type { BinaryResult } from './binary.js';
import type { LatencyResult } from './latency.js';
import type { MemoryResult } from './memory.js';
import type { ReplayResult } from './replay.js';
import { describeChange, parseFigure, type PreviousRun } from './previous.js';
import { median, percentile, spread } from './stats.js';
import { MARK_EVERY, MAX_MARKS } from './window.js';
import type { ThroughputResult } from './throughput.js';
import { VARIANTS, type VariantId } from './variants.js';

export interface Results {
  latency?: { websocket: Record<VariantId, LatencyResult>; polling: Record<VariantId, LatencyResult> };
  throughput?: Record<VariantId, ThroughputResult>;
  binary?: Record<VariantId, BinaryResult>;
  memory?: Partial<Record<VariantId, MemoryResult>>;
  replay?: ReplayResult[];
  /** Events each sio-proxy observer counted during the timed measurements (a check they ran). */
  observed?: Partial<Record<VariantId, number[]>>;
}

export interface RunInfo {
  date: Date;
  nproc: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  platform: string;
  loadBefore: number[];
  loadAfter: number[];
  durationS: number;
  /** The commit measured, and whether proxy/ or shared/ had uncommitted changes. */
  revision: string;
  /** How the child processes ran: compiled, or from the sources under tsx (bench/build.ts). */
  children: string;
}

/** Issue #14's targets. `fiveObservers`: the limit for the 5-dashboard path where it differs. */
type Target =
  | { kind: 'max-ratio'; limit: number }
  | { kind: 'min-ratio'; limit: number; fiveObservers?: number }
  | { kind: 'max-extra'; limit: number; unit: string };

interface Metric {
  name: string;
  value(v: VariantId): number | undefined;
  /** Relative half-range over the rounds, when the metric was measured in rounds. */
  spread?(v: VariantId): number | undefined;
  format(n: number): string;
  /** Diagnostic rows (the proxy's CPU cost) have none: shown with their ratios, not judged. */
  target?: Target;
}

export interface Verdict {
  metric: string;
  variant: VariantId;
  pass: boolean;
}

const SIO: VariantId[] = ['sio0', 'sio1', 'sio1rule', 'sio5'];
/** Column heads of the sio-proxy paths in the targets table. */
const SHORT: Partial<Record<VariantId, string>> = {
  sio0: '0 obs',
  sio1: '1 obs',
  sio1rule: '1 obs + 1 rule',
  sio5: '5 obs',
};
/** 30 KB, in bytes (KB = 1000 bytes throughout). */
const RSS_EXTRA_LIMIT = 30_000;

const ms = (n: number) => `${n.toFixed(n < 10 ? 3 : 1)} ms`;
const perS = (n: number) => `${Math.round(n).toLocaleString('en-US')}/s`;
const mbs = (n: number) => `${n.toFixed(1)} MB/s`;
const kb = (n: number) => `${(n / 1000).toFixed(1)} KB`;
const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
const us = (n: number) => `${n.toFixed(2)} µs`;
const msPerMb = (n: number) => `${n.toFixed(1)} ms/MB`;
const pct = (n: number) => `${n.toFixed(0)}%`;
const direction = (dir: 'c2s' | 's2c') => (dir === 'c2s' ? 'client -> server' : 'server -> client');
const withoutNaN = (values: readonly number[]) => values.filter((n) => !Number.isNaN(n));

/** The machine's busy share (in %) over a path's messages/s windows, both ways, every round. */
function machineBusy(t: ThroughputResult | undefined): number[] {
  return t ? withoutNaN([...t.c2sMachineBusy, ...t.s2cMachineBusy]).map((n) => n * 100) : [];
}

function metrics(r: Results): Metric[] {
  const out: Metric[] = [];
  for (const transport of ['websocket', 'polling'] as const) {
    const lat = r.latency?.[transport];
    if (!lat) continue;
    const label = transport === 'websocket' ? 'WebSocket' : 'polling';
    out.push({
      name: `acked round trip p50, ${label}`,
      value: (v) => lat[v]?.p50,
      spread: (v) => (lat[v] ? spread(lat[v].roundP50) : undefined),
      format: ms,
      target: { kind: 'max-ratio', limit: 1.1 },
    });
    out.push({
      name: `acked round trip p99, ${label}`,
      value: (v) => lat[v]?.p99,
      spread: (v) => (lat[v] ? spread(lat[v].roundP99) : undefined),
      format: ms,
      target: { kind: 'max-ratio', limit: 1.3 },
    });
  }
  const tp = r.throughput;
  if (tp) {
    for (const dir of ['c2s', 's2c'] as const) {
      out.push({
        name: `messages/s ${dir === 'c2s' ? 'client -> server' : 'server -> client'}`,
        value: (v) => (tp[v] ? median(tp[v][dir]) : undefined),
        spread: (v) => (tp[v] ? spread(tp[v][dir]) : undefined),
        format: perS,
        target: { kind: 'min-ratio', limit: 0.95, fiveObservers: 0.9 },
      });
    }
  }
  if (tp) {
    out.push({
      name: 'proxy RSS under load',
      value: (v) => (tp[v] && v !== 'direct' ? median(tp[v].rss) : undefined),
      spread: (v) => (tp[v] && v !== 'direct' ? spread(tp[v].rss) : undefined),
      format: mb,
      target: { kind: 'max-ratio', limit: 1.5 },
    });
  }
  const bin = r.binary;
  if (bin) {
    out.push({
      name: '256 KiB binary echoes',
      value: (v) => (bin[v] ? median(bin[v].rate) : undefined),
      spread: (v) => (bin[v] ? spread(bin[v].rate) : undefined),
      format: mbs,
      target: { kind: 'min-ratio', limit: 0.9 },
    });
  }
  const mem = r.memory;
  if (mem) {
    out.push({
      name: 'RSS per idle WebSocket session',
      value: (v) => mem[v]?.rssPerSession,
      format: kb,
      target: { kind: 'max-extra', limit: RSS_EXTRA_LIMIT, unit: 'KB' },
    });
    // The same clients as the memory measurement, so the count is its: 1,000 in a full run.
    const sessions = Object.values(mem).find((m) => m)?.sessions ?? 0;
    out.push({
      name: `handshakes/s (${sessions.toLocaleString('en-US')} clients)`,
      value: (v) => (mem[v] ? mem[v].sessions / (mem[v].connectMs / 1000) : undefined),
      format: perS,
      target: { kind: 'min-ratio', limit: 0.9 },
    });
  }
  const proxyOnly = (v: VariantId, values: number[] | undefined) =>
    values && v !== 'direct' ? median(values) : undefined;
  for (const transport of ['websocket', 'polling'] as const) {
    const lat = r.latency?.[transport];
    if (!lat) continue;
    out.push({
      name: `proxy CPU per acked round trip, ${transport === 'websocket' ? 'WebSocket' : 'polling'}`,
      value: (v) => (v === 'direct' ? undefined : lat[v]?.cpuPerRoundTrip),
      format: us,
    });
  }
  if (tp) {
    for (const dir of ['c2s', 's2c'] as const) {
      out.push({
        name: `proxy CPU per message, ${dir === 'c2s' ? 'client -> server' : 'server -> client'}`,
        value: (v) => proxyOnly(v, tp[v]?.[dir === 'c2s' ? 'c2sCpu' : 's2cCpu']),
        spread: (v) =>
          tp[v] && v !== 'direct' ? spread(tp[v][dir === 'c2s' ? 'c2sCpu' : 's2cCpu']) : undefined,
        format: us,
      });
    }
    for (const dir of ['c2s', 's2c'] as const) {
      const key = dir === 'c2s' ? 'c2sObserversCpu' : 's2cObserversCpu';
      out.push({
        name: `observers' CPU per message (their process), ${dir === 'c2s' ? 'client -> server' : 'server -> client'}`,
        value: (v) => {
          const m = proxyOnly(v, tp[v]?.[key]);
          return m === undefined || Number.isNaN(m) ? undefined : m;
        },
        spread: (v) => (tp[v]?.[key]?.some((x) => !Number.isNaN(x)) ? spread(tp[v]![key]) : undefined),
        format: us,
      });
    }
    // Clients + target + proxy + observers: on a machine busy throughout the windows (next row),
    // what sets the rates' ratios between paths.
    for (const dir of ['c2s', 's2c'] as const) {
      const key = dir === 'c2s' ? 'c2sAllCpu' : 's2cAllCpu';
      out.push({
        name: `all processes' CPU per message, ${direction(dir)}`,
        value: (v) => (tp[v] ? median(tp[v][key]) : undefined),
        spread: (v) => (tp[v] ? spread(tp[v][key]) : undefined),
        format: us,
      });
    }
    out.push({
      name: 'machine busy during messages/s windows',
      value: (v) => {
        const busy = machineBusy(tp[v]);
        return busy.length ? median(busy) : undefined;
      },
      spread: (v) => {
        const busy = machineBusy(tp[v]);
        return busy.length ? spread(busy) : undefined;
      },
      format: pct,
    });
  }
  if (bin) {
    out.push({
      name: 'proxy CPU per MB echoed',
      value: (v) => proxyOnly(v, bin[v]?.cpuPerMb),
      spread: (v) => (bin[v] && v !== 'direct' ? spread(bin[v].cpuPerMb) : undefined),
      format: msPerMb,
    });
  }
  return out;
}

/**
 * "machine busy 98%; all processes' CPU per message, client -> server 24.10 µs (clients 10.00,
 * target 5.00, proxy 7.00, observers 2.10; 1.93 of the 1.96 busy cores at its rate), server ->
 * client ...": how a path's CPU per message splits over the processes, and how many cores that adds
 * up to at the rate measured, beside how many the machine had busy (medians over the rounds). When
 * the two agree, the bench's processes were what kept the machine busy; when they do not, other
 * work shared the cores.
 */
function cpuSplit(t: ThroughputResult): string {
  const busy = machineBusy(t);
  const ways = (['c2s', 's2c'] as const).map((dir) => {
    const parts = (
      [
        ['clients', t[`${dir}ClientsCpu`]],
        ['target', t[`${dir}TargetCpu`]],
        ['proxy', t[`${dir}Cpu`]],
        ['observers', t[`${dir}ObserversCpu`]],
      ] as const
    )
      .map(([name, values]) => [name, withoutNaN(values)] as const)
      .filter(([, values]) => values.length > 0)
      .map(([name, values]) => `${name} ${median(values).toFixed(2)}`);
    const all = t[`${dir}AllCpu`];
    const cores = median(t[dir].map((rate, i) => (rate * (all[i] ?? NaN)) / 1e6));
    const busyCores = withoutNaN(t[`${dir}MachineBusy`]).map((n) => n * t.machineCores);
    const of = busyCores.length ? ` of the ${median(busyCores).toFixed(2)} busy` : '';
    return `${direction(dir)} ${us(median(all))} (${parts.join(', ')}; ${cores.toFixed(2)}${of} cores at its rate)`;
  });
  return `machine busy ${busy.length ? pct(median(busy)) : 'unknown'}; all processes' CPU per message, ${ways.join(', ')}`;
}

function describeTarget(t: Target | undefined): string {
  if (!t) return 'not judged';
  if (t.kind === 'max-ratio') return `≤ ${t.limit}x pass-through`;
  if (t.kind === 'min-ratio')
    return `≥ ${t.limit}x pass-through${t.fiveObservers ? ` (5 obs: ${t.fiveObservers}x)` : ''}`;
  return `≤ pass-through + ${t.limit / 1000} ${t.unit}`;
}

function judge(t: Target, value: number, base: number, id: VariantId): boolean {
  if (t.kind === 'max-ratio') return value <= base * t.limit;
  if (t.kind === 'min-ratio') return value >= base * (id === 'sio5' ? (t.fiveObservers ?? t.limit) : t.limit);
  return value <= base + t.limit;
}

const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0
    ? '—'
    : `${(a / b).toFixed(2)}x`;

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

export interface Report {
  absolute: string;
  targets: string;
  /** This run beside the previous one (the figures of the page it replaces), when there was one. */
  comparison?: string;
  verdicts: Verdict[];
  notes: string[];
  /** The history replay under a crowd (bench/replay.ts), when it ran. */
  replay?: string;
}

/** A figure as the Results table shows it: "0.252 ms ±7%", or "—". */
function cell(m: Metric, id: VariantId): string {
  const value = m.value(id);
  if (value === undefined || Number.isNaN(value)) return '—';
  const s = m.spread?.(id);
  return s === undefined || s === 0 ? m.format(value) : `${m.format(value)} ±${(s * 100).toFixed(0)}%`;
}

export function buildReport(r: Results, previous?: PreviousRun): Report {
  const ms = metrics(r);
  const variantsShown = VARIANTS.filter((v) => ms.some((m) => m.value(v.id) !== undefined));
  const absolute = table(
    ['metric', ...variantsShown.map((v) => v.label)],
    ms.map((m) => [m.name, ...variantsShown.map((v) => cell(m, v.id))]),
  );
  const comparison =
    previous &&
    table(
      ['metric (previous → now, change)', ...variantsShown.map((v) => v.label)],
      ms.map((m) => [
        m.name,
        ...variantsShown.map((v) =>
          describeChange(previous.figures.get(m.name)?.get(v.id), parseFigure(cell(m, v.id))),
        ),
      ]),
    );

  const verdicts: Verdict[] = [];
  const targetRows = ms.map((m) => {
    const base = m.value('passthrough');
    const direct = m.value('direct');
    const cells = [m.name, describeTarget(m.target)];
    for (const id of SIO) {
      const value = m.value(id);
      // Per-session memory can be near zero (or below, within noise) for the pass-through: a ratio
      // to it says nothing, the difference is what the target is about.
      const vsPt =
        m.target?.kind === 'max-extra'
          ? value !== undefined && base !== undefined
            ? `${value >= base ? '+' : ''}${kb(value - base)}`
            : '—'
          : ratio(value, base);
      let verdict = '—';
      if (
        m.target &&
        value !== undefined &&
        base !== undefined &&
        !Number.isNaN(value) &&
        !Number.isNaN(base)
      ) {
        const pass = judge(m.target, value, base, id);
        verdicts.push({ metric: m.name, variant: id, pass });
        verdict = pass ? 'PASS' : 'FAIL';
      }
      cells.push(vsPt, ratio(value, direct), verdict);
    }
    return cells;
  });
  const targets = table(
    [
      'metric',
      'target',
      ...SIO.flatMap((id) => [`${SHORT[id]} / pass-through`, `${SHORT[id]} / direct`, SHORT[id] ?? id]),
    ],
    targetRows,
  );

  const notes: string[] = [];
  for (const id of SIO) {
    const counts = r.observed?.[id];
    if (counts?.length)
      notes.push(
        `${id}: each observer counted ${counts.map((c) => c.toLocaleString('en-US')).join(' / ')} events`,
      );
    const mem = r.memory?.[id];
    if (mem?.trackedSessions !== undefined)
      notes.push(
        `${id}: ${mem.trackedSessions} sessions tracked with ${mem.sessions} idle clients connected`,
      );
  }
  for (const v of VARIANTS) {
    const t = r.throughput?.[v.id];
    if (t) notes.push(`${v.id}: messages/s windows: ${cpuSplit(t)}`);
  }
  for (const v of VARIANTS) {
    const mem = r.memory?.[v.id];
    if (mem)
      notes.push(
        `${v.id}: RSS ${(mem.before.rss / 1e6).toFixed(1)} MB -> ${(mem.after.rss / 1e6).toFixed(1)} MB, ` +
          `heap used per session ${kb(mem.heapPerSession)}`,
      );
  }
  const replay = r.replay?.length ? replayTable(r.replay, verdicts) : undefined;
  return {
    absolute,
    targets,
    ...(comparison ? { comparison } : {}),
    verdicts,
    notes,
    ...(replay ? { replay } : {}),
  };
}

/** Issue #14: a healthy client's ack p99 during the crowd within this many times its idle p99. */
const REPLAY_P99_LIMIT = 2;
export const REPLAY_METRIC = 'ack p99 during a history replay';

function replayTable(results: ReplayResult[], verdicts: Verdict[]): string {
  const p = percentile;
  const column = (r: ReplayResult) => {
    const over = p(r.crowd, 99) / p(r.idle, 99);
    const pass = over <= REPLAY_P99_LIMIT;
    // Judged with the defaults only: the readers on the relay's thread are the opt-out, shown for comparison.
    if (r.readerThread) verdicts.push({ metric: REPLAY_METRIC, variant: 'sio0', pass });
    const seconds = r.crowdMs.map((x) => (x / 1000).toFixed(1)).join(' / ') + ' s';
    return [
      `${r.events.toLocaleString('en-US')} (${mb(r.heldBytes)})`,
      `${r.observers}, with a capture and a HAR export downloading`,
      `${ms(p(r.idle, 50))} / ${ms(p(r.idle, 99))} (${r.idle.length} acks)`,
      `${ms(p(r.crowd, 50))} / ${ms(p(r.crowd, 99))}, worst ${ms(Math.max(...r.crowd))} (${r.crowd.length} acks)`,
      `${over.toFixed(2)}x${r.readerThread ? (pass ? ' PASS' : ' FAIL') : ''}`,
      seconds,
      r.rss.map((x) => `${mb(x.start)} → ${mb(x.peak)}`).join(', '),
      r.downloads
        .map((d) => `${d.capture.status} ${mb(d.capture.bytes)}, ${d.har.status} ${mb(d.har.bytes)}`)
        .join('; '),
    ];
  };
  const columns = results.map(column);
  const names = [
    'events held',
    'observers connecting at once',
    'healthy client: ack p50 / p99, idle',
    'during the crowds',
    `p99 during / idle (target ≤ ${REPLAY_P99_LIMIT}x)`,
    'each crowd took',
    'proxy RSS at each crowd: start → peak',
    'downloads (capture, HAR)',
  ];
  return table(
    [
      'figure',
      ...results.map((r) => (r.readerThread ? 'reader thread (the default)' : '--reader-thread off')),
    ],
    names.map((name, i) => [name, ...columns.map((c) => c[i]!)]),
  );
}

export function summaryLine(verdicts: Verdict[]): string {
  const failed = verdicts.filter((v) => !v.pass);
  if (failed.length === 0) return `all ${verdicts.length} checks PASS`;
  return `${failed.length} of ${verdicts.length} checks FAIL: ${failed.map((f) => `${f.metric} (${f.variant})`).join('; ')}`;
}

const rounds = (n: number) =>
  n === 1
    ? 'every measurement is one round (quick mode)'
    : `every measurement is split into ${n} rounds and the order of the paths rotates each round`;

/** Where the previous run's figures are shown, and how to read the change. */
export function comparisonTitle(previous: PreviousRun): string {
  return `Against the previous run (${previous.date}, sio-proxy at ${previous.revision})`;
}

function comparisonSection(report: Report, previous: PreviousRun | undefined): string {
  if (!report.comparison || !previous) return '';
  return `## ${comparisonTitle(previous)}

The figures this page showed before this run, then this run's, and the change. "(noise)": the
change is no larger than how far the rounds of either run disagreed (their ±N%), so it may be
background load rather than a change in the proxy. Load average (1 / 5 / 15 min) of the previous
run: ${previous.load}.

${report.comparison}

`;
}

export function markdown(report: Report, run: RunInfo, cfg: BenchConfig, previous?: PreviousRun): string {
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  return `# Benchmarks

Generated by \`npm run bench${cfg.quick ? ' -- --quick' : ''}\` on ${run.date.toISOString()} (took ${run.durationS.toFixed(0)} s).

- Machine: ${run.nproc} cores (\`nproc\`), ${run.cpuModel}, ${run.memoryGb.toFixed(1)} GB RAM, ${run.platform}
- Node ${run.node}; socket.io / socket.io-client 4, http-proxy 1.18, all traffic on 127.0.0.1
- sio-proxy at ${run.revision}
- Child processes (target, proxies, observers, idle clients) run ${run.children}
- Load average (1 / 5 / 15 min) before: ${load(run.loadBefore)}, after: ${load(run.loadAfter)}${
    run.loadBefore[0]! > 0.5 ? ' (other work was running: treat small differences as noise)' : ''
  }

## Results

Rates are medians over ${cfg.rounds} round${cfg.rounds === 1 ? '' : 's'}; latencies pool the samples of all rounds. ±N% is half
the range between the rounds, relative to the median: how much background load moved the numbers.

${report.absolute}

${comparisonSection(report, previous)}## Against the targets

sio-proxy runs as the CLI runs it: it decodes every Engine.IO and Socket.IO packet it relays, the
event stream serialises every event into its history, and 1 or 5 dashboards are connected to
\`/api/events\` (from a process of their own). Ratios are sio-proxy / pass-through (what observation costs)
and sio-proxy / direct (what the whole proxy costs, including the extra hop); only the first is judged.

${report.targets}

**${summaryLine(report.verdicts)}**
${
  report.replay
    ? `
## History replay under a crowd

A fresh sio-proxy holds ${cfg.replay.events.toLocaleString('en-US')} events of about ${cfg.replay.eventBytes.toLocaleString('en-US')} bytes; then ${cfg.replay.observers} dashboards connect to \`/api/events\` at once and read all of it, while \`GET /api/capture\` and \`GET /api/har\` download it (\`test/support/observer-storm.ts\`, a process of its own), ${cfg.rounds} times. One healthy client does sequential acked echoes throughout; its round trips during the crowds are compared with those of idle windows of ${cfg.replay.idleMs} ms between them (\`bench/replay.ts\`).

${report.replay}
`
    : ''
}
${report.notes.map((n) => `- ${n}`).join('\n')}

Where the time goes and what it would take to meet the targets: [performance.md](performance.md).
The dashboard's own figures (200,000 packets in Chromium): [benchmarks-dashboard.md](benchmarks-dashboard.md).

## How measured

- **Processes.** The reference socket.io@4 server runs in its own child process, each proxy in its own child process, and the measuring clients in the orchestrator (\`bench/run.ts\`). On 2 cores, a proxy sharing an event loop with the clients or the server would have CPU time charged to the wrong side and its I/O delayed by their work; one process each gives pass-through and sio-proxy the same topology (client -> proxy -> server), so their ratio isolates what decoding and observing cost. Direct has one process fewer, so the ratio to direct also includes the extra hop.
- **Paths.** Pass-through is http-proxy with \`ws: true\` and nothing else. sio-proxy is \`ProxyServer\` from proxy/ with the event stream and its WebSocket server (\`bench/proxy-child.ts\`), and 1 or 5 observers connected to (with 1 observer also once with a rule armed that matches nothing: WebSocket sessions stay piped and each message's first bytes are checked against the rule, the price of arming, issues #11 and #14) \`/api/events\` that parse every message (\`bench/observers-child.ts\`, a separate process).
- **Fairness under noise.** All proxies run for the whole run but only one path carries traffic at a time; ${rounds(cfg.rounds)}, so drifting background load spreads over all paths.
- **Latency.** One client per path and transport, \`emitWithAck('echo')\` one at a time: ${cfg.latency.websocketSamples} samples over WebSocket and ${cfg.latency.pollingSamples} over polling, after ${cfg.latency.warmup} warm-up round trips; p50/p99 of the pooled samples. Polling clients are engine.io-client's Node XHR, which opens a TCP connection per request (as http-proxy does towards the target).
- **Messages/s.** ${cfg.throughput.clients} WebSocket clients per path; small JSON events, fire-and-forget except one in ${MARK_EVERY}, which is acked so that a sender keeps at most ${MARK_EVERY * MAX_MARKS} messages in flight (without that, a sender that outpaces the path fills megabytes of loopback socket buffers, which then drain into the next measurement). Client -> server: all clients emit as fast as that allows and the server counts arrivals in a ${cfg.throughput.windowMs} ms window on its own clock, after ${cfg.throughput.warmMs} ms of warm-up. Server -> client: the server emits to the path's clients the same way and the clients count arrivals. RSS under load: the proxy process's RSS (as it is, no GC first) read at the end of each window while the load is still on, the larger of a round's two, median over the rounds (MB = 10^6 bytes).
- **Binary.** ${cfg.binary.clients} WebSocket clients per path each echo a ${cfg.binary.bytes / 1024} KiB Buffer with \`emitWithAck\` in a loop (${cfg.binary.clients} echoes in flight), for ${cfg.binary.windowMs} ms after ${cfg.binary.warmMs} ms of warm-up; MB/s is echoed payload (10^6 bytes) per second, and the wire carries twice that.
- **Proxy CPU.** During each latency block and each messages/s and binary window, the proxy process's own CPU time (\`process.cpuUsage()\`, user + system) divided by the round trips, messages or MB that crossed it (for messages/s: its CPU per second while it was metered, which takes a few IPC round trips longer than the window, divided by the window's messages per second). It does not depend on how the cores were shared, so it is the steadiest view of what a relay costs on a busy machine; shown, not judged.
- **CPU of all processes.** Over each messages/s window, the CPU time of every process the messages cross: the clients (the orchestrator's own \`process.cpuUsage()\`), the reference server, the proxy and its observers' process, per message as for the proxy above; and how busy the machine's cores were over the same window (all cores, from \`/proc/stat\`: everything but idle and iowait). With the machine busy throughout, the rates of two paths are in the inverse ratio of their CPU per message across all processes; the notes under the targets give each path's split, and how many cores it adds up to at its rate beside how many the machine had busy (fewer: other work shared the cores). Shown, not judged.
- **Memory.** For each proxy, a fresh process started with \`--expose-gc\`: ${cfg.memory.warmupClients} clients connect and leave (warm-up), RSS is read after forced GCs (until it stops moving), ${cfg.memory.clients} WebSocket clients connect from a separate process and stay idle, and RSS is read again the same way; the difference divided by the number of clients is the cost of one session. KB = 1000 bytes. Handshakes/s: those ${cfg.memory.clients} clients divided by the time they took to connect (${cfg.memory.concurrency} handshakes in flight at a time); one measurement per proxy, not rounds.
- **Running it.** \`npm run bench\` (about 4-5 minutes, rewrites this page), \`npm run bench -- --quick\` (about 30 s, prints only), \`npm run bench -- --profile\` (runs the sio-proxy child under \`node --cpu-prof\` and prints its top self-time functions; profiled numbers are skewed).
`;
}
