/**
 * History replay under a crowd (issue #14's isolation target, the bench's copy of
 * test/integration/stream-isolation.test.ts "20 observers"): a fresh sio-proxy child holds `events`
 * events of about `eventBytes` each, then `observers` dashboards connect to `/api/events` at once,
 * each reading the whole history, while `GET /api/capture` and `GET /api/har` download it too (the
 * crowd: test/support/observer-storm.ts, in a process of its own). Meanwhile one healthy client does
 * sequential acked echoes through the proxy; its round trips during each crowd are compared with its
 * round trips in idle windows of the same run (idle, crowd, idle, crowd, ..., idle), so that load
 * that comes and goes weighs on both alike. Target: the crowd's p99 within 2x of the idle p99.
 */
import type { Socket } from 'socket.io-client';
import { entry } from './children.js';
import { connect } from './clients.js';
import type { BenchConfig } from './config.js';
import { ackRoundTrips } from './latency.js';
import { startProxyChild, VARIANTS } from './variants.js';
import { runObserverStorm, type Download, type StormResult } from '../test/support/run-observer-storm.js';

export interface ReplayResult {
  /** The readers (observers, capture, HAR) served from the reader thread (the default) or not. */
  readerThread: boolean;
  events: number;
  heldBytes: number;
  observers: number;
  idle: number[];
  crowd: number[];
  /** How long each crowd took (every observer had the history, the downloads were done), ms. */
  crowdMs: number[];
  /** The proxy's RSS when each crowd came, and its peak during it (bytes). */
  rss: Array<{ start: number; peak: number }>;
  /** The downloads' HTTP statuses and sizes, per crowd. */
  downloads: Array<{ capture: Download; har: Download }>;
}

const TOKEN = 'bench'; // the proxy child's dashboard token

/** Round trips for `ms` milliseconds (at least one). */
async function roundTripsFor(socket: Socket, ms: number, into: number[]): Promise<void> {
  const end = performance.now() + ms;
  do await ackRoundTrips(socket, 1, into);
  while (performance.now() < end);
}

/** The crowd (test/support/observer-storm.ts), compiled with the bench's children or under tsx. */
function storm(origin: string, observers: number, events: number): Promise<StormResult> {
  return runObserverStorm({
    ...entry('../test/support/observer-storm.ts'),
    origin,
    token: TOKEN,
    observers,
    events,
  });
}

/** The replay with the reader thread (the default), then with the readers on the relay's thread. */
export async function measureReplays(
  target: string,
  cfg: BenchConfig,
  log: (line: string) => void,
): Promise<ReplayResult[]> {
  const out: ReplayResult[] = [];
  for (const readerThread of [true, false]) out.push(await measureReplay(target, cfg, readerThread, log));
  return out;
}

async function measureReplay(
  target: string,
  cfg: BenchConfig,
  readerThread: boolean,
  log: (line: string) => void,
): Promise<ReplayResult> {
  const { events, eventBytes, observers, idleMs } = cfg.replay;
  const sio0 = VARIANTS.find((v) => v.id === 'sio0')!;
  const child = await startProxyChild({ ...sio0, proxy: { ...sio0.proxy!, readerThread } }, target);
  let socket: Socket | undefined;
  try {
    // Filled again before each crowd: the healthy client's own events (its EVENTs, ACKs and acks)
    // would otherwise push the fill out of the history, and each crowd would read less than the last.
    const refill = () =>
      child.request<{ events: number; bytes: number }>('fill', { count: events, bytes: eventBytes }, 60_000);
    const held = await refill();
    const origin = new URL(child.info.dashboard!).origin;
    socket = await connect(child.info.url, { transport: 'websocket' });
    await ackRoundTrips(socket, 200);
    const result: ReplayResult = {
      readerThread,
      events: held.events,
      heldBytes: held.bytes,
      observers,
      idle: [],
      crowd: [],
      crowdMs: [],
      rss: [],
      downloads: [],
    };
    for (let round = 0; round < cfg.rounds; round++) {
      await roundTripsFor(socket, idleMs, result.idle);
      if (round > 0) await refill();
      const rss = { start: await child.request<number>('rss'), peak: 0 };
      const t0 = performance.now();
      let storming = true;
      const crowd = storm(origin, observers, held.events).finally(() => (storming = false));
      const sampler = (async () => {
        while (storming) {
          rss.peak = Math.max(rss.peak, await child.request<number>('rss'));
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      while (storming) await ackRoundTrips(socket, 1, result.crowd);
      const got = await crowd;
      await sampler;
      result.crowdMs.push(performance.now() - t0);

      result.rss.push(rss);
      if (got.observers.some((n) => n < held.events))
        throw new Error(`an observer of the crowd did not get the history: ${got.observers.join(', ')}`);
      result.downloads.push({ capture: got.capture, har: got.har });
      const where = readerThread ? 'reader thread' : "the relay's thread";
      log(
        `  replay (${where}): crowd ${round + 1}/${cfg.rounds} done in ${(performance.now() - t0).toFixed(0)} ms`,
      );
    }
    await roundTripsFor(socket, idleMs, result.idle);
    return result;
  } finally {
    socket?.disconnect();
    await child.stop();
  }
}
