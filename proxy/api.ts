/**
 * The composition root and the library's face: `createProxy(options)` wires the proxy, its event
 * bus, the event stream (history, payload store), room sources, an optional recording and an
 * optional dashboard, and hands back one object to watch and drive it. The CLI (cli.ts) is a flag
 * parser over `assembleProxy`, the same wiring with the listening left to the caller.
 *
 * ```ts
 * import { createProxy } from 'sio-proxy';
 * const proxy = await createProxy({ target: 'http://localhost:3000' });
 * const socket = io(proxy.url);
 * const connect = await proxy.waitFor({ type: 'connect', nsp: '/' }, { timeout: 5000 });
 * await proxy.close();
 * ```
 */
import type { AddressInfo } from 'node:net';
import type { ProxyEvent, ProxyEventType, TransportName } from '../shared/events.js';
import type { EioVersion } from '../shared/engineio.js';
import { listenError, SioProxyError } from './library/errors.js';
import {
  describeFilter,
  predicateOf,
  type EventFilter,
  type EventPredicate,
} from './library/event-filter.js';
import {
  asLibraryError,
  faultHandle,
  heldPacket,
  library,
  ruleHandle,
  type EmitOptions,
  type FaultHandle,
  type FaultSpec,
  type HeldPacket,
  type PausedPacket,
  type Rule,
  type RuleHandle,
  type RuleInput,
  type TargetFaultSpec,
} from './library/intervention-api.js';
import { LiveEvents, type Listener, type ListenerErrorHandler } from './library/live-events.js';
import { SessionDirectory } from './library/session-directory.js';
import { createLogger, type Logger } from './log.js';
import type { AnalysisOptions } from '../shared/analysis/detector.js';
import { startAnalysis, type Analysis } from './observe/analysis.js';
import { packageVersion } from './package-version.js';
import { DEFAULT_PATHS, ProxyServer } from './proxy-server.js';
import { startRoomSources, type RoomSources } from './rooms/index.js';
import { DEFAULT_HISTORY, EventStream } from './stream/event-stream.js';
import { HarPlugin, streamHarEvents } from './stream/har-plugin.js';
import { Recorder } from './stream/recorder.js';
import { RedisControl } from './stream/redis-control.js';
import { RedisSink } from './stream/redis-sink.js';
import { ReaderThread } from './stream/reader-thread.js';
import { searchPlugin } from './stream/search-plugin.js';
import { streamPlugin } from './stream/stream-plugin.js';
import { controlCalls, controlPlugin } from './control/control-plugin.js';
import { localCalls } from './control/local-calls.js';
import { InterventionError } from './intervene/errors.js';
import type { RuleSpec } from './intervene/rules.js';
import { randomToken } from './ui/token.js';
import { UiServer } from './ui/ui-server.js';

export { SioProxyError, type SioProxyErrorCode } from './library/errors.js';
export type { EventFilter } from './library/event-filter.js';
export type { EventPredicate } from './library/event-filter.js';
export type { Listener, ListenerErrorHandler } from './library/live-events.js';
export type {
  EmitOptions,
  FaultHandle,
  FaultSpec,
  HeldPacket,
  PausedPacket,
  Rule,
  RuleAction,
  RuleHandle,
  RuleInput,
  TargetFaultSpec,
} from './library/intervention-api.js';
export type { PacketMatch } from '../shared/match/packet-match.js';
export type * from '../shared/events.js';

/** The dashboard server (panel, event stream, control API). Loopback unless `host` says otherwise. */
export interface DashboardOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default: a random token. Every `/api/*` route and the panel need it. */
  token?: string;
  /**
   * `true`: the event stream's readers (observers, captures, HAR exports) are served from a thread
   * of their own, at a lower CPU priority, which listens on the dashboard's address and forwards
   * every other request to the dashboard server: a crowd of dashboards then costs the relay little
   * (docs/performance.md, "The reader thread"). Default true. `false`: all on the proxy's own
   * thread, which saves the thread's memory (10-30 MB under load) but lets a crowd of dashboards
   * replaying the history delay relaying (a healthy client's ack p99 about 20x its idle value
   * against 2x).
   */
  readerThread?: boolean;
}

