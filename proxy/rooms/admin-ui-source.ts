/**
 * Room membership as the server itself reports it, read from @socket.io/admin-ui's instrumentation
 * (`instrument(io, opts)` on the target). The proxy connects to the admin namespace (default
 * `/admin`) straight at the target, never through its own relay, with socket.io-client and
 * `auth: { username, password }` (what admin-ui's basic auth compares against its bcrypt hash), and
 * turns what admin-ui publishes into `room` events with `source: 'admin-ui'`:
 *
 * - `all_sockets` (on every (re)connection): a snapshot, reconciled with what was published before
 *   (a join per new (socket, room), a leave per (socket, room) that is gone);
 * - `socket_connected` (the socket with its rooms and `data._admin.clientId`), `room_joined`,
 *   `room_left`, `socket_disconnected` (a leave per room the socket was still in);
 * - `socket_updated` carries no rooms (transport or `socket.data` changes) and is not used.
 *
 * Every event names the socket (`socketId`); `sessionId` is set when the proxy relays that socket
 * (see SessionIndex), and `node` when the proxy fronts several nodes. In a cluster (an adapter
 * between the nodes) one node's admin namespace reports the sockets and rooms of every node, so one
 * connection is enough: each membership is published once; `alternates` are the other nodes' admin
 * namespaces, tried in turn when the current one cannot be reached. Each socket's own room (named after its id) is published with `own: true`.
 * admin-ui publishes sockets and rooms only in its development mode (`mode: 'development'`, the
 * default unless NODE_ENV says otherwise); in production mode it says so once and publishes nothing.
 */
import { io, type Socket } from 'socket.io-client';
import type { ProxyEvent } from '../../shared/events.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';

/** A socket as admin-ui describes it (`SerializedSocket` in admin-ui's lib/typed-events.ts). */
interface SerializedSocket {
  id: string;
  /** The first 12 characters of the Engine.IO sid (`socket.client.id`). */
  clientId?: string;
  transport?: string;
  nsp: string;
  rooms: string[];
}

/** What is known of a socket when its session is looked up. */
export interface AdminSocketRef {
  nsp: string;
  /** The Socket.IO socket id. */
  socketId: string;
  /** admin-ui's `clientId`: a prefix (12 characters) of the Engine.IO sid. */
  clientId?: string;
}

/** The proxied session (Engine.IO sid) that carries a socket, or undefined if the proxy does not relay it. */
export type SessionLookup = (socket: AdminSocketRef) => string | undefined;

export interface AdminUiSourceOptions {
  bus: EventBus;
  /** The admin namespace's URL at the target, e.g. `http://localhost:3000/admin`. */
  url: string | URL;
  /** The same namespace on the cluster's other nodes: where to go when `url` is unreachable. */
  alternates?: (string | URL)[];
  /** The target's Engine.IO path (default `/socket.io/`). */
  path?: string;
  auth?: { username: string; password: string };
  /** Do not verify an https target's certificate. */
  insecure?: boolean;
  lookup: SessionLookup;
  /** The node of a session (several targets), published as the membership's `node`. */
  nodeOf?: (sessionId: string) => string | undefined;
  log?: Logger;
  /** Backoff between reconnection attempts (ms), doubling from min to max. */
  reconnectDelay?: { min: number; max: number };
  /** How long a socket seen only through `room_joined` waits for its `socket_connected` (ms). */
  announceAfterMs?: number;
}

interface Tracked {
  nsp: string;
  id: string;
  clientId?: string;
  sessionId?: string;
  node?: string;
  rooms: Set<string>;
  /** Its rooms were published; until then (a `room_joined` before `socket_connected`) they are only kept. */
  announced: boolean;
}

/** Refusals that retrying with the same settings cannot fix. */
const FINAL = 'final';

export class AdminUiSource {
  /** `url` then the alternates; `current` is the one connected (or tried). */
  private readonly urls: URL[];
  private current = 0;
  /** The admin namespace: its own sockets (admin UIs, this one) are not the app's. */
  readonly namespace: string;
  private readonly log: Logger;
  private readonly sockets = new Map<string, Tracked>();
  private socket: Socket | undefined;
  private retry: NodeJS.Timeout | undefined;
  private readonly announceTimers = new Set<NodeJS.Timeout>();
  private attempts = 0;
  private everConnected = false;
  private unreachableLogged = false;
  private productionLogged = false;
  private stopped = false;
  private state: 'idle' | 'connecting' | 'connected' | 'disconnected' | typeof FINAL = 'idle';

