/**
 * Messages per second, with N WebSocket clients per path, each way:
 * - c2s: every client emits `c2s` events as fast as it may; the target counts what arrives in the
 *   window, on its own clock.
 * - s2c: the target emits `s2c` events to the path's clients as fast as it may; the clients count
 *   what arrives in the window.
 * Messages are fire-and-forget but for one in MARK_EVERY, which asks for an ack: a sender keeps at
 * most MAX_MARKS of those unanswered, so at most MARK_EVERY * MAX_MARKS messages of one client are
 * in flight. Without such a window, a sender that outpaces the path fills the kernel's loopback
 * buffers (megabytes per connection): the window would still measure the path's steady rate, but
 * the backlog would take seconds to drain afterwards and leak into the next path's window.
 * Each window follows a warm-up under the same load, and the path is drained before the next one.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Socket } from 'socket.io-client';
import type { ChildHandle } from './children.js';
import { connectMany, disconnectAll } from './clients.js';
import type { BenchConfig } from './config.js';
import { cpuMeter, ownCpuMeter } from './cpu.js';
import { sleep } from './ipc.js';
import { machineBusyMeter } from './machine-cpu.js';
import { onPath, orderForRound, type Variant, type VariantId } from './variants.js';
import { C2S_PAYLOAD, creditPump } from './window.js';

export interface ThroughputResult {
  /** Messages per second, one value per round. */
  c2s: number[];
  s2c: number[];
  /** The proxy's CPU time per message in the window, in µs, one value per round (NaN for direct). */
  c2sCpu: number[];
  s2cCpu: number[];
  /**
   * The observers' CPU time per message (their own process, parsing every event as a panel does),
   * in µs, one value per round (NaN without observers). On a 2-core machine it is taken from the
   * cores the proxy, the target and the clients share, which is why five observers lower the rates
   * more than the proxy's own CPU per message says.
   */
  c2sObserversCpu: number[];
  s2cObserversCpu: number[];
  /** The target server's CPU time per message, in µs, one value per round. */
  c2sTargetCpu: number[];
  s2cTargetCpu: number[];
  /** The orchestrator's CPU time per message (the measuring clients run there), in µs, one value per round. */
  c2sClientsCpu: number[];
  s2cClientsCpu: number[];
  /**
   * Every process's CPU time per message, in µs, one value per round: clients + target + proxy (0
   * for direct) + observers (0 without). When the machine is busy throughout the windows (below),
   * the rates of two paths are in the inverse ratio of these.
   */
  c2sAllCpu: number[];
  s2cAllCpu: number[];
  /** The share (0..1) of all the machine's cores that was busy over the window (/proc/stat), one value per round. */
  c2sMachineBusy: number[];
  s2cMachineBusy: number[];
  /** The machine's cores, all of them (what /proc/stat's busy share is a share of). */
  machineCores: number;
  /** The proxy's RSS at the end of the round's windows, under load, the larger of the two (NaN for direct). */
  rss: number[];
}

/** CPU time spent over a window's meters, in µs, by process; and the machine's busy share (0..1). */
interface WindowCpu {
  proxy: number;
  observers: number;
  target: number;
  clients: number;
  machineBusy: number;
  /** How long the meters ran, on this process's clock. */
  ms: number;
}

interface WindowResult {
  rate: number;
  cpuPerMessage: number;
  observersCpuPerMessage: number;
  targetCpuPerMessage: number;
  clientsCpuPerMessage: number;
  allCpuPerMessage: number;
  machineBusy: number;
  /** The proxy's RSS read at the end of the window, while the load is still on. */
  rss: number;
}

/** The proxy's RSS now (NaN for direct: no proxy). */
const rssOf = async (proxy: ChildHandle<unknown> | undefined) => (proxy ? proxy.request<number>('rss') : NaN);

/**
 * Starts the CPU meters of a window: the proxy's, its observers', the target's (children, read over
 * IPC, all at once), then this process's and the machine's, so that each interval runs from the
 * children's answers at the start to their answers at the end. The returned function ends them.
 *
 * They run longer than the window whose messages are counted: by the IPC round trips, which take
 * tens of milliseconds when every core is busy (more through the proxy to its observers' process).
 * The load is on throughout, so a process's CPU per message is its CPU per second over the meters'
 * interval divided by the messages per second of the window (see windowResult), not its CPU time
 * divided by the messages counted, which would charge the messages that time as well.
 */
async function windowMeters(
  target: ChildHandle<unknown>,
  proxy: ChildHandle<unknown> | undefined,
): Promise<() => Promise<WindowCpu>> {
  const [proxyCpu, observersCpu, targetCpu] = await Promise.all([
    cpuMeter(proxy),
    cpuMeter(proxy, 'observersCpu'),
    cpuMeter(target),
  ]);
  const clientsCpu = ownCpuMeter();
  const machineBusy = machineBusyMeter();
  const t0 = performance.now();
  return async () => {
    const [p, o, t] = await Promise.all([proxyCpu(), observersCpu(), targetCpu()]);
    return {
      proxy: p,
      observers: o,
      target: t,
      clients: clientsCpu(),
      machineBusy: machineBusy(),
      ms: performance.now() - t0,
    };
  };
}

/** A window's result from its rate (messages/s) and its meters. */
function windowResult(rate: number, cpu: WindowCpu, rss: number): WindowResult {
  const orZero = (n: number) => (Number.isNaN(n) ? 0 : n);
  // The messages that crossed the path while the meters ran, at the window's rate.
  const count = (rate * cpu.ms) / 1000;
  return {
    rate,
    cpuPerMessage: cpu.proxy / count,
    observersCpuPerMessage: cpu.observers / count,
    targetCpuPerMessage: cpu.target / count,
    clientsCpuPerMessage: cpu.clients / count,
    allCpuPerMessage: (cpu.clients + cpu.target + orZero(cpu.proxy) + orZero(cpu.observers)) / count,
    machineBusy: cpu.machineBusy,
    rss,
  };
}

