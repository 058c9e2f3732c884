/**
 * The "Scale" section of docs/benchmarks.md, written by `npm run bench -- --scale`, and how the
 * page's own sections are kept when one run rewrites another's part of it.
 */
import type { RunInfo } from './report.js';
import { DEFAULT_SESSIONS, HEARTBEATS_MS, SCALE_PATHS, type PhaseResult, type ScaleCap } from './scale.js';
import { FIRST_ROW_BUDGET_MS, FRAME_P95_BUDGET_MS, frameWithinBudget } from '../e2e/support/sessions-perf.js';
import { VARIANTS, type VariantId } from './variants.js';

export const SCALE_HEADING = '## Scale (idle sessions)';

const MB = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const KB = (bytes: number) => `${(bytes / 1e3).toFixed(1)} KB`;
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => `${n.toFixed(3)} ms`;
const label = (id: VariantId) => VARIANTS.find((v) => v.id === id)!.label;

function row(name: string, cells: Array<string | undefined>): string {
  return `| ${name} | ${cells.map((c) => c ?? '').join(' | ')} |`;
}

/** The section: the run's conditions first (a loaded machine must be visible), then one table. */
export function scaleSection(results: readonly PhaseResult[], cap: ScaleCap, run: RunInfo): string {
  const find = (path: VariantId, hb: number) => results.find((r) => r.path === path && r.pingInterval === hb);
  const [slow, fast] = HEARTBEATS_MS;
  const each = (f: (r: PhaseResult) => string | undefined, hb: number = slow) =>
    SCALE_PATHS.map((p) => {
      const r = find(p, hb);
      return r ? f(r) : undefined;
    });
  const capLine =
    cap.cap === undefined
      ? 'open-file limit unknown'
      : `open-file limit ${int(cap.openFiles ?? 0)}: a proxy holds at most ${int(cap.cap)} sessions (two descriptors each)`;
  const why =
    cap.reason === 'open-file cap'
      ? `the machine's cap (${capLine})`
      : cap.reason === 'requested'
        ? `\`--sessions ${cap.sessions}\` (${capLine})`
        : `the default (${capLine})`;
  const load = (l: readonly number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  const lines = [
    SCALE_HEADING,
    '',
    `\`npm run bench -- --scale\` on ${run.date.toISOString().slice(0, 16).replace('T', ' ')} UTC at ${run.revision}: ` +
      `**${int(cap.sessions)} sessions**, ${why}; ${run.nproc} cores (${run.cpuModel}), Node ${run.node}; ` +
      `**load average ${load(run.loadBefore)} before, ${load(run.loadAfter)} after** (1 / 5 / 15 min), ${run.durationS.toFixed(0)} s.` +
      (cap.sessions < DEFAULT_SESSIONS && cap.reason === 'requested'
        ? ` A smaller run than the default ${int(DEFAULT_SESSIONS)}: per-session figures hold, totals do not.`
        : '') +
      (run.loadBefore[0]! > run.nproc / 2
        ? ' The machine was busy with other work: the figures are an upper bound on cost, not the real one.'
        : ''),
    '',
    `Each session is a raw Engine.IO v4 client over \`ws\` (bench/scale-clients.ts, ${Math.ceil(cap.sessions / 2500)} process(es)) that connects to \`/\` and answers pings; ` +
      'the target is socket.io@4 with its `pingInterval` set per phase; one proxy runs at a time, alone in its process. ' +
      "RSS is read after forced full collections. Idle CPU is the proxy process's user + system time over two heartbeat periods, as a share of one core. " +
      `The probe is one socket.io-client doing ${results[0]?.probe.samples ?? 0} sequential acked echoes while the sessions idle.`,
    '',
    row('', SCALE_PATHS.map(label)),
    row(
      '---',
      SCALE_PATHS.map(() => '---:'),
    ),
    row(
      'sessions open (failed)',
      each((r) => `${int(r.opened)} (${r.failed})`),
    ),
    row(
      'handshakes/s',
      each((r) => int(r.handshakesPerS)),
    ),
    row(
      'RSS idle -> with the sessions open',
      each((r) => `${MB(r.idle.rss)} -> ${MB(r.open.rss)}`),
    ),
    row(
      'RSS per session',
      each((r) => KB((r.open.rss - r.idle.rss) / Math.max(1, r.opened))),
    ),
    row(
      `idle CPU, ${slow / 1000} s heartbeats`,
      each((r) => `${(r.idleCpu * 100).toFixed(2)} %`),
    ),
    row(
      `idle CPU, ${fast / 1000} s heartbeats`,
      each((r) => `${(r.idleCpu * 100).toFixed(2)} %`, fast),
    ),
    row(
      `probe p50 / p99, ${slow / 1000} s heartbeats`,
      each((r) => `${ms(r.probe.p50)} / ${ms(r.probe.p99)}`),
    ),
    row(
      `probe p50 / p99, ${fast / 1000} s heartbeats`,
      each((r) => `${ms(r.probe.p50)} / ${ms(r.probe.p99)}`, fast),
    ),
    row(
      `RSS after they closed (vs idle), ${slow / 1000} s heartbeats`,
      each(
        (r) =>
          `${MB(r.closed.rss)} (${r.closed.rss >= r.idle.rss ? '+' : ''}${MB(r.closed.rss - r.idle.rss)})`,
      ),
    ),
    row(
      'history after the phase (events, bytes)',
      each((r) => (r.history ? `${int(r.history.events)}, ${MB(r.history.bytes)}` : '-')),
    ),
    ...dashboardRows(results, each),
    '',
  ];
  return lines.join('\n');
}

/** `--dashboard`: the live dashboard's rows, judged against the targets. */
function dashboardRows(
  results: readonly PhaseResult[],
  each: (f: (r: PhaseResult) => string | undefined) => Array<string | undefined>,
): string[] {
  if (!results.some((r) => r.dashboard)) return [];
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  const p95 = Math.round(FRAME_P95_BUDGET_MS * 10) / 10;
  return [
    row(
      `dashboard opened: first session row / packet row (target < ${FIRST_ROW_BUDGET_MS} ms)`,
      each((r) =>
        r.dashboard
          ? `${int(r.dashboard.firstSessionRowMs)} / ${int(r.dashboard.firstPacketRowMs)} ms: ${verdict(r.dashboard.firstSessionRowMs < FIRST_ROW_BUDGET_MS)}`
          : '-',
      ),
    ),
    row(
      `dashboard sidebar scroll: frame median / p95 / worst (target p95 <= ${p95} ms)`,
      each((r) =>
        r.dashboard
          ? `${r.dashboard.frameMedianMs} / ${r.dashboard.frameP95Ms} / ${r.dashboard.frameMaxMs} ms (idle frame ${r.dashboard.idleFrameMs} ms): ${verdict(frameWithinBudget(r.dashboard.frameP95Ms))}`
          : '-',
      ),
    ),
  ];
}

/**
 * `page` with `section` (a `## ` heading and its text) in place of the section of the same heading,
 * or added at the end when it has none.
 */
export function withSection(page: string, section: string): string {
  const heading = section.slice(0, section.indexOf('\n'));
  const start = page.indexOf(`\n${heading}\n`);
  if (start < 0) return `${page.trimEnd()}\n\n${section.trimEnd()}\n`;
  const end = page.indexOf('\n## ', start + 1);
  return `${page.slice(0, start + 1)}${section.trimEnd()}\n${end < 0 ? '' : page.slice(end)}`;
}

/** The section of `page` under `heading` (to carry it over when another run rewrites the page). */
export function sectionOf(page: string, heading: string): string | undefined {
  const start = page.indexOf(`\n${heading}\n`);
  if (start < 0) return undefined;
  const end = page.indexOf('\n## ', start + 1);
  return page.slice(start + 1, end < 0 ? undefined : end).trimEnd();
}
