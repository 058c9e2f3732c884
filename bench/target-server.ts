/**
 * Child process: the reference app, a plain socket.io@4 server on 127.0.0.1. It echoes acked
 * events (`echo`, `bin`), counts fire-and-forget `c2s` events (acking those that ask, see
 * ./window.ts), and on request pushes `s2c` events to the sockets of one path, with the same
 * flow-control window as the clients use.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Server, type Socket } from 'socket.io';
import { childConfig, serve, sleep } from './ipc.js';
import { creditPump, S2C_PAYLOAD } from './window.js';

/** `pingInterval`: the heartbeat period (ms) of `--scale`'s idle sessions; socket.io's default otherwise. */
const { pingInterval } = childConfig<{ pingInterval?: number }>();
const http = createServer();
const io = new Server(http, {
  serveClient: false,
  maxHttpBufferSize: 1e6,
  ...(pingInterval ? { pingInterval } : {}),
});

let c2sReceived = 0;
/** The push in progress: which variant's sockets, and a generation that retires older pumps. */
let pushing: { tag: string; generation: number } | undefined;
let generation = 0;

io.on('connection', (socket) => {
  socket.on('echo', (data: unknown, ack?: (v: unknown) => void) => ack?.(data));
  socket.on('bin', (data: unknown, ack?: (v: unknown) => void) => ack?.(data));
  socket.on('c2s', (_data: unknown, ack?: () => void) => {
    c2sReceived++;
    ack?.();
  });
});

function push(socket: Socket, gen: number): void {
  creditPump({
    running: () => pushing?.generation === gen && socket.connected,
    send: () => socket.emit('s2c', S2C_PAYLOAD),
    sendMarked: (acked) => socket.emit('s2c', S2C_PAYLOAD, acked),
  });
}

const tagOf = (socket: Socket) => String(socket.handshake.query.tag ?? '');

await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
const port = (http.address() as AddressInfo).port;

serve(
  {
    /** Counts the `c2s` events that arrive during the next `ms` milliseconds, on this process's clock. */
    async countC2s(args) {
      const before = c2sReceived;
      const t0 = performance.now();
      await sleep(Number(args.ms));
      return { count: c2sReceived - before, ms: performance.now() - t0 };
    },
    c2sTotal: () => c2sReceived,
    startS2c(args) {
      const tag = String(args.tag);
      pushing = { tag, generation: ++generation };
      let sockets = 0;
      for (const socket of io.of('/').sockets.values()) {
        if (tagOf(socket) !== tag) continue;
        sockets++;
        push(socket, generation);
      }
      return sockets;
    },
    stopS2c() {
      pushing = undefined;
      return true;
    },
    stats: () => ({ clients: io.engine.clientsCount, rss: process.memoryUsage().rss }),
    /** User + system CPU time of this process so far, in µs. */
    cpu: () => {
      const u = process.cpuUsage();
      return u.user + u.system;
    },
  },
  { url: `http://127.0.0.1:${port}` },
);
