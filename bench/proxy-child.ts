/**
 * Child process: one proxy under test in front of the target, alone in its process so that its CPU
 * and memory are its own. `passthrough` is the byte pipe of ./passthrough.ts; `sio` is sio-proxy as
 * the CLI runs it: every Engine.IO and Socket.IO packet decoded, the problem detectors of
 * shared/analysis run over every event, the event stream serialising every event into its history, and `observers` dashboards connected to `/api/events` (in a child process
 * of their own, ./observers-child.ts, so that their parsing is not charged to the proxy).
 */
import { startAnalysis } from '../proxy/observe/analysis.js';
import { ProxyServer } from '../proxy/proxy-server.js';
import { createLogger } from '../proxy/log.js';
import { EventStream } from '../proxy/stream/event-stream.js';
import { HarPlugin, streamHarEvents } from '../proxy/stream/har-plugin.js';
import { ReaderThread } from '../proxy/stream/reader-thread.js';
import { streamPlugin } from '../proxy/stream/stream-plugin.js';
import { UiServer } from '../proxy/ui/ui-server.js';
import { spawnChild, type ChildHandle } from './children.js';
import { childConfig, serve, sleep } from './ipc.js';
import { fillPacket } from '../test/support/fill-packet.js';
import { startPassThrough } from './passthrough.js';

export interface ProxyChildConfig {
  kind: 'passthrough' | 'sio';
  target: string;
  observers: number;
  /** Rules armed that match nothing the bench sends (issue #11's "1 rule matching nothing"). */
  rules?: number;
  /**
   * Serve the event stream's readers from the reader thread (proxy/stream/reader-thread.ts); default
   * true, as the CLI (`SIO_BENCH_READER_THREAD=0`: off, for an A/B).
   */
  readerThread?: boolean;
}

export interface MemorySample {
  rss: number;
  heapUsed: number;
  external: number;
  heapTotal?: number;
  arrayBuffers?: number;
}

const config = childConfig<ProxyChildConfig>();

let url: string;
/** sio only: the proxy's dashboard with its token (the panel, for `bench --scale --dashboard`). */
let dashboard: string | undefined;
let sessions = () => 0;
/** The event stream's history (sio only): what stays after sessions close, by design. */
let history = () => ({ events: 0, bytes: 0 });
/** sio only: puts `count` events of about `bytes` each in the history (bench/replay.ts). */
let fill = (_count: number, _bytes: number) => history();
let observers: ChildHandle<unknown> | undefined;
if (config.kind === 'sio') {
  const proxy = new ProxyServer({ target: config.target, port: 0, host: '127.0.0.1' });
  const stream = new EventStream(proxy.bus);
  startAnalysis(proxy.bus);
  for (let i = 0; i < (config.rules ?? 0); i++)
    proxy.intervention.addRule({ match: { event: `never-sent-${i}` }, action: { kind: 'drop' } });
  const token = 'bench';
  const forced = process.env.SIO_BENCH_READER_THREAD;
  const front =
    (config.readerThread ?? forced !== '0')
      ? new ReaderThread(stream, { token, uiHost: '127.0.0.1', log: createLogger() })
      : undefined;
  // As the CLI: GET /api/har is served here when the readers are on this thread.
  const ui = new UiServer(proxy, token, front ? { front } : {})
    .use(streamPlugin(stream, { uiHost: '127.0.0.1' }))
    .use(new HarPlugin(streamHarEvents(stream)));
  await proxy.listen();
  const { port } = await ui.listen(0, '127.0.0.1');
  url = proxy.url;
  dashboard = `http://127.0.0.1:${port}/?token=${token}`;
  sessions = () => proxy.sessions.size;
  history = () => ({ events: stream.history.size, bytes: stream.history.bytes });
  fill = (count, bytes) => {
    // Put on the bus directly, as a busy app would leave them: the relay's cost of making them is
    // not what the replay measures.
    const data = `42["fill","${'x'.repeat(Math.max(0, bytes - 300))}"]`;
    for (let i = 0; i < count; i++) proxy.bus.emit(fillPacket(data));
    stream.flush();
    return history();
  };
  if (config.observers > 0)
    observers = await spawnChild('observers', './observers-child.ts', {
      config: { url: `ws://127.0.0.1:${port}/api/events?token=${token}`, count: config.observers },
    });
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
  return {
    rss: m.rss,
    heapUsed: m.heapUsed,
    external: m.external,
    heapTotal: m.heapTotal,
    arrayBuffers: m.arrayBuffers,
  };
}

serve(
  {
    memory: () => settledMemory(),
    fill: (args) => fill(Number(args.count), Number(args.bytes)),
    /** RSS now, as it is (no GC first): read during the load, what the process holds under it. */
    rss: () => process.memoryUsage.rss(),
    /** User + system CPU time of this process so far, in µs. */
    cpu: () => {
      const u = process.cpuUsage();
      return u.user + u.system;
    },
    /** The observers' process's CPU time so far, in µs (NaN without observers). */
    observersCpu: async () => (observers ? observers.request<number>('cpu') : NaN),
    stats: async () => {
      const seen = observers
        ? await observers.request<{ events: number[]; dropped: number[] }>('stats')
        : undefined;
      return {
        sessions: sessions(),
        history: history(),
        events: seen?.events ?? [],
        dropped: seen?.dropped ?? [],
        gcExposed: gc !== undefined,
      };
    },
  },
  { url, ...(dashboard ? { dashboard } : {}) },
);
