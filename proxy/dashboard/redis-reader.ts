/**
 * Reads the Redis Stream the proxies write (`--redis`): the history first (XRANGE, a page at a time),
 * then new entries as they come (XREAD BLOCK, on a connection of its own, since a blocked connection
 * can do nothing else). It keeps the last entry id it handed on, so a Redis that goes away and comes
 * back costs nothing already read; node-redis reconnects by itself.
 */
import { createClient } from 'redis';
import type { Logger } from '../log.js';

/** Entries fetched per XRANGE / XREAD. */
const PAGE = 1000;
/** How long one XREAD waits for new entries before it asks again (and sees `close()`). */
const BLOCK_MS = 1000;

export interface StreamEntry {
  id: string;
  source: string | undefined;
  event: string | undefined;
}

export interface RedisReaderOptions {
  url: string;
  key: string;
  log?: Logger;
  /** Every entry, in stream order (the history, then live). */
  onEntries(entries: StreamEntry[]): void;
}

type Client = ReturnType<typeof createClient>;
type Row = { id: string; message: Record<string, string | undefined> };

export class RedisReader {
  /** The non-blocking connection (XRANGE, and the liveness poll through `command`). */
  readonly client: Client;
  private readonly blocking: Client;
  private lastId = '0-0';
  private closed = false;
  private saidDown = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly opts: RedisReaderOptions) {
    this.client = createClient({
      url: opts.url,
      socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000) },
    });
    this.blocking = this.client.duplicate();
    for (const c of [this.client, this.blocking])
      c.on('error', (err: Error & { code?: string }) => this.down(err.code ?? err.message));
  }

  /** Connects and reads the whole history; live reading goes on in the background until `close()`. */
  async start(): Promise<void> {
    await Promise.all([this.client.connect(), this.blocking.connect()]);
    await this.readHistory();
    this.loop = this.readLive();
  }

  private async readHistory(): Promise<void> {
    for (;;) {
      const start = this.lastId === '0-0' ? '-' : `(${this.lastId}`;
      const rows = (await this.client.xRange(this.opts.key, start, '+', { COUNT: PAGE })) as Row[];
      this.hand(rows);
      if (rows.length < PAGE) return;
    }
  }

  private async readLive(): Promise<void> {
    while (!this.closed) {
      try {
        const reply = (await this.blocking.xRead(
          { key: this.opts.key, id: this.lastId },
          { BLOCK: BLOCK_MS, COUNT: PAGE },
        )) as Array<{ name: string; messages: Row[] }> | null;
        if (this.saidDown) this.opts.log?.info(`--redis ${this.opts.url}: reading again`);
        this.saidDown = false;
        for (const stream of reply ?? []) this.hand(stream.messages);
      } catch (err) {
        if (this.closed) return;
        this.down((err as Error).message);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  private hand(rows: Row[]): void {
    if (rows.length === 0) return;
    this.lastId = rows[rows.length - 1]!.id;
    this.opts.onEntries(rows.map((r) => ({ id: r.id, source: r.message.source, event: r.message.event })));
  }

  private down(why: string): void {
    if (this.saidDown || this.closed) return;
    this.saidDown = true;
    this.opts.log?.warn(`--redis ${this.opts.url}: ${why}; reading resumes where it stopped`);
  }

  async close(): Promise<void> {
    this.closed = true;
    // Ends a blocked XREAD at once rather than after BLOCK_MS.
    this.blocking.destroy();
    this.client.destroy();
    await this.loop;
  }
}
