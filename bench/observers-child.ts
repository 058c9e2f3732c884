/**
 * Child process: `count` dashboard-like observers on a sio-proxy's event stream
 * (`/api/events`), each parsing every message as a panel would and counting the events and the
 * `dropped` reports it gets. Their own CPU is not the proxy's, so they live in a process of their own.
 */
import WebSocket from 'ws';
import { childConfig, serve } from './ipc.js';

interface ObserversConfig {
  url: string;
  count: number;
}

const config = childConfig<ObserversConfig>();
const events: number[] = Array.from({ length: config.count }, () => 0);
const dropped: number[] = Array.from({ length: config.count }, () => 0);

await Promise.all(
  events.map(
    (_n, i) =>
      new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(config.url);
        ws.once('open', () => resolve());
        ws.once('error', reject);
        ws.on('message', (data: Buffer) => {
          for (const e of JSON.parse(data.toString()) as { type: string; count?: number }[]) {
            if (e.type === 'dropped') dropped[i] = (dropped[i] ?? 0) + (e.count ?? 0);
            else events[i] = (events[i] ?? 0) + 1;
          }
        });
      }),
  ),
);

serve(
  {
    stats: () => ({ events, dropped }),
    /** User + system CPU time of this process so far, in µs: what the observers' parsing costs. */
    cpu: () => {
      const u = process.cpuUsage();
      return u.user + u.system;
    },
  },
  {},
);
