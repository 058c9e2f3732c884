/**
 * `npm run bench -- --scale [--sessions N] [--no-write]`: one machine, pushed (issue #15). N idle
 * WebSocket sessions (default 10,000, or what the open-file limit lets the proxy hold, stated) are
 * opened through the plain byte pass-through and through sio-proxy (1 dashboard observer, as
 * bench/proxy-child.ts runs it), once with socket.io's default 25 s heartbeats and once with 5 s
 * ones, and for each: handshakes/s, RSS per session, the proxy's CPU while they idle, a probe
 * client's acked round trip meanwhile, and RSS after they all closed. With `--dashboard`, the proxy's
 * dashboard is then opened in Chromium (25 s heartbeats only): its first rows and sidebar scroll.
 *
 * Processes: the target (socket.io@4, its pingInterval set per phase), one proxy at a time (alone, so
 * that its CPU and memory are its own; --expose-gc so that RSS is read after full collections), the
 * idle sessions spread over child processes of raw Engine.IO clients (./scale-clients.ts), and the
 * probe in this process.
 */
import { performance } from 'node:perf_hooks';
import { readOpenFileLimit, sessionCap } from '../proxy/observe/open-files.js';
import { spawnChild, type ChildHandle } from './children.js';
import { connect, disconnectAll } from './clients.js';
import { cpuMeter } from './cpu.js';
import { sleep } from './ipc.js';
import { ackRoundTrips } from './latency.js';
import type { MemorySample } from './proxy-child.js';
import { measureDashboard, type DashboardFigures } from './scale-dashboard.js';
import { percentile } from './stats.js';
import { startProxyChild, VARIANTS, type VariantId } from './variants.js';

export const DEFAULT_SESSIONS = 10_000;
/** Sessions per client process: one process would mostly measure its own event loop. */
const SESSIONS_PER_CLIENT_PROCESS = 2_500;
/** Handshakes in flight per client process. */
const CONCURRENCY = 64;
const PROBE_ROUND_TRIPS = 1_000;
/** The heartbeat periods compared: socket.io's default, and a short one. */
export const HEARTBEATS_MS = [25_000, 5_000] as const;
/** How long the proxy's CPU is measured while the sessions idle: two heartbeat periods. */
const idleWindowMs = (pingInterval: number) => 2 * pingInterval;

export const SCALE_PATHS: readonly VariantId[] = ['passthrough', 'sio1'];

export interface ScaleCap {
  sessions: number;
  /** The open-file limit of this machine's processes and the sessions it lets a proxy hold. */
  openFiles?: number;
  cap?: number;
  /** Why fewer than the default: `--sessions` or the cap. */
  reason: 'default' | 'requested' | 'open-file cap';
}

/** The sessions to open: `requested`, or the default, never past the open-file cap. */
export function sessionsToOpen(requested: number | undefined): ScaleCap {
  const limit = readOpenFileLimit();
  const cap = limit && limit.soft !== Infinity ? sessionCap(limit) : undefined;
  const want = requested ?? DEFAULT_SESSIONS;
  if (cap !== undefined && cap < want)
    return { sessions: cap, openFiles: limit!.soft, cap, reason: 'open-file cap' };
  return { sessions: want, openFiles: limit?.soft, cap, reason: requested ? 'requested' : 'default' };
}

export interface PhaseResult {
  path: VariantId;
  pingInterval: number;
  opened: number;
  failed: number;
  firstError?: string;
  handshakesPerS: number;
  idle: MemorySample;
  open: MemorySample;
  closed: MemorySample;
  /** Sessions the proxy still held 2 s after the clients closed. */
  leftOpen: number;
  /** The proxy's CPU while the sessions idled: share of one core, over `idleMs`. */
  idleCpu: number;
  idleMs: number;
  /** Heartbeats the clients answered during the whole phase. */
  pongs: number;
  probe: { p50: number; p99: number; samples: number };
  history?: { events: number; bytes: number };
  /** `--dashboard`: the dashboard opened with the sessions open, after the probe. */
  dashboard?: DashboardFigures;
}

async function openSessions(
  clients: ChildHandle<unknown>[],
  url: string,
  n: number,
): Promise<{ opened: number; failed: number; firstError?: string }> {
  const shares = clients.map((_, i) => Math.floor(n / clients.length) + (i < n % clients.length ? 1 : 0));
  const results = await Promise.all(
    clients.map((c, i) =>
      c.request<{ open: number; failed: number; firstError?: string }>(
        'connect',
        { url, n: shares[i], concurrency: CONCURRENCY },
        600_000,
      ),
    ),
  );
  return {
    opened: results.reduce((a, r) => a + r.open, 0),
    failed: results.reduce((a, r) => a + r.failed, 0),
    firstError: results.find((r) => r.firstError)?.firstError,
  };
}

