/**
 * Does memory come back after sessions close? One sio-proxy process (as the bench runs it: the event
 * stream's history, the detectors, one dashboard observer) with --expose-gc; clients from a child
 * process of their own. After a warm-up, its settled RSS (forced GCs until it stops moving) is the
 * idle value; then for each N: N WebSocket sessions open (RSS read), all close (RSS read again).
 *
 *   node --import tsx bench/memory-return.ts [N,N,...]      (default 1000,3000,1000,3000)
 */
import { installExitHooks, killAllChildren, spawnChild } from './children.js';
import { sleep } from './ipc.js';
import type { MemorySample } from './proxy-child.js';
import { startProxyChild, VARIANTS } from './variants.js';

const sizes = (process.argv[2] ?? '1000,3000,1000,3000').split(',').map(Number);
const MB = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

installExitHooks();
const target = await spawnChild<{ url: string }>('target', './target-server.ts');
const idle = await spawnChild('idle clients', './idle-clients.ts');
const spec = VARIANTS.find((v) => v.id === 'sio1')!;
const proxy = await startProxyChild(spec, target.info.url, ['--expose-gc']);
try {
  const url = proxy.info.url;
  const cycle = async (n: number) => {
    const r = await idle.request<{ connected: number }>('connect', { url, n, concurrency: 50 }, 300_000);
    const open = await proxy.request<MemorySample>('memory');
    await idle.request('disconnectAll');
    // The proxy sees every close; give the last ones (and the sweeper) a moment.
    await sleep(2000);
    const closed = await proxy.request<MemorySample>('memory');
    const { sessions, history } = await proxy.request<{
      sessions: number;
      history: { events: number; bytes: number };
    }>('stats');
    return { connected: r.connected, open, closed, sessions, history };
  };
  await cycle(200);
  const base = await proxy.request<MemorySample>('memory');
  const baseHistory = (await proxy.request<{ history: { bytes: number } }>('stats')).history.bytes;
  console.log(
    `idle after warm-up: RSS ${MB(base.rss)}, heap ${MB(base.heapUsed)}, heapTotal ${MB(base.heapTotal ?? 0)}, external ${MB(base.external)}, arrayBuffers ${MB(base.arrayBuffers ?? 0)}`,
  );
  for (const n of sizes) {
    const c = await cycle(n);
    console.log(
      `${String(c.connected).padStart(6)} sessions: open RSS ${MB(c.open.rss)} heap ${MB(c.open.heapUsed)}; ` +
        `closed (${c.sessions} left) RSS ${MB(c.closed.rss)} (+${MB(c.closed.rss - base.rss)} over idle) ` +
        `heap ${MB(c.closed.heapUsed)} (+${MB(c.closed.heapUsed - base.heapUsed)}) ` +
        `heapTotal ${MB(c.closed.heapTotal ?? 0)} arrayBuffers ${MB(c.closed.arrayBuffers ?? 0)}; ` +
        `history ${c.history.events} events ${MB(c.history.bytes)}; ` +
        `RSS over idle less the history: ${MB(c.closed.rss - base.rss - (c.history.bytes - baseHistory))}`,
    );
  }
} finally {
  await proxy.stop();
  await idle.stop();
  await target.stop();
  killAllChildren();
}
