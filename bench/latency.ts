/**
 * Acked round-trip latency: one client per path, sequential `emitWithAck('echo')` (the next one
 * leaves when the previous ack arrived). After a warm-up, the samples are taken in blocks, one
 * block per path per round with the order rotating, and pooled per path.
 */
import { performance } from 'node:perf_hooks';
import type { Socket } from 'socket.io-client';
import { connect, disconnectAll, type TransportKind } from './clients.js';
import type { BenchConfig } from './config.js';
import { cpuMeter } from './cpu.js';
import { percentile } from './stats.js';
import { onPath, orderForRound, type Variant, type VariantId } from './variants.js';

export interface LatencyResult {
  samples: number;
  p50: number;
  p99: number;
  /** p50 of each round's block, to show how much the rounds disagreed. */
  roundP50: number[];
  roundP99: number[];
  /** The proxy's CPU time per round trip, in µs (NaN for direct). */
  cpuPerRoundTrip: number;
}

const ACK_TIMEOUT_MS = 10_000;

/** `n` acked echoes one after the other, their round-trip times (ms) pushed to `into`. */
export async function ackRoundTrips(socket: Socket, n: number, into?: number[]): Promise<void> {
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('echo', { i, text: 'ping' });
    into?.push(performance.now() - t0);
  }
}

export async function measureLatency(
  variants: readonly Variant[],
  transport: TransportKind,
  cfg: BenchConfig,
  log: (line: string) => void,
): Promise<Record<VariantId, LatencyResult>> {
  const total = transport === 'websocket' ? cfg.latency.websocketSamples : cfg.latency.pollingSamples;
  const perBlock = Math.ceil(total / cfg.rounds);
  const sockets = new Map<VariantId, Socket>();
  const samples = new Map<VariantId, number[][]>();
  const cpu = new Map<VariantId, number>();
  try {
    for (const v of variants) {
      const socket = await onPath(v, connect(v.url, { transport }));
      sockets.set(v.id, socket);
      samples.set(v.id, []);
      await onPath(v, ackRoundTrips(socket, cfg.latency.warmup));
    }
    for (let round = 0; round < cfg.rounds; round++) {
      for (const v of orderForRound(variants, round)) {
        const socket = sockets.get(v.id)!;
        await ackRoundTrips(socket, cfg.latency.blockWarmup);
        const block: number[] = [];
        const meter = await cpuMeter(v.child);
        await onPath(v, ackRoundTrips(socket, perBlock, block));
        cpu.set(v.id, (cpu.get(v.id) ?? 0) + (await meter()));
        samples.get(v.id)!.push(block);
      }
      log(`  ${transport} latency: round ${round + 1}/${cfg.rounds} done`);
    }
  } finally {
    disconnectAll([...sockets.values()]);
  }
  const out = {} as Record<VariantId, LatencyResult>;
  for (const v of variants) {
    const blocks = samples.get(v.id) ?? [];
    const all = blocks.flat();
    out[v.id] = {
      samples: all.length,
      p50: percentile(all, 50),
      p99: percentile(all, 99),
      roundP50: blocks.map((b) => percentile(b, 50)),
      roundP99: blocks.map((b) => percentile(b, 99)),
      cpuPerRoundTrip: (cpu.get(v.id) ?? NaN) / all.length,
    };
  }
  return out;
}
