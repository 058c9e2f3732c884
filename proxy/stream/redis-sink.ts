/**
 * `--redis URL`: every event also appended to a Redis Stream (XADD with an approximate MAXLEN), with
 * this proxy's `source` id in it, so that one dashboard can read the events of many proxies. The
 * relay never waits on Redis: the stream's callback only queues the JSON it already made; a writer
 * sends the queue in pipelined XADDs while the client is connected. When Redis is slow or down the
 * queue holds up to `maxBuffered` events, the rest are counted, said once, and written as one
 * `dropped` event when Redis is back. node-redis (v5, the Redis project's own client) reconnects by
 * itself; with its offline queue off a command fails at once instead of piling up in the client.
 */
import { hostname } from 'node:os';
import { createClient } from 'redis';
import type { Logger } from '../log.js';
import type { EventStream } from './event-stream.js';
import { droppedJson } from './serialize.js';

export const DEFAULT_REDIS_KEY = 'sio-proxy:events';
/** Entries the stream keeps (approximately: `MAXLEN ~`, which trims whole macro nodes, cheaply). */
export const DEFAULT_REDIS_MAXLEN = 100_000;
/** Events queued while Redis is away before they are dropped (and counted). */
export const DEFAULT_REDIS_BUFFER = 10_000;
/**
 * Liveness, for a dashboard over Redis: every `HEARTBEAT_MS` the sink writes the time into the hash
 * `<key>:sources` under its source, and `stopped` there when it closes. A dashboard calls a source
 * gone when its value says `stopped` or has not changed for a few beats: comparing values, never
 * clocks, so the proxies' and the dashboard's clocks need not agree. A hash rather than a key with a
 * TTL per source: one HGETALL lists every proxy that ever wrote, gone ones included.
 */
export const HEARTBEAT_MS = 1000;
export const STOPPED = 'stopped';
export const sourcesKey = (key: string): string => `${key}:sources`;
/** XADDs sent at once (node-redis pipelines the commands of one tick). */
const WRITE_BATCH = 500;

export interface RedisSinkOptions {
  url: string;
  key?: string;
  /** This proxy's id in every event; default `host:pid`. */
  source?: string;
  maxLen?: number;
  maxBuffered?: number;
  log?: Logger;
}

/** What the sink did, for tests and the status line. */
export interface RedisSinkStats {
  written: number;
  dropped: number;
  queued: number;
  connected: boolean;
}

