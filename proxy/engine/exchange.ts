/**
 * One HTTP exchange of the client leg, reported as an `http` event once the answer is complete
 * (what HAR export turns into an entry): a polling request, or the request that opened a WebSocket.
 * Bodies come from the relay's own taps, so nothing is read twice; nothing is built when nobody
 * listens.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { EventBus } from '../events/bus.js';

type Headers = Record<string, string | string[] | undefined>;

export class Exchange {
  sessionId: string | undefined;
  private requestBody: Buffer | undefined;
  private responseBody: Buffer | undefined;
  private readonly startedAt = Date.now();
  private done = false;

  /** With `res`, the exchange reports itself when the answer is complete; else call finish(). */
  constructor(
    private readonly bus: EventBus,
    private readonly req: IncomingMessage,
    res?: ServerResponse,
  ) {
    if (res && bus.active) {
      res.once('close', () => this.finish(res.statusCode, res.headersSent ? plain(res.getHeaders()) : {}));
    }
  }

  request(body: Buffer | undefined): void {
    this.requestBody = body;
  }

  response(body: Buffer | undefined): void {
    this.responseBody = body;
  }

  finish(status: number, responseHeaders: Headers): void {
    if (this.done || !this.bus.active) return;
    this.done = true;
    this.bus.emit({
      type: 'http',
      ...(this.sessionId ? { sessionId: this.sessionId } : {}),
      method: this.req.method ?? 'GET',
      url: this.req.url ?? '/',
      status,
      requestHeaders: { ...this.req.headers },
      responseHeaders,
      ...(this.requestBody?.length ? { requestBody: text(this.requestBody, this.req.headers) } : {}),
      ...(this.responseBody?.length ? { responseBody: text(this.responseBody, responseHeaders) } : {}),
      startedAt: this.startedAt,
      duration: Date.now() - this.startedAt,
    });
  }
}

function plain(headers: OutgoingHttpHeaders): Headers {
  const out: Headers = {};
  for (const [k, v] of Object.entries(headers)) out[k] = typeof v === 'number' ? String(v) : v;
  return out;
}

/** Binary payloads (EIO3 XHR2) stay byte for byte as latin1; text is UTF-8. */
function text(body: Buffer, headers: Headers): string {
  return String(headers['content-type'] ?? '').startsWith('application/octet-stream')
    ? body.toString('latin1')
    : body.toString('utf8');
}