/** Emits `c2s` from one client until `isRunning()` turns false. */
function c2sPump(socket: Socket, isRunning: () => boolean): void {
  creditPump({
    running: () => isRunning() && socket.connected,
    send: () => socket.emit('c2s', C2S_PAYLOAD),
    sendMarked: (acked) => socket.emit('c2s', C2S_PAYLOAD, acked),
  });
}

/** Time spent waiting for paths to drain between windows (kernel buffers hold a backlog). */
let drainingMs = 0;

/** Waits until `read()` stops changing for `quietMs` (the path has drained), at most `maxMs`. */
async function settle(read: () => number | Promise<number>, quietMs = 150, maxMs = 15_000): Promise<void> {
  const t0 = Date.now();
  let last = await read();
  while (Date.now() - t0 < maxMs) {
    await sleep(quietMs);
    const now = await read();
    if (now === last) break;
    last = now;
  }
  drainingMs += Date.now() - t0;
}

async function c2sWindow(
  target: ChildHandle<unknown>,
  proxy: ChildHandle<unknown> | undefined,
  sockets: Socket[],
  cfg: BenchConfig,
): Promise<WindowResult> {
  let running = true;
  for (const s of sockets) c2sPump(s, () => running);
  try {
    await sleep(cfg.throughput.warmMs);
    const meters = await windowMeters(target, proxy);
    const { count, ms } = await target.request<{ count: number; ms: number }>('countC2s', {
      ms: cfg.throughput.windowMs,
    });
    const cpu = await meters();
    return windowResult((count / ms) * 1000, cpu, await rssOf(proxy));
  } finally {
    running = false;
    await settle(() => target.request<number>('c2sTotal'));
  }
}

async function s2cWindow(
  target: ChildHandle<unknown>,
  proxy: ChildHandle<unknown> | undefined,
  tag: string,
  received: () => number,
  cfg: BenchConfig,
): Promise<WindowResult> {
  const pushed = await target.request<number>('startS2c', { tag });
  if (pushed === 0) throw new Error(`the target found no clients tagged ${tag}`);
  try {
    await sleep(cfg.throughput.warmMs);
    const meters = await windowMeters(target, proxy);
    const a = received();
    const t0 = performance.now();
    await sleep(cfg.throughput.windowMs);
    const b = received();
    const rate = ((b - a) / (performance.now() - t0)) * 1000;
    const cpu = await meters();
    return windowResult(rate, cpu, await rssOf(proxy));
  } finally {
    await target.request('stopS2c');
    await settle(received);
  }
}

export async function measureThroughput(
  variants: readonly Variant[],
  target: ChildHandle<unknown>,
  cfg: BenchConfig,
  log: (line: string) => void,
): Promise<Record<VariantId, ThroughputResult>> {
  const clients = new Map<VariantId, Socket[]>();
  const received = new Map<VariantId, number>();
  const out = {} as Record<VariantId, ThroughputResult>;
  try {
    for (const v of variants) {
      const tag = `tp-${v.id}`;
      const sockets = await onPath(
        v,
        connectMany(v.url, cfg.throughput.clients, { transport: 'websocket', tag }),
      );
      clients.set(v.id, sockets);
      received.set(v.id, 0);
      const count = (ack?: () => void) => {
        received.set(v.id, (received.get(v.id) ?? 0) + 1);
        ack?.();
      };
      for (const s of sockets) s.on('s2c', (_payload: unknown, ack?: () => void) => count(ack));
      out[v.id] = {
        c2s: [],
        s2c: [],
        c2sCpu: [],
        s2cCpu: [],
        c2sObserversCpu: [],
        s2cObserversCpu: [],
        c2sTargetCpu: [],
        s2cTargetCpu: [],
        c2sClientsCpu: [],
        s2cClientsCpu: [],
        c2sAllCpu: [],
        s2cAllCpu: [],
        c2sMachineBusy: [],
        s2cMachineBusy: [],
        machineCores: os.cpus().length,
        rss: [],
      };
    }
    for (let round = 0; round < cfg.rounds; round++) {
      for (const v of orderForRound(variants, round)) {
        const sockets = clients.get(v.id) ?? [];
        const c2s = await c2sWindow(target, v.child, sockets, cfg);
        const s2c = await s2cWindow(target, v.child, `tp-${v.id}`, () => received.get(v.id) ?? 0, cfg);
        const r = out[v.id];
        for (const [dir, w] of [
          ['c2s', c2s],
          ['s2c', s2c],
        ] as const) {
          r[dir].push(w.rate);
          r[`${dir}Cpu`].push(w.cpuPerMessage);
          r[`${dir}ObserversCpu`].push(w.observersCpuPerMessage);
          r[`${dir}TargetCpu`].push(w.targetCpuPerMessage);
          r[`${dir}ClientsCpu`].push(w.clientsCpuPerMessage);
          r[`${dir}AllCpu`].push(w.allCpuPerMessage);
          r[`${dir}MachineBusy`].push(w.machineBusy);
        }
        r.rss.push(Math.max(c2s.rss, s2c.rss));
        for (const s of sockets) if (!s.connected) throw new Error(`a ${v.id} client lost its connection`);
      }
      log(
        `  messages/s: round ${round + 1}/${cfg.rounds} done (${(drainingMs / 1000).toFixed(1)} s draining)`,
      );
      drainingMs = 0;
    }
  } finally {
    for (const sockets of clients.values()) disconnectAll(sockets);
  }
  return out;
}