  constructor(private readonly opts: AdminUiSourceOptions) {
    this.urls = [opts.url, ...(opts.alternates ?? [])].map((u) => new URL(String(u)));
    this.namespace = this.urls[0]!.pathname.replace(/\/+$/, '') || '/';
    this.log = opts.log ?? silentLogger;
  }

  /** `connected` while the admin namespace is open; `final` after a refusal (bad credentials, no namespace). */
  get status(): 'idle' | 'connecting' | 'connected' | 'disconnected' | 'final' {
    return this.state;
  }

  start(): this {
    if (this.socket || this.stopped) return this;
    const { min, max } = this.delays();
    this.state = 'connecting';
    const socket = io(this.where, {
      path: this.opts.path ?? '/socket.io/',
      forceNew: true,
      auth: this.opts.auth ? { username: this.opts.auth.username, password: this.opts.auth.password } : {},
      reconnectionDelay: min,
      reconnectionDelayMax: max,
      randomizationFactor: 0.3,
      rejectUnauthorized: !this.opts.insecure,
    });
    this.socket = socket;

    socket.on('connect', () => this.onConnect());
    socket.on('connect_error', (err: Error) => this.onConnectError(err));
    socket.on('disconnect', (reason: string) => this.onDisconnect(reason));
    socket.on('config', (config: { supportedFeatures?: string[] }) => this.onConfig(config));
    socket.on('all_sockets', (list: SerializedSocket[]) => this.onSnapshot(list));
    socket.on('socket_connected', (s: SerializedSocket) => this.onSocketConnected(s));
    socket.on('socket_disconnected', (nsp: string, id: string) => this.onSocketDisconnected(nsp, id));
    socket.on('room_joined', (nsp: string, room: string, id: string) => this.onRoomJoined(nsp, room, id));
    socket.on('room_left', (nsp: string, room: string, id: string) => this.onRoomLeft(nsp, room, id));
    return this;
  }

  close(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    for (const t of this.announceTimers) clearTimeout(t);
    this.announceTimers.clear();
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = undefined;
    this.sockets.clear();
    if (this.state !== FINAL) this.state = 'idle';
  }

  private delays(): { min: number; max: number } {
    return this.opts.reconnectDelay ?? { min: 500, max: 10_000 };
  }

  private get where(): string {
    return `${this.urls[this.current]!.origin}${this.namespace}`;
  }