/** `createProxy`'s options: the CLI's flags as an object. */
export interface ProxyOptions {
  /** The Socket.IO app to proxy, `http://` or `https://` (or give `targets`). */
  target?: string | URL;
  /**
   * The nodes of a cluster: new sessions go to them in turn, skipping one that refuses connections;
   * every request of a session goes to the node that opened it. `target`, when given too, is first.
   */
  targets?: (string | URL)[];
  /** Proxy port; default 0 (any free port: read `proxy.url`). */
  port?: number;
  /** Proxy address; default `127.0.0.1`. */
  host?: string;
  /** Engine.IO paths to terminate; default `['/socket.io/']`. */
  paths?: string[];
  /** Events kept for `history()`, late observers and captures; default 100000. */
  history?: number;
  /**
   * Under overload, keep 1 packet event in N in the event stream (history, dashboards, captures,
   * recordings) and count the rest exactly, with a `sampling` event saying so, rather than take CPU
   * from the relay (docs/event-stream.md). Default false: a test reading `history()` wants every
   * packet; the CLI turns it on.
   */
  sampleUnderLoad?: boolean;
  /** Accept an https target's self-signed (unverified) certificate. */
  insecure?: boolean;
  /**
   * Read rooms from @socket.io/admin-ui's `instrument()`: `true` for the target's `/admin`, or the
   * instrumentation's URL. Without it rooms are inferred from broadcasts (and labelled guesses).
   */
  adminUi?: boolean | string;
  /** Credentials for that instrumentation. */
  adminAuth?: { username: string; password: string };
  /** Off by default. */
  dashboard?: false | DashboardOptions;
  /** Rules armed at start (the control API's `POST /api/rules` bodies; `--rules FILE`). */
  rules?: RuleSpec[];
  /** How long a paused packet waits for a decision before it is forwarded as it was; default 60000. */
  pauseTimeoutMs?: number;
  /** The problem detectors' windows (shared/analysis): `ackTimeoutMs`, `upgradeWindowMs`. */
  analysis?: Partial<AnalysisOptions>;
  /** Append every event to this file as NDJSON. */
  record?: string;
  /**
   * Also append every event to a Redis Stream (`--redis URL`, `--redis-key NAME`), with `source`
   * naming this proxy. Relaying never waits on Redis (proxy/stream/redis-sink.ts).
   */
  redis?: { url: string; key?: string; source?: string; maxLen?: number; maxBuffered?: number };
  /**
   * What a listener given to `proxy.on` that throws leads to. Default: the `LISTENER` error is
   * thrown again as an uncaught exception on a later turn, so the test runner fails the test with
   * it (an assertion in a listener counts). Pass a function to collect or log such errors instead.
   * Either way the other listeners and the later events are delivered as if nothing threw.
   */
  onListenerError?: ListenerErrorHandler;
  /**
   * Where notable things are said; default as the CLI's `--quiet`: warnings (a down target, a bad
   * request) to stderr, nothing else.
   */
  logger?: Logger;
}

/**
 * Which held packet `nextPaused` waits for: a predicate, or fields that must be equal
 * (`{ event: 'order:create', direction: 'c2s' }`).
 */
export type PausedFilter =
  | ((p: PausedPacket) => boolean)
  | Partial<Pick<PausedPacket, 'sessionId' | 'direction' | 'nsp' | 'event' | 'type' | 'ruleId'>>;

function pausedMatcher(filter: PausedFilter): (p: PausedPacket) => boolean {
  if (typeof filter === 'function') return filter;
  const wanted = Object.entries(filter);
  return (p) => wanted.every(([k, v]) => (p as unknown as Record<string, unknown>)[k] === v);
}

/** One open Engine.IO session, as `proxy.sessions()` lists it. */
export interface SessionSummary {
  /** The Engine.IO sid (the `sessionId` of every event of the session). */
  sessionId: string;
  clientKey: string | undefined;
  eio: EioVersion;
  transport: TransportName;
  /** Connected namespaces and their Socket.IO socket ids. */
  namespaces: Array<{ nsp: string; socketId: string }>;
}

export interface WaitForOptions {
  /** Milliseconds before it rejects with a `TIMEOUT` SioProxyError; default 5000. */
  timeout?: number;
  /** Also match events already in the history with a seq above this (0: the whole history). */
  since?: number;
}

