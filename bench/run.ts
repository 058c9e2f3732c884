/**
 * `npm run bench`: measures what sio-proxy costs against a direct connection and against a plain
 * byte pass-through, in one run, and checks it against the project's targets.
 *
 *   npm run bench                 full run (~4-5 min), rewrites docs/benchmarks.md, showing the
 *                                 figures of the page it replaces beside its own (bench/previous.ts)
 *   npm run bench -- --quick      ~30 s smoke run, prints only
 *   npm run bench -- --profile    also runs the sio-proxy child under node --cpu-prof and
 *                                 summarises where its CPU time went
 *   npm run bench -- --scale [--sessions N] [--no-write] [--dashboard]
 *                                 10,000 idle sessions (bench/scale.ts), ~4 min; writes the
 *                                 "Scale" section of docs/benchmarks.md only; --dashboard also
 *                                 opens sio-proxy's dashboard in Chromium with them open
 *
 * Processes (see bench/variants.ts for why): this one holds the measuring clients; the reference
 * socket.io server, each proxy and the idle clients of the memory measurement are child processes,
 * which are stopped in a `finally`, killed on exit/signals, and exit by themselves if this process
 * disappears (their IPC channel closes).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { measureBinary } from './binary.js';
import { buildChildren } from './build.js';
import { installExitHooks, killAllChildren, liveChildren, spawnChild } from './children.js';
import { parseArgs, type BenchConfig } from './config.js';
import { measureLatency } from './latency.js';
import { measureReplays } from './replay.js';
import { measureMemory } from './memory.js';
import { summariseProfileFile } from './profile-summary.js';
import { readPrevious } from './previous.js';
import { buildReport, comparisonTitle, markdown, summaryLine, type Results, type RunInfo } from './report.js';
import { measureScale, sessionsToOpen } from './scale.js';
import { SCALE_HEADING, scaleSection, sectionOf, withSection } from './scale-report.js';
import { measureThroughput } from './throughput.js';
import { startVariants, VARIANTS, type Variant } from './variants.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOCS = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));
const t0 = performance.now();
const log = (line: string) =>
  console.error(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${line}`);

/** How the children run (bench/build.ts), set once they are built. */
let children = 'the sources, under tsx';

/** Read-only git queries: the commit, and whether the proxy's sources differ from it. */
function revision(): string {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { encoding: 'utf8', cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const head = git('rev-parse', '--short', 'HEAD');
    const dirty = git('status', '--porcelain', '--', 'proxy', 'shared').split('\n').filter(Boolean).length;
    return dirty ? `${head} + uncommitted changes in ${dirty} files of proxy/ and shared/` : head;
  } catch {
    return 'unknown revision';
  }
}

function nproc(): number {
  try {
    return Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
  } catch {
    return os.availableParallelism();
  }
}

async function measure(cfg: BenchConfig, profileDir: string | undefined): Promise<Results> {
  const results: Results = {};
  const target = await spawnChild<{ url: string }>('target', './target-server.ts');
  let variants: Variant[] = [];
  try {
    log(`bench: reference socket.io server at ${target.info.url}`);
    if (cfg.only.has('latency') || cfg.only.has('throughput') || cfg.only.has('binary')) {
      variants = await startVariants(VARIANTS, target.info.url, (spec) =>
        spec.id === 'sio1' && profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
      );
      log(`bench: paths: ${variants.map((v) => `${v.id} ${v.url}`).join(', ')}`);
      if (cfg.only.has('latency')) {
        log('bench: acked round-trip latency');
        const websocket = await measureLatency(variants, 'websocket', cfg, log);
        const polling = await measureLatency(variants, 'polling', cfg, log);
        results.latency = { websocket, polling };
      }
      if (cfg.only.has('throughput')) {
        log('bench: messages/s, both ways');
        results.throughput = await measureThroughput(variants, target, cfg, log);
      }
      if (cfg.only.has('binary')) {
        log('bench: 256 KiB binary echoes');
        results.binary = await measureBinary(variants, cfg, log);
      }
      results.observed = {};
      for (const v of variants) {
        if (v.proxy?.kind !== 'sio' || !v.child) continue;
        const stats = await v.child.request<{ events: number[] }>('stats');
        if (stats.events.some((n) => n === 0)) throw new Error(`an observer of ${v.id} saw no events`);
        results.observed[v.id] = stats.events;
      }
      // Stopped before the memory measurement, so that they do not compete with it (and, when
      // profiling, so that the profile is written now).
      await Promise.all(variants.map((v) => v.child?.stop()));
    }
    if (cfg.only.has('memory')) {
      log('bench: RSS per idle session');
      results.memory = await measureMemory(target.info.url, cfg, log);
    }
    if (cfg.only.has('replay')) {
      log(
        `bench: history replay, ${cfg.replay.observers} observers + a capture + a HAR export at once, ${cfg.replay.events.toLocaleString('en-US')} events held`,
      );
      results.replay = await measureReplays(target.info.url, cfg, log);
    }
  } finally {
    await Promise.allSettled([...variants.map((v) => v.child?.stop()), target.stop()]);
  }
  return results;
}

