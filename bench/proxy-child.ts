/**
 * Child process: one proxy under test in front of the target, alone in its process so that its CPU
 * and memory are its own. `passthrough` is the byte pipe of ./passthrough.ts; `sio` is sio-proxy,
 * which decodes every Engine.IO and Socket.IO packet it relays, with `observers` bus subscribers that
 * each count what they receive (the cheapest observer there can be: the cost measured is the
 * proxy's, not the observer's).
 */
import { ProxyServer } from '../proxy/proxy-server.js';
import { childConfig, serve, sleep } from './ipc.js';
import { startPassThrough } from './passthrough.js';

export interface ProxyChildConfig {
  kind: 'passthrough' | 'sio';
  target: string;
  observers: number;
}

export interface MemorySample {
  rss: number;
  heapUsed: number;
  external: number;
}

const config = childConfig<ProxyChildConfig>();
const counts: number[] = Array.from({ length: config.observers }, () => 0);

let url: string;
let sessions = () => 0;
if (config.kind === 'sio') {
  const proxy = new ProxyServer({ target: config.target, port: 0, host: '127.0.0.1' });
  for (let i = 0; i < config.observers; i++) {
    proxy.bus.subscribe(() => {
      counts[i] = (counts[i] ?? 0) + 1;
    });
  }
  await proxy.listen();
  url = proxy.url;
  sessions = () => proxy.sessions.size;
} else {
  url = (await startPassThrough(config.target)).url;
}

const gc = (globalThis as { gc?: () => void }).gc;

/** Memory after full collections, so the RSS compared is what the live objects hold (needs --expose-gc). */
async function settledMemory(): Promise<MemorySample> {
  // Collect until RSS stops moving (V8 and malloc give pages back lazily), for at most ~3 s.
  let last = Infinity;
  for (let i = 0; i < 15; i++) {
    gc?.();
    await sleep(200);
    const rss = process.memoryUsage.rss();
    if (Math.abs(rss - last) < 256 * 1024) break;
    last = rss;
  }
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external };
}

serve(
  {
    memory: () => settledMemory(),
    /** User + system CPU time of this process so far, in µs. */
    cpu: () => {
      const u = process.cpuUsage();
      return u.user + u.system;
    },
    stats: () => ({ sessions: sessions(), events: counts, gcExposed: gc !== undefined }),
  },
  { url },
);