/** A running proxy. Nothing of it outlives `close()`: no timers or sockets keep a test runner alive. */
export interface SioProxy {
  /** The proxy's own URL: point the app's clients here. */
  readonly url: string;
  /** The dashboard URL with its token, when the dashboard is on. */
  readonly dashboardUrl: string | undefined;
  readonly target: URL;
  /** Calls `listener` with every event of `type` (or all, `'*'`), a tick after it happened. */
  on<T extends ProxyEventType>(type: T, listener: Listener<Extract<ProxyEvent, { type: T }>>): this;
  on(type: '*', listener: Listener): this;
  off(type: ProxyEventType | '*', listener: Listener<never>): this;
  /** Matching events from now on, as an async iterator; ends with `close()` or the loop's `break`. */
  events(filter?: EventFilter | EventPredicate): AsyncGenerator<ProxyEvent, void, undefined>;
  /** Matching events held in the history, oldest first (payloads past 4 KB cut, as the stream has them). */
  history(filter?: EventFilter | EventPredicate): ProxyEvent[];
  /** The first matching event; rejects with a readable `TIMEOUT` error listing the last events seen. */
  waitFor(filter: EventFilter | EventPredicate, options?: WaitForOptions): Promise<ProxyEvent>;
  /** The sessions open now. */
  sessions(): SessionSummary[];
  /** Rules (the control API's `/api/rules`): `add` arms one and returns a handle to change it. */
  readonly rules: {
    add(rule: RuleInput): RuleHandle;
    list(): Rule[];
  };
  /** Packets held by pause rules now, oldest first. */
  paused(): HeldPacket[];
  /** The next held packet that matches (or one held already), as `waitFor` waits for events. */
  nextPaused(filter?: PausedFilter, options?: { timeout?: number }): Promise<HeldPacket>;
  /** Sends an EVENT of the proxy's own into a session; with `ack`, resolves with the peer's answer. */
  emit(
    sessionId: string,
    options: EmitOptions,
  ): Promise<{ seq: number; ack?: unknown[]; latencyMs?: number }>;
  /** Provokes a failure on one session (see docs/control-api.md for what each kind makes the peers say). */
  fault(sessionId: string, spec: FaultSpec): Promise<FaultHandle>;
  /** Provokes a failure of the whole target: down for a while, or WebSocket blocked. */
  faultTarget(spec: TargetFaultSpec): Promise<FaultHandle>;
  close(): Promise<void>;
}

/**
 * Starts a proxy in front of `options.target` and resolves once it (and the dashboard, when asked
 * for) is listening. Rejects with a `SioProxyError`: `BAD_OPTION` or `LISTEN`.
 */
export async function createProxy(options: ProxyOptions): Promise<SioProxy> {
  const runtime = assembleProxy({ port: 0, ...options });
  try {
    await runtime.listenProxy();
    await runtime.listenDashboard();
  } catch (err) {
    await runtime.close();
    if (err instanceof SioProxyError) throw err;
    const failed = runtime.dashboardPending ? runtime.dashboardAddress : runtime.proxyAddress;
    throw listenError(err, failed.host, failed.port, runtime.dashboardPending ? 'dashboard.port' : 'port');
  }
  return runtime.api;
}

/**
 * Every part wired, nothing listening yet: `createProxy` listens at once, the CLI first attaches
 * its terminal log and says which flag a taken port belongs to.
 */
/** @internal */
export function assembleProxy(options: ProxyOptions): ProxyRuntime {
  return new ProxyRuntime(options);
}

/** @internal The wiring behind `createProxy` and the CLI. */
export class ProxyRuntime {
  readonly server: ProxyServer;
  readonly stream: EventStream;
  readonly api: SioProxy;
  readonly ui: UiServer | undefined;
  readonly proxyAddress: { host: string; port: number };
  readonly dashboardAddress: { host: string; port: number };
  /** The proxy listens but the dashboard does not yet. */
  dashboardPending = false;
  private readonly rooms: RoomSources;
  private readonly recorder: Recorder | undefined;
  readonly redis: RedisSink | undefined;
  /** Calls from a dashboard over Redis, answered in process (with or without a dashboard here). */
  private readonly redisControl: RedisControl | undefined;
  private readonly analysis: Analysis;
  readonly live: LiveEvents;
  readonly directory: SessionDirectory;
  private closing: Promise<void> | undefined;

