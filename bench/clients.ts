/**
 * socket.io-client helpers shared by the measurements: connecting one client with a deadline, and
 * disconnecting many.
 */
import { io, type Socket } from 'socket.io-client';

export type TransportKind = 'websocket' | 'polling';

export interface ConnectOptions {
  transport: TransportKind;
  /** Sent in the handshake query; the target uses `tag` to find the sockets of one variant. */
  tag?: string;
  timeoutMs?: number;
}

/** One client on one transport only (no upgrade, no reconnection), resolved once Socket.IO connected. */
export function connect(url: string, opts: ConnectOptions): Promise<Socket> {
  const socket = io(url, {
    transports: [opts.transport],
    upgrade: false,
    forceNew: true,
    reconnection: false,
    timeout: opts.timeoutMs ?? 10_000,
    query: opts.tag ? { tag: opts.tag } : {},
  });
  return new Promise<Socket>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.disconnect();
      reject(new Error(`could not connect to ${url} over ${opts.transport} in time`));
    }, opts.timeoutMs ?? 10_000);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      socket.disconnect();
      reject(new Error(`could not connect to ${url} over ${opts.transport}: ${err.message}`));
    });
  });
}

/** Connects `n` clients, at most `concurrency` handshakes in flight at a time. */
export async function connectMany(
  url: string,
  n: number,
  opts: ConnectOptions & { concurrency?: number },
): Promise<Socket[]> {
  const sockets: Socket[] = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      sockets.push(await connect(url, opts));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 50, n) }, worker));
  } catch (err) {
    disconnectAll(sockets);
    throw err;
  }
  return sockets;
}

export function disconnectAll(sockets: Socket[]): void {
  for (const s of sockets) s.disconnect();
  sockets.length = 0;
}
