/**
 * Groups sessions into clients across reconnects, and numbers the attempts. Every reconnect is a new
 * Engine.IO session with a new sid, so what ties them is what the client sends again each time:
 * its address, user agent and query (less the per-request parameters). A session that ended with a
 * reason after which socket.io-client reconnects waits here; the next handshake with the same
 * fingerprint continues its series. Concurrent clients with one fingerprint (tabs of one browser)
 * stay apart because only an ended session can be continued.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { EventBus } from '../events/bus.js';

/** socket.io-client waits at most reconnectionDelayMax (5 s by default); far more is a new visit. */
const WAIT_FOR_RECONNECT_MS = 2 * 60_000;
/** Clients remembered between attempts; the oldest are forgotten first. */
const MAX_WAITING = 10_000;
const VOLATILE_PARAMS = new Set(['t', 'sid', 'EIO', 'transport', 'j', 'b64']);

interface Series {
  clientKey: string;
  /** The attempt number of the last try. */
  attempt: number;
  lastAt: number;
  cause?: string;
}

export interface AttemptInfo {
  clientKey: string;
  attempt: number;
  /** Milliseconds since the drop or the previous attempt. */
  delay: number;
  cause?: string;
}

export class ClientRegistry {
  private readonly waiting = new Map<string, Series[]>();
  private size = 0;

  constructor(private readonly bus: EventBus) {}

  static fingerprint(req: IncomingMessage): string {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = [...url.searchParams].filter(([k]) => !VOLATILE_PARAMS.has(k)).sort();
    const parts = [
      req.socket.remoteAddress ?? '',
      req.headers['user-agent'] ?? '',
      url.pathname,
      JSON.stringify(query),
    ];
    return createHash('sha1').update(parts.join('\n')).digest('base64url').slice(0, 16);
  }

  /**
   * A handshake succeeded: a new client, or the next attempt of one that dropped. The session
   * announces the attempt, after itself, so that consumers know the session it names.
   */
  connected(fingerprint: string): AttemptInfo {
    const series = this.take(fingerprint);
    return {
      clientKey: series?.clientKey ?? randomUUID().slice(0, 8),
      attempt: series ? series.attempt + 1 : 0,
      delay: series ? Date.now() - series.lastAt : 0,
      ...(series?.cause ? { cause: series.cause } : {}),
    };
  }

  /** A handshake failed (target down, refused): the client will try again, in the same series. */
  failed(fingerprint: string, error: string): void {
    const series = this.take(fingerprint);
    const now = Date.now();
    const next: Series = {
      clientKey: series?.clientKey ?? randomUUID().slice(0, 8),
      attempt: series ? series.attempt + 1 : 0,
      lastAt: now,
      cause: series?.cause ?? error,
    };
    this.bus.emit({
      type: 'attempt',
      clientKey: next.clientKey,
      attempt: next.attempt,
      delay: series ? now - series.lastAt : 0,
      ...(next.cause ? { cause: next.cause } : {}),
      outcome: 'failed',
      error,
    });
    this.park(fingerprint, next);
  }

  /** A session ended; if its client reconnects by itself, its next handshake continues the series. */
  ended(fingerprint: string, clientKey: string, cause: string, reconnects: boolean): void {
    // A drop starts a new series: its first retry is attempt 1.
    if (reconnects) this.park(fingerprint, { clientKey, attempt: 0, lastAt: Date.now(), cause });
  }

  private take(fingerprint: string): Series | undefined {
    const list = this.waiting.get(fingerprint);
    if (!list) return undefined;
    const now = Date.now();
    while (list.length) {
      const s = list.shift();
      this.size--;
      if (s && now - s.lastAt <= WAIT_FOR_RECONNECT_MS) {
        if (!list.length) this.waiting.delete(fingerprint);
        return s;
      }
    }
    this.waiting.delete(fingerprint);
    return undefined;
  }

  private park(fingerprint: string, series: Series): void {
    if (this.size >= MAX_WAITING) this.evictOldest();
    const list = this.waiting.get(fingerprint) ?? [];
    list.push(series);
    this.waiting.set(fingerprint, list);
    this.size++;
  }

  private evictOldest(): void {
    const first = this.waiting.keys().next();
    if (first.done) return;
    const list = this.waiting.get(first.value);
    list?.shift();
    this.size--;
    if (!list?.length) this.waiting.delete(first.value);
  }
}