  constructor(readonly options: ProxyOptions) {
    const targets = [...(options.target !== undefined ? [options.target] : []), ...(options.targets ?? [])]
      .map(parseTarget)
      .filter((t, i, all) => all.findIndex((u) => u.href === t.href) === i);
    const target = targets[0];
    if (!target) throw new SioProxyError('BAD_OPTION', 'target: missing (give `target` or `targets`)');
    const log = options.logger ?? createLogger({ quiet: true });
    const paths = options.paths ?? DEFAULT_PATHS;
    this.proxyAddress = { host: options.host ?? '127.0.0.1', port: options.port ?? 8080 };
    const dashboard = options.dashboard || undefined;
    this.dashboardAddress = { host: dashboard?.host ?? '127.0.0.1', port: dashboard?.port ?? 0 };
    this.server = new ProxyServer({
      target,
      targets,
      port: this.proxyAddress.port,
      host: this.proxyAddress.host,
      paths,
      log,
      insecure: !!options.insecure,
      ...(options.pauseTimeoutMs !== undefined ? { pauseTimeoutMs: options.pauseTimeoutMs } : {}),
    });
    const bus = this.server.bus;
    (options.rules ?? []).forEach((rule, i) => {
      try {
        this.server.intervention.addRule(rule);
      } catch (err) {
        if (err instanceof InterventionError)
          throw new SioProxyError('BAD_OPTION', `rules[${i}]: ${err.message}`);
        throw err;
      }
    });
    // Subscribed before the proxy listens, so that the history and the recording miss nothing.
    this.stream = new EventStream(bus, {
      history: options.history ?? DEFAULT_HISTORY,
      log,
      ...(options.sampleUnderLoad ? { sampling: { emit: (e) => void bus.emit(e) } } : {}),
    });
    // Problem detectors (shared/analysis): their `problem` events go on the bus, so the stream, the
    // history, recordings, HAR export, --log and the library all carry them.
    this.analysis = startAnalysis(bus, options.analysis);
    this.live = new LiveEvents(bus, undefined, options.onListenerError);
    this.directory = new SessionDirectory(bus);
    this.rooms = startRoomSources({
      bus,
      target,
      otherNodes: targets.slice(1),
      sessionIds: () => Array.from(this.server.sessions.values(), (s) => s.sid),
      adminUi: options.adminUi === true ? '' : options.adminUi || undefined,
      adminAuth: options.adminAuth,
      insecure: !!options.insecure,
      path: paths[0],
      log,
    });
    // Throws (ENOENT, EACCES, ...) when the file cannot be opened: a bad path fails at start.
    this.recorder = options.record ? new Recorder(options.record, this.stream, { log }) : undefined;
    this.redis = options.redis ? new RedisSink(this.stream, { ...options.redis, log }) : undefined;
    const search = searchPlugin(this.stream.payloads);
    if (dashboard) {
      const token = dashboard.token ?? randomToken();
      const uiHost = this.dashboardAddress.host;
      const front =
        dashboard.readerThread !== false ? new ReaderThread(this.stream, { token, uiHost, log }) : undefined;
      this.ui = new UiServer(this.server, token, { log, ...(front ? { front } : {}) });
      this.ui.use(streamPlugin(this.stream, { uiHost }));
      this.ui.use(search);
      this.ui.use(controlPlugin(this.server.intervention, { uiHost }));
      this.ui.use(
        new HarPlugin(streamHarEvents(this.stream), {
          version: packageVersion(),
        }),
      );
    }
    const sink = this.redis;
    this.redisControl = sink
      ? new RedisControl({
          url: sink.url,
          key: sink.key,
          source: sink.source,
          log,
          answer: localCalls({
            control: controlCalls(this.server.intervention),
            stream: this.stream,
            search,
          }),
        })
      : undefined;
    this.api = new RunningProxy(this);
  }

  get bus() {
    return this.server.bus;
  }

  async listenProxy(): Promise<AddressInfo> {
    const address = await this.server.listen();
    this.dashboardPending = !!this.ui;
    return address;
  }

  async listenDashboard(): Promise<AddressInfo | undefined> {
    if (!this.ui) return undefined;
    const address = await this.ui.listen(this.dashboardAddress.port, this.dashboardAddress.host);
    this.dashboardPending = false;
    return address;
  }

  /** Ends every session, stops listening, and lets the last close events reach every observer. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.rooms.close();
      await Promise.all([this.server.close(), this.ui?.close()]);
      await this.recorder?.close(); // after the proxy's last close events
      await this.redisControl?.close();
      await this.redis?.close();
      this.analysis.close();
      this.stream.close();
      this.live.close();
      this.directory.close();
    })();
    return this.closing;
  }
}

/** The object `createProxy` resolves with: the library's view of a runtime. */
class RunningProxy implements SioProxy {
  readonly target: URL;