export class RedisSink {
  readonly key: string;
  readonly source: string;
  readonly url: string;
  private readonly client: ReturnType<typeof createClient>;
  private readonly unsubscribe: () => void;
  private readonly maxLen: number;
  private readonly maxBuffered: number;
  private queue: Array<{ json: string; seq: number }> = [];
  /** Dropped since the last `dropped` event was queued, and the seq of the last of them. */
  private missed = 0;
  private lastMissedSeq = 0;
  private readonly totals = { written: 0, dropped: 0 };
  private writing = false;
  private scheduled = false;
  private ready = false;
  private saidDown = false;
  private closed = false;
  /** The prefix that puts `source` first in each event's JSON. */
  private readonly prefix: string;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    stream: EventStream,
    private readonly opts: RedisSinkOptions,
  ) {
    this.key = opts.key ?? DEFAULT_REDIS_KEY;
    this.url = opts.url;
    this.source = opts.source ?? `${hostname()}:${process.pid}`;
    this.maxLen = opts.maxLen ?? DEFAULT_REDIS_MAXLEN;
    this.maxBuffered = opts.maxBuffered ?? DEFAULT_REDIS_BUFFER;
    this.prefix = `{"source":${JSON.stringify(this.source)},`;
    this.client = createClient({
      url: opts.url,
      disableOfflineQueue: true,
      socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000) },
    });
    this.client.on('error', (err: Error & { code?: string }) => this.down(err.code ?? err.message));
    this.client.on('ready', () => this.up());
    this.client.connect().catch((err: Error) => this.down(err.message));
    this.unsubscribe = stream.subscribe((json, seq) => this.enqueue(json, seq));
    this.heartbeat = setInterval(() => this.beat(String(Date.now())), HEARTBEAT_MS).unref();
  }

  /** Says this proxy is alive (or `stopped`); skipped while Redis is away, which the reader sees as silence. */
  private beat(value: string): Promise<unknown> {
    if (!this.ready) return Promise.resolve();
    return this.client.hSet(sourcesKey(this.key), this.source, value).catch(() => undefined);
  }

  get stats(): RedisSinkStats {
    return { ...this.totals, queued: this.queue.length, connected: this.ready };
  }

  /** On the relay's path: queue the line, or count it. */
  private enqueue(json: string, seq: number): void {
    if (this.queue.length >= this.maxBuffered) {
      this.missed++;
      this.totals.dropped++;
      this.lastMissedSeq = seq;
      return;
    }
    this.takeMissed();
    this.queue.push({ json, seq });
    this.schedule();
  }

  /** Events dropped before this one become one `dropped` event in their place. */
  private takeMissed(): void {
    if (this.missed === 0) return;
    const reason = `Redis ${this.opts.url} was unreachable or too slow: events dropped`;
    this.queue.push({ json: droppedJson(this.missed, reason, this.lastMissedSeq), seq: this.lastMissedSeq });
    this.missed = 0;
  }

  private schedule(): void {
    if (this.scheduled || this.writing || !this.ready) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.write();
    });
  }

  private async write(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.ready && this.queue.length > 0) {
        const batch = this.queue.slice(0, WRITE_BATCH);
        const results = await Promise.allSettled(batch.map((e) => this.add(e.json)));
        // Entries are kept in order: what failed from the first failure on is sent again later.
        const failedAt = results.findIndex((r) => r.status === 'rejected');
        const done = failedAt < 0 ? batch.length : failedAt;
        this.queue.splice(0, done);
        this.totals.written += done;
        if (failedAt >= 0) {
          const reason = (results[failedAt] as PromiseRejectedResult).reason as Error;
          this.down(reason.message);
          break;
        }
      }
    } finally {
      this.writing = false;
    }
    if (this.ready && this.queue.length > 0) this.schedule();
  }

  private add(json: string): Promise<unknown> {
    const event = json.startsWith('{') ? this.prefix + json.slice(1) : json;
    return this.client.xAdd(
      this.key,
      '*',
      { source: this.source, event },
      { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: this.maxLen } },
    );
  }

  private up(): void {
    this.ready = true;
    void this.beat(String(Date.now()));
    if (this.saidDown) this.opts.log?.info(`--redis ${this.opts.url}: connected again`);
    this.saidDown = false;
    this.takeMissed();
    this.schedule();
  }

  /** Said once per outage; the client reconnects by itself. */
  private down(why: string): void {
    this.ready = this.client.isReady;
    if (this.saidDown || this.closed) return;
    this.saidDown = true;
    this.opts.log?.warn(
      `--redis ${this.opts.url}: ${why}; relaying goes on, up to ${this.maxBuffered} events wait for it, the rest are counted`,
    );
  }

  /** Stops taking events, sends what is queued if Redis is there (within `timeoutMs`), and disconnects. */
  async close(timeoutMs = 2000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    clearInterval(this.heartbeat);
    this.takeMissed();
    const deadline = Date.now() + timeoutMs;
    while (this.ready && this.queue.length > 0 && Date.now() < deadline) {
      await this.write();
      if (this.queue.length > 0) await new Promise((r) => setTimeout(r, 20));
    }
    await this.beat(STOPPED);
    if (this.totals.dropped > 0)
      this.opts.log?.warn(`--redis ${this.opts.url}: ${this.totals.dropped} event(s) dropped in all`);
    this.client.destroy();
  }
}
