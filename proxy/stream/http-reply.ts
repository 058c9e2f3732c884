/** Answers the dashboard's JSON routes share. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** `body` already serialised, or an object to serialise. Never cached: every answer is a snapshot. */
export function sendJson(res: ServerResponse, status: number, body: string | object): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** A JSON answer not yet written: its status, body (none for 204) and extra headers. */
export interface JsonReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export function sendReply(res: ServerResponse, r: JsonReply): void {
  if (r.status === 204) return void res.writeHead(204).end();
  if (r.headers) for (const [k, v] of Object.entries(r.headers)) res.setHeader(k, v);
  sendJson(res, r.status, typeof r.body === 'string' ? r.body : ((r.body ?? {}) as object));
}

/** Answers 405 unless the request is a GET or HEAD; returns whether it may go on. */
export function readOnly(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return true;
  res.writeHead(405, { 'Content-Type': 'text/plain', Allow: 'GET, HEAD' });
  res.end('method not allowed\n');
  return false;
}

/** A request body too large to read (answer 413). */
export class BodyTooLarge extends Error {
  readonly status = 413;
  constructor(maxBytes: number) {
    super(`body: larger than ${maxBytes} bytes`);
  }
}

/** The request's body as text; rejects with BodyTooLarge (and stops reading) past `maxBytes`. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        reject(new BodyTooLarge(maxBytes));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('error', reject);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}