  constructor(private readonly runtime: ProxyRuntime) {
    this.target = runtime.server.target;
  }

  /** The intervention core the control API drives too: the same code under both faces. */
  private get core() {
    return this.runtime.server.intervention;
  }

  get url(): string {
    return this.runtime.server.url;
  }

  get dashboardUrl(): string | undefined {
    const { ui, dashboardPending } = this.runtime;
    return ui && !dashboardPending ? ui.url() : undefined;
  }

  on(type: ProxyEventType | '*', listener: Listener<never>): this {
    this.runtime.live.on(type, listener as Listener);
    return this;
  }

  off(type: ProxyEventType | '*', listener: Listener<never>): this {
    this.runtime.live.off(type, listener as Listener);
    return this;
  }

  events(filter?: EventFilter | EventPredicate): AsyncGenerator<ProxyEvent, void, undefined> {
    return this.runtime.live.iterate(this.match(filter));
  }

  history(filter?: EventFilter | EventPredicate): ProxyEvent[] {
    const { stream } = this.runtime;
    stream.flush();
    return stream.history.events().filter(this.match(filter));
  }

  async waitFor(filter: EventFilter | EventPredicate, opts: WaitForOptions = {}): Promise<ProxyEvent> {
    const matches = this.match(filter);
    const since = opts.since;
    if (since !== undefined) {
      const held = this.history().find((e) => e.seq > since && matches(e));
      if (held) return held;
    }
    return this.runtime.live.next(matches, opts.timeout ?? 5000, describeFilter(filter));
  }

  get rules(): SioProxy['rules'] {
    const { core } = this;
    return {
      add: (rule) =>
        ruleHandle(
          core,
          library(() => core.addRule(rule)),
        ),
      list: () => core.rules.list(),
    };
  }

  paused(): HeldPacket[] {
    const { core } = this;
    return core.paused().map((p) => heldPacket(core, p));
  }

  async nextPaused(wanted: PausedFilter = {}, options: { timeout?: number } = {}): Promise<HeldPacket> {
    const filter = pausedMatcher(wanted);
    const held = this.paused().find(filter);
    if (held) return held;
    const { core } = this;
    const matches = (e: ProxyEvent) => {
      if (e.type !== 'intervention' || e.action !== 'paused' || !e.id) return false;
      const p = core.paused().find((x) => x.id === e.id);
      return !!p && filter(p);
    };
    const event = await this.runtime.live.next(matches, options.timeout ?? 5000, 'a held packet');
    const id = event.type === 'intervention' ? event.id : undefined;
    const p = core.paused().find((x) => x.id === id);
    if (!p) throw new SioProxyError('NOT_FOUND', `held packet ${id} was decided before it was handed over`);
    return heldPacket(core, p);
  }

  async emit(
    sessionId: string,
    options: EmitOptions,
  ): Promise<{ seq: number; ack?: unknown[]; latencyMs?: number }> {
    try {
      return await this.core.emit(sessionId, options);
    } catch (err) {
      throw asLibraryError(err);
    }
  }

  async fault(sessionId: string, spec: FaultSpec): Promise<FaultHandle> {
    const { core } = this;
    try {
      const { id } = await core.addSessionFault(sessionId, spec);
      return faultHandle(id, () => core.faultBook.remove(id, sessionId));
    } catch (err) {
      throw asLibraryError(err);
    }
  }

  async faultTarget(spec: TargetFaultSpec): Promise<FaultHandle> {
    const { core } = this;
    const { id } = library(() => core.addTargetFault(spec));
    return faultHandle(id, () => core.faultBook.remove(id));
  }

  sessions(): SessionSummary[] {
    const { server, directory } = this.runtime;
    return Array.from(server.sessions.values(), (s) => ({
      sessionId: s.sid,
      clientKey: directory.clientKey(s.sid),
      eio: s.eio,
      transport: s.transport,
      namespaces: directory.namespaces(s.sid),
    }));
  }

  close(): Promise<void> {
    return this.runtime.close();
  }

  private match(filter: EventFilter | EventPredicate | undefined): EventPredicate {
    return predicateOf(filter, (sid) => this.runtime.directory.clientKey(sid));
  }
}

function parseTarget(target: string | URL): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new SioProxyError('BAD_OPTION', `target: not a URL: ${String(target)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new SioProxyError('BAD_OPTION', `target: must be http:// or https://, not ${url.protocol}`);
  return url;
}