  /**
   * Away from a node that went down, to the next one after the backoff. The node of a cluster that
   * answers reports the whole cluster: its snapshot reconciles what changed meanwhile.
   */
  private nextNode(): boolean {
    if (this.urls.length < 2 || this.stopped) return false;
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = undefined;
    this.current = (this.current + 1) % this.urls.length;
    const { min, max } = this.delays();
    const delay = Math.min(max, min * 2 ** this.attempts++);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.start();
    }, delay);
    this.retry.unref();
    return true;
  }

  private onConnect(): void {
    this.state = 'connected';
    this.attempts = 0;
    this.unreachableLogged = false;
    this.log.info(`admin-ui: ${this.everConnected ? 'reconnected to' : 'reading rooms from'} ${this.where}`);
    this.everConnected = true;
  }

  private onConnectError(err: Error): void {
    if (this.stopped) return;
    if (this.socket?.active) {
      // Target down or unreachable: the manager retries with backoff; say it once per outage.
      this.state = 'disconnected';
      if (!this.unreachableLogged) {
        this.unreachableLogged = true;
        this.log.warn(
          `admin-ui: cannot reach ${this.where} (${err.message}); ${this.urls.length > 1 ? 'trying the other nodes' : 'retrying'}`,
        );
      }
      this.nextNode();
      return;
    }
    // The server refused the namespace: its middleware (admin-ui's auth) or no such namespace.
    this.state = FINAL;
    const message = err.message;
    if (/invalid namespace/i.test(message)) {
      this.log.warn(
        `admin-ui: ${this.where} has no namespace ${this.namespace} (is instrument(io) running there?); ` +
          `rooms come from broadcasts only`,
      );
    } else if (/credential|auth|unauthori[sz]ed/i.test(message)) {
      this.log.warn(
        `admin-ui: ${this.where} refused ${this.opts.auth ? 'the --admin-auth credentials' : 'to connect without --admin-auth'} ` +
          `(${message}); rooms come from broadcasts only`,
      );
    } else {
      this.log.warn(
        `admin-ui: ${this.where} refused the connection (${message}); rooms come from broadcasts only`,
      );
    }
    this.socket?.disconnect();
  }

  private onDisconnect(reason: string): void {
    if (this.stopped || this.state === FINAL) return;
    this.state = 'disconnected';
    if (reason === 'io client disconnect') return;
    this.log.info(`admin-ui: lost ${this.where} (${reason}); reconnecting`);
    // socket.io-client reconnects by itself after transport errors, but not when the server closed
    // the namespace: then retry here, with the same backoff. A node that went away: the next one.
    if (reason === 'io server disconnect') this.reconnectLater();
    else this.nextNode();
  }

  private reconnectLater(): void {
    const { min, max } = this.delays();
    const delay = Math.min(max, min * 2 ** this.attempts++);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (!this.stopped) this.socket?.connect();
    }, delay);
    this.retry.unref();
  }

  private onConfig(config: { supportedFeatures?: string[] }): void {
    if (this.productionLogged || config.supportedFeatures?.includes('ALL_EVENTS')) return;
    this.productionLogged = true;
    this.log.warn(
      `admin-ui: ${this.where} runs in production mode and publishes no sockets or rooms ` +
        `(instrument(io, { mode: 'development' }) does)`,
    );
  }

  /** The full picture, on every (re)connection: publish what changed since the last one. */
  private onSnapshot(list: SerializedSocket[]): void {
    if (!Array.isArray(list)) return;
    const seen = new Set<string>();
    for (const s of list) {
      if (!isSocket(s) || this.isAdmin(s.nsp)) continue;
      seen.add(key(s.nsp, s.id));
      this.reconcile(s, true);
    }
    for (const [k, t] of this.sockets) {
      if (seen.has(k) || !t.announced) continue;
      for (const room of t.rooms) this.publish('leave', t, room);
      this.sockets.delete(k);
    }
  }

  private onSocketConnected(s: SerializedSocket): void {
    if (!isSocket(s) || this.isAdmin(s.nsp)) return;
    this.reconcile(s, false);
  }

  /** Brings one socket in line with admin-ui's description of it. */
  private reconcile(s: SerializedSocket, removeMissing: boolean): void {
    const t = this.track(s.nsp, s.id);
    if (typeof s.clientId === 'string') t.clientId = s.clientId;
    const rooms = s.rooms.filter((r): r is string => typeof r === 'string');
    if (!t.announced) {
      t.announced = true;
      for (const room of rooms) t.rooms.add(room);
      for (const room of t.rooms) this.publish('join', t, room);
      return;
    }
    for (const room of rooms) {
      if (t.rooms.has(room)) continue;
      t.rooms.add(room);
      this.publish('join', t, room);
    }
    if (!removeMissing) return;
    const now = new Set(rooms);
    for (const room of [...t.rooms]) {
      if (now.has(room)) continue;
      t.rooms.delete(room);
      this.publish('leave', t, room);
    }
  }

  private onSocketDisconnected(nsp: string, id: string): void {
    const k = key(nsp, id);
    const t = this.sockets.get(k);
    if (!t) return;
    this.sockets.delete(k);
    // admin-ui's room_left events for this socket come after this one; they find nothing left to do.
    if (t.announced) for (const room of t.rooms) this.publish('leave', t, room);
  }

  private onRoomJoined(nsp: string, room: string, id: string): void {
    if (typeof nsp !== 'string' || typeof room !== 'string' || typeof id !== 'string') return;
    if (this.isAdmin(nsp)) return;
    const t = this.track(nsp, id);
    if (t.rooms.has(room)) return;
    t.rooms.add(room);
    if (t.announced) this.publish('join', t, room);
  }

  private onRoomLeft(nsp: string, room: string, id: string): void {
    const t = this.sockets.get(key(nsp, id));
    if (!t?.rooms.delete(room)) return;
    if (t.announced) this.publish('leave', t, room);
  }

  /**
   * The socket's record, created on first sight. A socket first seen through `room_joined` (its own
   * room is joined just before `socket_connected` is sent) waits briefly for `socket_connected`, which
   * carries the clientId that finds its session.
   */
  private track(nsp: string, id: string): Tracked {
    const k = key(nsp, id);
    let t = this.sockets.get(k);
    if (t) return t;
    t = { nsp, id, rooms: new Set(), announced: false };
    this.sockets.set(k, t);
    const record = t;
    const timer = setTimeout(() => {
      this.announceTimers.delete(timer);
      if (record.announced || this.sockets.get(k) !== record) return;
      record.announced = true;
      for (const room of record.rooms) this.publish('join', record, room);
    }, this.opts.announceAfterMs ?? 500);
    timer.unref();
    this.announceTimers.add(timer);
    return t;
  }

  private publish(action: 'join' | 'leave', t: Tracked, room: string): void {
    t.sessionId ??= this.opts.lookup({
      nsp: t.nsp,
      socketId: t.id,
      ...(t.clientId ? { clientId: t.clientId } : {}),
    });
    if (t.sessionId) t.node ??= this.opts.nodeOf?.(t.sessionId);
    this.opts.bus.emit({
      type: 'room',
      action,
      source: 'admin-ui',
      nsp: t.nsp,
      room,
      socketId: t.id,
      ...(t.sessionId ? { sessionId: t.sessionId } : {}),
      ...(room === t.id ? { own: true } : {}),
      ...(t.node ? { node: t.node } : {}),
    });
  }

  private isAdmin(nsp: string): boolean {
    return nsp === this.namespace;
  }
}

