/**
 * Memory per idle session: a fresh proxy process per path; after a warm-up (some clients connect and
 * leave, so code, pools and young-generation sizes are in place), its RSS after forced GCs is read,
 * then N WebSocket clients connect through it (from a separate process, so no client memory is
 * counted) and stay idle, and its RSS is read again. (after - before) / N is the cost of one session.
 * Direct has no proxy, so nothing to measure.
 */
import { spawnChild, type ChildHandle } from './children.js';
import type { BenchConfig } from './config.js';
import { sleep } from './ipc.js';
import type { MemorySample } from './proxy-child.js';
import { onPath, PROXIED, startProxyChild, type VariantId, type VariantSpec } from './variants.js';

export interface MemoryResult {
  sessions: number;
  /** Sessions the proxy itself tracked (sio-proxy only): a check that every client went through it. */
  trackedSessions?: number;
  rssPerSession: number;
  heapPerSession: number;
  before: MemorySample;
  after: MemorySample;
  connectMs: number;
}

/** One proxy, fresh: warm-up, RSS, N idle clients, RSS again. */
async function measureProxy(
  spec: VariantSpec,
  target: string,
  idle: ChildHandle<unknown>,
  cfg: BenchConfig,
): Promise<MemoryResult> {
  const { clients, warmupClients, concurrency } = cfg.memory;
  const proxy = await startProxyChild(spec, target, ['--expose-gc']);
  try {
    const url = proxy.info.url;
    await idle.request('connect', { url, n: warmupClients, concurrency });
    await idle.request('disconnectAll');
    const before = await proxy.request<MemorySample>('memory');
    const { connected, ms } = await idle.request<{ connected: number; ms: number }>(
      'connect',
      { url, n: clients, concurrency },
      120_000,
    );
    if (connected !== clients) throw new Error(`only ${connected} of ${clients} clients connected`);
    await sleep(500);
    const after = await proxy.request<MemorySample>('memory');
    const stats = await proxy.request<{ sessions: number }>('stats');
    await idle.request('disconnectAll');
    return {
      sessions: connected,
      ...(spec.proxy?.kind === 'sio' ? { trackedSessions: stats.sessions } : {}),
      rssPerSession: (after.rss - before.rss) / connected,
      heapPerSession: (after.heapUsed - before.heapUsed) / connected,
      before,
      after,
      connectMs: ms,
    };
  } finally {
    await proxy.stop();
  }
}

export async function measureMemory(
  target: string,
  cfg: BenchConfig,
  log: (line: string) => void,
): Promise<Partial<Record<VariantId, MemoryResult>>> {
  const out: Partial<Record<VariantId, MemoryResult>> = {};
  const idle = await spawnChild('idle clients', './idle-clients.ts');
  try {
    for (const spec of PROXIED) {
      const result = await onPath(spec, measureProxy(spec, target, idle, cfg));
      out[spec.id] = result;
      log(`  memory: ${spec.label} done (${result.sessions} clients connected in ${result.connectMs} ms)`);
    }
  } finally {
    await idle.stop();
  }
  return out;
}
