/**
 * Child process of `npm run bench -- --scale`: holds a share of the idle sessions as raw Engine.IO v4
 * clients over `ws` (a socket.io-client Socket with its Manager, timers and emitter costs several
 * times more, and 10,000 of them would measure the client, not the proxy). Each client does what an
 * idle socket.io client does on the wire: the handshake, a CONNECT to `/`, and a pong for every ping.
 */
import WebSocket from 'ws';
import { serve } from './ipc.js';

const HANDSHAKE_TIMEOUT_MS = 30_000;

const sockets = new Set<WebSocket>();
let pongs = 0;

/** One client, resolved once the server acknowledged its CONNECT to `/` (`40{"sid":...}`). */
function openSession(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  return new Promise<WebSocket>((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('handshake timed out'));
    }, HANDSHAKE_TIMEOUT_MS);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const text = data.toString();
      if (text === '2') {
        pongs++;
        ws.send('3');
      } else if (text.startsWith('0')) ws.send('40');
      else if (text.startsWith('40')) {
        clearTimeout(timer);
        resolve(ws);
      }
    });
    ws.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    ws.once('close', () => {
      clearTimeout(timer);
      sockets.delete(ws);
      reject(new Error('closed before connecting'));
    });
  });
}

serve(
  {
    /** Opens `n` sessions, `concurrency` handshakes in flight at a time. */
    async connect(args) {
      const url = `${String(args.url).replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
      const n = Number(args.n);
      let next = 0;
      let failed = 0;
      let firstError: string | undefined;
      const worker = async () => {
        while (next < n) {
          next++;
          try {
            sockets.add(await openSession(url));
          } catch (err) {
            failed++;
            firstError ??= (err as Error).message;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(n, Number(args.concurrency ?? 64)) }, worker));
      return { open: sockets.size, failed, firstError };
    },
    /** Closes every session and resolves when all closes completed (or after 10 s). */
    async closeAll() {
      const closing = [...sockets].map(
        (ws) =>
          new Promise<void>((resolve) => {
            ws.once('close', () => resolve());
            ws.close();
          }),
      );
      await Promise.race([Promise.all(closing), new Promise((r) => setTimeout(r, 10_000))]);
      for (const ws of sockets) ws.terminate();
      sockets.clear();
      return true;
    },
    stats: () => ({ open: sockets.size, pongs }),
  },
  {},
);