/** The machine and the run's conditions, as the page states them. */
function runInfo(started: number, loadBefore: number[]): RunInfo {
  const cpus = os.cpus();
  return {
    date: new Date(),
    nproc: nproc(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown CPU',
    memoryGb: os.totalmem() / 1e9,
    node: process.version,
    platform: `${os.platform()} ${os.arch()} ${os.release()}`,
    loadBefore,
    loadAfter: os.loadavg(),
    durationS: (performance.now() - started) / 1000,
    revision: revision(),
    children,
  };
}

/** `--scale`: its own options (`--sessions N`, `--no-write`, `--dashboard`), its own section of the page. */
async function mainScale(argv: readonly string[]): Promise<number> {
  let requested: number | undefined;
  let write = true;
  let dashboard = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--scale') continue;
    if (arg === '--no-write') write = false;
    else if (arg === '--dashboard') dashboard = true;
    else if (arg === '--sessions' || arg.startsWith('--sessions=')) {
      const value = Number(arg === '--sessions' ? argv[++i] : arg.slice('--sessions='.length));
      if (!Number.isInteger(value) || value < 1) throw new Error(`--sessions wants a positive integer`);
      requested = value;
    } else throw new Error(`unknown option ${arg} (--scale takes --sessions N, --no-write and --dashboard)`);
  }
  const cap = sessionsToOpen(requested);
  const started = performance.now();
  const loadBefore = os.loadavg();
  log(
    `bench --scale: ${cap.sessions} sessions (${cap.reason}${cap.cap !== undefined ? `; the open-file limit ${cap.openFiles} caps a proxy at ${cap.cap}` : ''}), load average ${loadBefore[0]?.toFixed(2)}`,
  );
  const results = await measureScale(cap.sessions, log, { dashboard });
  if (liveChildren() > 0) throw new Error(`${liveChildren()} child processes still running after the run`);
  const section = scaleSection(results, cap, runInfo(started, loadBefore));
  console.log(`\n${section}`);
  if (write) {
    // The page is written by this script only (.prettierignore), so the rest of it stays as it was.
    writeFileSync(
      DOCS,
      withSection(existsSync(DOCS) ? readFileSync(DOCS, 'utf8') : '# Benchmarks\n', section),
    );
    console.log(`\nwrote the Scale section of ${DOCS}`);
  }
  return results.some((r) => r.failed > 0) ? 1 : 0;
}

async function main(): Promise<number> {
  installExitHooks();
  children = buildChildren(log);
  if (process.argv.includes('--scale')) return mainScale(process.argv.slice(2));
  const cfg = parseArgs(process.argv.slice(2));
  const watchdog = setTimeout(() => {
    console.error(`bench: not finished after ${cfg.deadlineMs / 1000} s, aborting`);
    killAllChildren();
    process.exit(2);
  }, cfg.deadlineMs);
  watchdog.unref();

  const started = performance.now();
  const loadBefore = os.loadavg();
  const profileDir = cfg.profile ? mkdtempSync(join(os.tmpdir(), 'sio-proxy-bench-prof-')) : undefined;
  log(
    `bench: ${cfg.quick ? 'quick' : 'full'} run, ${cfg.rounds} rounds, load average ${loadBefore[0]?.toFixed(2)}`,
  );

  // Read before the run: the page this run may replace is the one it is compared with.
  const previous = existsSync(DOCS) ? readPrevious(readFileSync(DOCS, 'utf8')) : undefined;
  const results = await measure(cfg, profileDir);
  clearTimeout(watchdog);
  if (liveChildren() > 0) throw new Error(`${liveChildren()} child processes still running after the run`);

  const run = runInfo(started, loadBefore);
  const report = buildReport(results, previous);
  console.log(
    `\nsio-proxy at ${run.revision}; ${run.nproc} cores, Node ${run.node}, load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} ` +
      `-> ${run.loadAfter.map((l) => l.toFixed(2)).join(' ')}, ${run.durationS.toFixed(0)} s\n`,
  );
  console.log(`${report.absolute}\n\n${report.targets}\n\n${summaryLine(report.verdicts)}`);
  for (const note of report.notes) console.log(`  ${note}`);
  if (report.replay) console.log(`\nHistory replay under a crowd:\n${report.replay}`);
  if (report.comparison && previous) console.log(`\n${comparisonTitle(previous)}:\n${report.comparison}`);

  if (profileDir) {
    // --cpu-prof writes one profile per thread; tsx's module-loader thread is of no interest, and
    // the main thread's profile is by far the largest.
    const files = readdirSync(profileDir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => join(profileDir, f))
      .sort((a, b) => statSync(b).size - statSync(a).size);
    const main = files[0];
    if (!main) console.log(`\nno CPU profile was written in ${profileDir}`);
    else {
      console.log(`\nCPU profile of the sio-proxy (1 observer) child, main thread: ${main}`);
      console.log(summariseProfileFile(main));
    }
  }
  if (cfg.write) {
    writeFileSync(DOCS, withOtherSections(markdown(report, run, cfg, previous)));
    console.log(`\nwrote ${DOCS}`);
  }
  return cfg.strict && report.verdicts.some((v) => !v.pass) ? 1 : 0;
}

/**
 * `page` with the sections of the current page that other runs write: the dashboard's
 * (e2e/dashboard-perf.test.ts with SIO_BENCH_DOCS=1) and `--scale`'s. This run has no reason to lose them.
 */
function withOtherSections(page: string): string {
  const old = existsSync(DOCS) ? readFileSync(DOCS, 'utf8') : '';
  let out = page;
  for (const heading of [SCALE_HEADING, '## Dashboard (Playwright)']) {
    const section = sectionOf(old, heading);
    if (section) out = withSection(out, section);
  }
  return out;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`bench: failed: ${(err as Error)?.stack ?? String(err)}`);
    killAllChildren();
    process.exit(1);
  },
);
