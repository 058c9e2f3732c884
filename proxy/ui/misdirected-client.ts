/**
 * A Socket.IO client pointed at the dashboard's port instead of the proxy's (an easy mix-up: both
 * are printed together). Without this it would get the token check's "missing or wrong token",
 * which sends the user looking for a token the client never needed. Engine.IO requests carry
 * `EIO=` or `transport=` in the query, or go to `/socket.io/`; the dashboard's own routes do not
 * (and `/api/` stays theirs, whatever its query).
 */
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { writeRawResponse } from '../engine/errors.js';

function isEngineIoRequest(url: URL): boolean {
  if (url.pathname.startsWith('/api/')) return false;
  return (
    url.searchParams.has('EIO') || url.searchParams.has('transport') || url.pathname.startsWith('/socket.io/')
  );
}

function message(proxyUrl: string): string {
  return `this is the sio-proxy dashboard; point Socket.IO clients at the proxy, ${proxyUrl}`;
}

/** Answers an Engine.IO polling request as engine.io answers a bad one (400, `{code, message}`; 3 is its "Bad request"). */
export function refuseEngineRequest(url: URL, res: ServerResponse, proxyUrl: string): boolean {
  if (!isEngineIoRequest(url)) return false;
  res.writeHead(400, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify({ code: 3, message: message(proxyUrl) }));
  return true;
}

/** Answers an Engine.IO WebSocket upgrade with a raw 400 that says where to go. */
export function refuseEngineUpgrade(url: URL, socket: Duplex, proxyUrl: string): boolean {
  if (!isEngineIoRequest(url)) return false;
  writeRawResponse(socket, '400 Bad Request', `sio-proxy: ${message(proxyUrl)}\n`, 'text/plain');
  return true;
}