async function runPhase(
  path: VariantId,
  pingInterval: number,
  sessions: number,
  log: (line: string) => void,
  withDashboard = false,
): Promise<PhaseResult> {
  const target = await spawnChild<{ url: string }>('target', './target-server.ts', {
    config: { pingInterval },
  });
  const spec = VARIANTS.find((v) => v.id === path)!;
  const proxy = await startProxyChild(spec, target.info.url, ['--expose-gc']);
  const processes = Math.max(1, Math.ceil(sessions / SESSIONS_PER_CLIENT_PROCESS));
  const clients = await Promise.all(
    Array.from({ length: processes }, (_, i) => spawnChild(`scale clients ${i + 1}`, './scale-clients.ts')),
  );
  try {
    const url = proxy.info.url;
    const idle = await proxy.request<MemorySample>('memory');
    const t0 = performance.now();
    const opened = await openSessions(clients, url, sessions);
    const handshakeS = (performance.now() - t0) / 1000;
    log(
      `  ${spec.label}, ${pingInterval / 1000} s heartbeats: ${opened.opened} sessions open in ${handshakeS.toFixed(1)} s` +
        (opened.failed ? `, ${opened.failed} failed (${opened.firstError})` : ''),
    );
    const open = await proxy.request<MemorySample>('memory');

    const idleMs = idleWindowMs(pingInterval);
    const meter = await cpuMeter(proxy);
    const w0 = performance.now();
    await sleep(idleMs);
    const cpuUs = await meter();
    const idleCpu = cpuUs / ((performance.now() - w0) * 1000);
    log(`  idle CPU ${(idleCpu * 100).toFixed(2)} % of a core over ${idleMs / 1000} s`);

    const probeSocket = await connect(url, { transport: 'websocket' });
    const rtts: number[] = [];
    try {
      await ackRoundTrips(probeSocket, 50);
      await ackRoundTrips(probeSocket, PROBE_ROUND_TRIPS, rtts);
    } finally {
      disconnectAll([probeSocket]);
    }
    const probe = { p50: percentile(rtts, 50), p99: percentile(rtts, 99), samples: rtts.length };
    // After the CPU and the probe: the panel is one more observer, and its replay costs the proxy.
    const dashboardUrl = proxy.info.dashboard;
    const dashboard = withDashboard && dashboardUrl ? await measureDashboard(dashboardUrl) : undefined;
    if (dashboard)
      log(
        `  dashboard: first session row ${dashboard.firstSessionRowMs} ms, sidebar scroll p95 frame ${dashboard.frameP95Ms} ms`,
      );

    const pongs = (await Promise.all(clients.map((c) => c.request<{ pongs: number }>('stats')))).reduce(
      (a, s) => a + s.pongs,
      0,
    );
    await Promise.all(clients.map((c) => c.request('closeAll', {}, 60_000)));
    // The proxy sees every close; give the last ones (and its sweeper) a moment.
    await sleep(2000);
    const closed = await proxy.request<MemorySample>('memory');
    const stats = await proxy.request<{ sessions: number; history: { events: number; bytes: number } }>(
      'stats',
    );
    return {
      path,
      pingInterval,
      ...opened,
      handshakesPerS: opened.opened / handshakeS,
      idle,
      open,
      closed,
      leftOpen: stats.sessions,
      idleCpu,
      idleMs,
      pongs,
      probe,
      ...(spec.proxy?.kind === 'sio' ? { history: stats.history } : {}),
      ...(dashboard ? { dashboard } : {}),
    };
  } finally {
    await Promise.allSettled([...clients.map((c) => c.stop()), proxy.stop(), target.stop()]);
  }
}

/**
 * Every phase: each heartbeat period, each path (one proxy at a time). `dashboard`: open sio-proxy's
 * dashboard in the first heartbeat period's phase.
 */
export async function measureScale(
  sessions: number,
  log: (line: string) => void,
  opts: { dashboard?: boolean } = {},
): Promise<PhaseResult[]> {
  const out: PhaseResult[] = [];
  for (const pingInterval of HEARTBEATS_MS)
    for (const path of SCALE_PATHS) {
      const withDashboard = !!opts.dashboard && path !== 'passthrough' && pingInterval === HEARTBEATS_MS[0];
      out.push(await runPhase(path, pingInterval, sessions, log, withDashboard));
    }
  return out;
}
