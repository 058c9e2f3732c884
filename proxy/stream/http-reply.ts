/** Answers the dashboard's JSON routes share. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** `body` already serialised, or an object to serialise. Never cached: every answer is a snapshot. */
export function sendJson(res: ServerResponse, status: number, body: string | object): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** Answers 405 unless the request is a GET or HEAD; returns whether it may go on. */
export function readOnly(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return true;
  res.writeHead(405, { 'Content-Type': 'text/plain', Allow: 'GET, HEAD' });
  res.end('method not allowed\n');
  return false;
}
