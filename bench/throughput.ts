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
import { performance } from 'node:perf_hooks';
import type { Socket } from 'socket.io-client';
import type { ChildHandle } from './children.js';
import { connectMany, disconnectAll } from './clients.js';
import type { BenchConfig } from './config.js';
import { cpuMeter } from './cpu.js';
import { sleep } from './ipc.js';
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
  /** The proxy's RSS at the end of the round's windows, under load, the larger of the two (NaN for direct). */
  rss: number[];
}

interface WindowResult {
  rate: number;
  cpuPerMessage: number;
  observersCpuPerMessage: number;
  /** The proxy's RSS read at the end of the window, while the load is still on. */
  rss: number;
}

/** The proxy's RSS now (NaN for direct: no proxy). */
const rssOf = async (proxy: ChildHandle<unknown> | undefined) => (proxy ? proxy.request<number>('rss') : NaN);

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
    const cpu = await cpuMeter(proxy);
    const observersCpu = await cpuMeter(proxy, 'observersCpu');
    const { count, ms } = await target.request<{ count: number; ms: number }>('countC2s', {
      ms: cfg.throughput.windowMs,
    });
    return {
      rate: (count / ms) * 1000,
      cpuPerMessage: (await cpu()) / count,
      observersCpuPerMessage: (await observersCpu()) / count,
      rss: await rssOf(proxy),
    };
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
    const cpu = await cpuMeter(proxy);
    const observersCpu = await cpuMeter(proxy, 'observersCpu');
    const a = received();
    const t0 = performance.now();
    await sleep(cfg.throughput.windowMs);
    const b = received();
    const rate = ((b - a) / (performance.now() - t0)) * 1000;
    return {
      rate,
      cpuPerMessage: (await cpu()) / (b - a),
      observersCpuPerMessage: (await observersCpu()) / (b - a),
      rss: await rssOf(proxy),
    };
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
        rss: [],
      };
    }
    for (let round = 0; round < cfg.rounds; round++) {
      for (const v of orderForRound(variants, round)) {
        const sockets = clients.get(v.id) ?? [];
        const c2s = await c2sWindow(target, v.child, sockets, cfg);
        const s2c = await s2cWindow(target, v.child, `tp-${v.id}`, () => received.get(v.id) ?? 0, cfg);
        out[v.id].c2s.push(c2s.rate);
        out[v.id].c2sCpu.push(c2s.cpuPerMessage);
        out[v.id].s2c.push(s2c.rate);
        out[v.id].s2cCpu.push(s2c.cpuPerMessage);
        out[v.id].c2sObserversCpu.push(c2s.observersCpuPerMessage);
        out[v.id].s2cObserversCpu.push(s2c.observersCpuPerMessage);
        out[v.id].rss.push(Math.max(c2s.rss, s2c.rss));
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