/** Socket.IO socket ids per namespace seen by the proxy, and the Engine.IO sids of live sessions. */
const MAX_SOCKETS = 50_000;
/** admin-ui's clientId is this many characters of the Engine.IO sid. */
const CLIENT_ID_LENGTH = 12;

/**
 * Finds the proxied session of an admin-ui socket: by the socket id the proxy saw in the server's
 * CONNECT answer (`connect` events), else by admin-ui's clientId, a prefix of the Engine.IO sid
 * (`session` events, or `sessionIds()` for sessions that began before the index). A bus observer:
 * it only fills two bounded maps.
 */
export class SessionIndex {
  private readonly bySocket = new Map<string, string>();
  private readonly byClientId = new Map<string, string>();
  private readonly nodes = new Map<string, string>();
  private readonly unsubscribe: () => void;

  constructor(
    bus: EventBus,
    private readonly sessionIds: () => Iterable<string> = () => [],
  ) {
    this.unsubscribe = bus.subscribe((e) => this.observe(e));
  }

  readonly lookup: SessionLookup = (s) => {
    const bySocket = this.bySocket.get(key(s.nsp, s.socketId));
    if (bySocket || !s.clientId) return bySocket;
    const known = this.byClientId.get(s.clientId.slice(0, CLIENT_ID_LENGTH));
    if (known) return known;
    for (const sid of this.sessionIds()) if (sid.startsWith(s.clientId)) return sid;
    return undefined;
  };

  /** The node (target) a session went to, from its `session` event. */
  readonly nodeOf = (sessionId: string): string | undefined => this.nodes.get(sessionId);

  close(): void {
    this.unsubscribe();
    this.bySocket.clear();
    this.byClientId.clear();
    this.nodes.clear();
  }

  private observe(e: ProxyEvent): void {
    if (e.type === 'connect') {
      remember(this.bySocket, key(e.nsp, e.socketId), e.sessionId);
    } else if (e.type === 'session') {
      remember(this.byClientId, e.sessionId.slice(0, CLIENT_ID_LENGTH), e.sessionId);
      remember(this.nodes, e.sessionId, e.target);
    }
  }
}

function remember(map: Map<string, string>, k: string, v: string): void {
  map.delete(k);
  map.set(k, v);
  if (map.size > MAX_SOCKETS) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
}

function key(nsp: string, id: string): string {
  return `${nsp}\n${id}`;
}

function isSocket(s: unknown): s is SerializedSocket {
  const o = s as Partial<SerializedSocket> | null;
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof o.id === 'string' &&
    typeof o.nsp === 'string' &&
    Array.isArray(o.rooms)
  );
}

/**
 * Where `--admin-ui [URL]` points: '' is the target's `/admin`; a path alone (`/adm`) is that
 * namespace on the target; a URL with a path names the namespace, one without means `/admin`.
 */
export function adminUiUrl(raw: string, target: URL | string): URL {
  const base = new URL(String(target));
  if (raw === '') return new URL('/admin', base.origin);
  if (raw.startsWith('/')) return new URL(raw, base.origin);
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    throw new Error(`--admin-ui "${raw}" is not a URL (expected e.g. http://localhost:3000/admin)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`--admin-ui "${raw}" must be an http:// or https:// URL`);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/admin';
  return new URL(url.pathname, url.origin);
}
