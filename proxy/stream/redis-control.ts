/**
 * The proxy's end of control calls through Redis: a dashboard over Redis (`sio-proxy dashboard
 * --redis`) that gets a control call or a full-payload request for a session of this proxy appends
 * it to the stream `<key>:control:<source>`; this reads it (XREAD BLOCK, on a connection of its own),
 * answers it in process with the routes of this proxy's own dashboard (control/local-calls.ts: the
 * same checks and errors, with or without that dashboard on), and pushes the answer to the list the
 * request named, which expires.
 * Requests written while this proxy was away are not replayed: it reads from one second before it
 * connected, by the Redis server's clock (a dashboard may send a call as soon as it sees this proxy's
 * heartbeat, which can come before this reader's first XREAD: reading from `$` lost such calls).
 */
import { createClient } from 'redis';
import type { Logger } from '../log.js';

export const controlKey = (key: string, source: string): string => `${key}:control:${source}`;
/** How long an answer waits in Redis for the dashboard that asked. */
export const ANSWER_TTL_S = 60;
const BLOCK_MS = 1000;
/** Calls written this long before the reader connected are still answered. */
const START_SLACK_MS = 1000;

/** One request entry's fields. */
export interface ControlRequest {
  method: string;
  path: string;
  body: string;
  /** The list the answer is pushed to. */
  answer: string;
}

/** What is pushed to the answer list (JSON). */
export interface ControlAnswer {
  status: number;
  body: string;
}

export interface RedisControlOptions {
  url: string;
  key: string;
  source: string;
  /** Answers one call (control/local-calls.ts). */
  answer: (call: { method: string; path: string; body: string }) => Promise<ControlAnswer>;
  log?: Logger;
}

export class RedisControl {
  private readonly client: ReturnType<typeof createClient>;
  private readonly writer: ReturnType<typeof createClient>;
  private closed = false;
  private loop: Promise<void> | undefined;
  /** Set from the Redis server's clock when connected (see the module's comment). */
  private lastId = '0-0';

  constructor(private readonly opts: RedisControlOptions) {
    this.client = createClient({
      url: opts.url,
      socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000) },
    });
    this.writer = this.client.duplicate();
    // The sink says when Redis is away; these reconnect by themselves.
    for (const c of [this.client, this.writer]) c.on('error', () => undefined);
    this.loop = Promise.all([this.client.connect(), this.writer.connect()]).then(
      () => this.read(),
      () => undefined,
    );
  }

  private async read(): Promise<void> {
    const key = controlKey(this.opts.key, this.opts.source);
    this.lastId = `${Math.max(0, (await this.serverNow()) - START_SLACK_MS)}-0`;
    while (!this.closed) {
      try {
        const reply = (await this.client.xRead(
          { key, id: this.lastId },
          { BLOCK: BLOCK_MS, COUNT: 100 },
        )) as Array<{
          messages: Array<{ id: string; message: Record<string, string | undefined> }>;
        }> | null;
        for (const stream of reply ?? [])
          for (const m of stream.messages) {
            this.lastId = m.id;
            void this.answer(m.message as unknown as ControlRequest);
          }
      } catch {
        if (this.closed) return;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  /** The Redis server's clock in ms (the clock stream ids are made of); this host's if it cannot say. */
  private async serverNow(): Promise<number> {
    try {
      const [seconds, micros] = (await this.client.sendCommand(['TIME'])) as [string, string];
      return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    } catch {
      return Date.now();
    }
  }

  private async answer(req: ControlRequest): Promise<void> {
    if (!req.answer || !req.path?.startsWith('/api/')) return;
    const answer = await this.call(req);
    try {
      await this.writer.rPush(req.answer, JSON.stringify(answer));
      await this.writer.expire(req.answer, ANSWER_TTL_S);
    } catch (err) {
      this.opts.log?.warn(`--redis: a control answer could not be written: ${(err as Error).message}`);
    }
  }

  private async call(req: ControlRequest): Promise<ControlAnswer> {
    try {
      return await this.opts.answer({ method: req.method, path: req.path, body: req.body ?? '' });
    } catch (err) {
      return {
        status: 500,
        body: JSON.stringify({ error: `proxy ${this.opts.source}: ${(err as Error).message}` }),
      };
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.client.destroy();
    this.writer.destroy();
    await this.loop;
  }
}
