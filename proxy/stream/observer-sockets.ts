/**
 * The WebSocket side of `/api/events`, the same wherever observers are served (stream-plugin.ts on
 * the relay's thread, reader-worker.ts on the reader thread): the server they connect to, the
 * Origin check at its door, and how they are all ended at shutdown.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { writeRawResponse } from '../engine/errors.js';
import { originAllowed } from './origin.js';
import type { WsObserver } from './ws-observer.js';

/** Observers only read; a small maxPayload stops anyone from making us buffer what they send. */
export function observerSocketServer(): WebSocketServer {
  return new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, perMessageDeflate: false });
}

/** Answers 403 to a handshake from a page that may not read the stream (origin.ts); true when it did. */
export function refusedOrigin(req: IncomingMessage, socket: Duplex, uiHost: string | undefined): boolean {
  if (originAllowed(req, uiHost)) return false;
  writeRawResponse(
    socket,
    '403 Forbidden',
    `sio-proxy: origin ${req.headers.origin} may not open the event stream\n`,
    'text/plain',
  );
  return true;
}

/** Ends every observer and its socket with 1001, waiting at most 500 ms for their close frames. */
export async function closeObservers(observers: Iterable<WsObserver>, wss: WebSocketServer): Promise<void> {
  for (const observer of observers) observer.close();
  const sockets = [...wss.clients];
  for (const ws of sockets) ws.close(1001, 'sio-proxy is shutting down');
  // A reader that does not answer the close frame (paused, gone) must not hold the shutdown up.
  await Promise.race([
    Promise.all(sockets.map((ws) => new Promise((resolve) => ws.once('close', resolve)))),
    new Promise((resolve) => setTimeout(resolve, 500).unref()),
  ]);
  for (const ws of sockets) ws.terminate();
  wss.close();
}
