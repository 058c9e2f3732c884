/**
 * `sio-proxy dashboard --redis URL`: a dashboard without a proxy, over the events every proxy with
 * `--redis` writes to one Redis Stream. The composition root of that mode: the stream's entries
 * (redis-reader.ts) are re-sequenced into one order (resequencer.ts) on a bus of their own
 * (replay-bus.ts), which feeds the same EventStream, panel, event stream and token rules as a proxy's
 * dashboard; the proxies' heartbeats become `source` up/gone events (liveness.ts); calls for a
 * session and full payloads go to the proxy that owns them, through Redis (remote-calls.ts, forward.ts).
 */
import type { AddressInfo } from 'node:net';
import type { ProxyEvent } from '../../shared/events.js';
import { createLogger, type Logger } from '../log.js';
import { packageVersion } from '../package-version.js';
import { DEFAULT_HISTORY, EventStream } from '../stream/event-stream.js';
import { HarPlugin, streamHarEvents } from '../stream/har-plugin.js';
import { DEFAULT_REDIS_KEY } from '../stream/redis-sink.js';
import { streamPlugin } from '../stream/stream-plugin.js';
import { randomToken } from '../ui/token.js';
import { UiServer } from '../ui/ui-server.js';
import { Liveness } from './liveness.js';
import { RedisReader } from './redis-reader.js';
import { forwardCall, waitPool, type WaitPool } from './forward.js';
import { remoteCalls } from './remote-calls.js';
import { ReplayBus } from './replay-bus.js';
import { Resequencer } from './resequencer.js';

export interface RedisDashboardOptions {
  redis: { url: string; key?: string };
  /** Default 0: any free port. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default: a random one. */
  token?: string;
  /** Events kept for the panel (as a proxy's `--history`). */
  history?: number;
  /** A proxy whose heartbeat has not moved for this long is gone; default 3500 ms. */
  goneAfterMs?: number;
  /**
   * How long a call forwarded to one proxy waits for its answer; default 10 s (lists of every proxy
   * and the search wait at most 3 s for each).
   */
  forwardTimeoutMs?: number;
  /** The built panel's directory (tests); default panel/dist. */
  panelDir?: string | false;
  logger?: Logger;
}

export class RedisDashboard {
  readonly key: string;
  readonly stream: EventStream;
  readonly ui: UiServer;
  private readonly bus: ReplayBus;
  private readonly reader: RedisReader;
  /** Connections the forwarded calls wait for their answers on. */
  private readonly waits: WaitPool;
  private readonly resequencer: Resequencer;
  private liveness: Liveness | undefined;
  private readonly options: RedisDashboardOptions;

  constructor(options: RedisDashboardOptions) {
    this.options = options;
    const log = options.logger ?? createLogger({ quiet: true });
    this.key = options.redis.key ?? DEFAULT_REDIS_KEY;
    this.bus = new ReplayBus(log);
    this.stream = new EventStream(this.bus, {
      history: options.history ?? DEFAULT_HISTORY,
      log,
      // Cut by their proxies already (the full payloads stay there): kept as read, `truncated` included.
      serialize: (event) => ({ json: JSON.stringify(event) }),
    });
    this.resequencer = new Resequencer(this.bus);
    this.waits = waitPool(options.redis.url);
    this.reader = new RedisReader({
      url: options.redis.url,
      key: this.key,
      log,
      onEntries: (entries) => {
        for (const e of entries) this.resequencer.take(e.source, e.event);
      },
    });
    const host = options.host ?? '127.0.0.1';
    const calls = remoteCalls({
      sources: () => this.liveness?.states() ?? {},
      forward: (source, call, timeoutMs) =>
        forwardCall(this.reader.client, this.waits, this.key, source, call, timeoutMs),
      ...(options.forwardTimeoutMs !== undefined ? { timeoutMs: options.forwardTimeoutMs } : {}),
      uiHost: host,
    });
    this.bus.subscribe((e: ProxyEvent) => calls.observe(e));
    const subject = {
      url: `a proxy started with --redis ${options.redis.url}`,
      target: { origin: `the proxies writing to ${this.key}` },
      sessions: new Map(),
    };
    this.ui = new UiServer(subject, options.token ?? randomToken(), {
      log,
      ...(options.panelDir !== undefined ? { panelDir: options.panelDir } : {}),
    });
    // Before the stream's routes: /api/packets/<seq> is theirs on a proxy, answered here instead.
    this.ui.use(calls);
    this.ui.use(streamPlugin(this.stream, { uiHost: host }));
    this.ui.use(new HarPlugin(streamHarEvents(this.stream), { version: packageVersion() }));
  }

  /** Reads the history, then listens; live reading goes on until `close()`. */
  async start(): Promise<AddressInfo> {
    await this.connect();
    return this.listen();
  }

  /** Connects to Redis and reads the history; live reading goes on until `close()`. */
  async connect(): Promise<void> {
    await this.reader.start();
    await this.waits.connect();
    this.liveness = new Liveness({
      key: this.key,
      read: (key) => this.reader.client.hGetAll(key) as Promise<Record<string, string>>,
      emit: (e) => this.bus.publish(e),
      ...(this.options.goneAfterMs !== undefined ? { goneAfterMs: this.options.goneAfterMs } : {}),
    });
  }

  listen(): Promise<AddressInfo> {
    return this.ui.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1');
  }

  /** Entries of the stream that were not sio-proxy events (counted, skipped). */
  get unreadable(): number {
    return this.resequencer.unreadable;
  }

  /** Every proxy seen and whether it is up now. */
  sources(): Record<string, 'up' | 'gone'> {
    return this.liveness?.states() ?? {};
  }

  url(): string {
    return this.ui.url();
  }

  async close(): Promise<void> {
    this.liveness?.close();
    await this.ui.close();
    this.waits.destroy();
    await this.reader.close();
    this.stream.close();
  }
}
