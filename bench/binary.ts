/**
 * Binary throughput: N WebSocket clients per path, each echoing a 256 KiB Buffer through the target
 * with `emitWithAck('bin')` in a loop (one echo in flight per client, so N concurrent). The rate is
 * the payload of the echoes completed in the window, in MB/s (10^6 bytes); every echo carries the payload both
 * ways, so the wire carries twice that.
 */
import { performance } from 'node:perf_hooks';
import type { Socket } from 'socket.io-client';
import { connectMany, disconnectAll } from './clients.js';
import type { ChildHandle } from './children.js';
import type { BenchConfig } from './config.js';
import { cpuMeter } from './cpu.js';
import { sleep } from './ipc.js';
import { onPath, orderForRound, type Variant, type VariantId } from './variants.js';

const MB = 1_000_000;
const ECHO_TIMEOUT_MS = 20_000;

async function echoLoop(socket: Socket, payload: Buffer, isRunning: () => boolean, done: () => void) {
  while (isRunning()) {
    const back = (await socket.timeout(ECHO_TIMEOUT_MS).emitWithAck('bin', payload)) as Buffer;
    if (back.length !== payload.length) throw new Error(`echo came back with ${back.length} bytes`);
    done();
  }
}

export interface BinaryResult {
  /** MB/s echoed, one value per round. */
  rate: number[];
  /** The proxy's CPU time per MB echoed, in ms, one value per round (NaN for direct). */
  cpuPerMb: number[];
}

async function binaryWindow(
  sockets: Socket[],
  proxy: ChildHandle<unknown> | undefined,
  payload: Buffer,
  cfg: BenchConfig,
): Promise<{ rate: number; cpuPerMb: number }> {
  let running = true;
  let completed = 0;
  const loops = Promise.all(
    sockets.map((s) =>
      echoLoop(
        s,
        payload,
        () => running,
        () => completed++,
      ),
    ),
  );
  // A failed echo surfaces below, when the window ends; until then it must not count as unhandled.
  loops.catch(() => {});
  try {
    await sleep(cfg.binary.warmMs);
    const cpu = await cpuMeter(proxy);
    const a = completed;
    const t0 = performance.now();
    await sleep(cfg.binary.windowMs);
    const mb = ((completed - a) * payload.length) / MB;
    const rate = mb / ((performance.now() - t0) / 1000);
    return { rate, cpuPerMb: (await cpu()) / 1000 / mb };
  } finally {
    running = false;
    await loops;
  }
}

export async function measureBinary(
  variants: readonly Variant[],
  cfg: BenchConfig,
  log: (line: string) => void,
): Promise<Record<VariantId, BinaryResult>> {
  const payload = Buffer.alloc(cfg.binary.bytes, 0xab);
  const clients = new Map<VariantId, Socket[]>();
  const out = {} as Record<VariantId, BinaryResult>;
  try {
    for (const v of variants) {
      clients.set(v.id, await onPath(v, connectMany(v.url, cfg.binary.clients, { transport: 'websocket' })));
      out[v.id] = { rate: [], cpuPerMb: [] };
    }
    for (let round = 0; round < cfg.rounds; round++) {
      for (const v of orderForRound(variants, round)) {
        const r = await onPath(v, binaryWindow(clients.get(v.id) ?? [], v.child, payload, cfg));
        out[v.id].rate.push(r.rate);
        out[v.id].cpuPerMb.push(r.cpuPerMb);
      }
      log(`  binary MB/s: round ${round + 1}/${cfg.rounds} done`);
    }
  } finally {
    for (const sockets of clients.values()) disconnectAll(sockets);
  }
  return out;
}
