/**
 * Child process: holds many idle WebSocket clients, so that the proxy's memory per session can be
 * measured with no client memory in the proxy's process (and none in the orchestrator's either).
 */
import type { Socket } from 'socket.io-client';
import { connectMany, disconnectAll } from './clients.js';
import { serve, sleep } from './ipc.js';

const sockets: Socket[] = [];

serve(
  {
    async connect(args) {
      const t0 = Date.now();
      const more = await connectMany(String(args.url), Number(args.n), {
        transport: 'websocket',
        concurrency: Number(args.concurrency ?? 50),
      });
      sockets.push(...more);
      return { connected: sockets.filter((s) => s.connected).length, ms: Date.now() - t0 };
    },
    async disconnectAll() {
      disconnectAll(sockets);
      // Let the close frames cross the proxy before anyone measures it.
      await sleep(300);
      return true;
    },
  },
  {},
);
