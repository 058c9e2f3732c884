/**
 * Built-in demo app: a small Socket.IO server that `sio-proxy` starts when no `--target` is given,
 * so a newcomer sees rooms, acks, binary attachments, broadcasts, auth errors and reconnections at once.
 */
import {
  createServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type ExtendedError, type Namespace, type Socket } from 'socket.io';

export interface DemoApp {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface DemoAppOptions {
  port?: number;
  host?: string;
  /** How often `/flaky` drops a random client (ms). */
  flakyIntervalMs?: number;
}

const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_FLAKY_INTERVAL_MS = 20_000;
const TICK_INTERVAL_MS = 5_000;
const LOBBY = 'lobby';
const SECURE_TOKEN = 'demo';
const MAX_ROOM_LENGTH = 64;
const MAX_TEXT_LENGTH = 1_000;

type Ack = (...response: unknown[]) => void;

export async function startDemoApp(opts: DemoAppOptions = {}): Promise<DemoApp> {
  const host = opts.host ?? DEFAULT_HOST;
  const httpServer = createServer(servePage);
  const io = new Server(httpServer, {
    // Lets a reconnecting client resume its rooms and missed packets: the proxy shows pid/offset on the wire.
    connectionStateRecovery: {},
    // Socket.IO v2 clients (Engine.IO v3) can use the demo too.
    allowEIO3: true,
  });

  const timers = [
    setupChat(io.of('/')),
    setupFlaky(io.of('/flaky'), opts.flakyIntervalMs ?? DEFAULT_FLAKY_INTERVAL_MS),
  ];
  setupSecure(io.of('/secure'));

  let port: number;
  try {
    port = await listen(httpServer, opts.port ?? 0, host);
  } catch (err) {
    await shutdown(io, timers);
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    url: `http://${hostForUrl(host)}:${port}`,
    port,
    close() {
      closing ??= shutdown(io, timers);
      return closing;
    },
  };
}

async function shutdown(io: Server, timers: NodeJS.Timeout[]): Promise<void> {
  for (const timer of timers) clearInterval(timer);
  // Send DISCONNECT packets but leave the connections to io.close(), which discards them at once.
  // disconnectSockets(true) would close them gracefully instead, and a long-polling client that is
  // between two polls would then keep the process alive for engine.io's 30 s close timeout.
  io.disconnectSockets();
  // Also closes the http server (and, on Node >= 19, its idle keep-alive connections).
  await io.close();
}

function listen(httpServer: HttpServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, () => {
      httpServer.off('error', reject);
      resolve((httpServer.address() as AddressInfo).port);
    });
  });
}

/** A wildcard bind address is not something a client can connect to. */
function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

// --- namespace "/" (chat) ---------------------------------------------------------------------

function setupChat(nsp: Namespace): NodeJS.Timeout {
  nsp.on('connection', (socket) => {
    // Idempotent, so a recovered connection (rooms restored) is fine too.
    void socket.join(LOBBY);
    socket.on('join', (room: unknown, ack: unknown) => changeRoom(socket, 'join', room, ack));
    socket.on('leave', (room: unknown, ack: unknown) => changeRoom(socket, 'leave', room, ack));
    socket.on('chat message', (message: unknown) => relayChat(nsp, socket, message));
    socket.on('ping-ack', (...args: unknown[]) => findAck(args)?.({ pong: true, at: Date.now() }));
    socket.on('binary', (...args: unknown[]) => {
      findAck(args)?.(demoBytes());
      socket.emit('binary', { note: 'server push with a binary attachment', data: demoBytes() });
    });
  });

  let count = 0;
  return setInterval(() => {
    count += 1;
    nsp.to(LOBBY).emit('tick', { count, at: Date.now() });
  }, TICK_INTERVAL_MS);
}

function changeRoom(socket: Socket, action: 'join' | 'leave', room: unknown, ack: unknown): void {
  const reply = typeof ack === 'function' ? (ack as Ack) : undefined;
  if (!isRoomName(room)) {
    reply?.({ error: `room must be a non-empty string of at most ${MAX_ROOM_LENGTH} characters` });
    return;
  }
  // The in-memory adapter applies join/leave synchronously, so the member list below is up to date.
  void (action === 'join' ? socket.join(room) : socket.leave(room));
  const members = [...(socket.nsp.adapter.rooms.get(room) ?? [])];
  reply?.({ room, members });
}

function relayChat(nsp: Namespace, socket: Socket, message: unknown): void {
  if (!isRecord(message) || typeof message.text !== 'string') return;
  const payload = { from: socket.id, text: message.text.slice(0, MAX_TEXT_LENGTH), at: Date.now() };
  if (isRoomName(message.room)) nsp.to(message.room).emit('chat message', payload);
  else nsp.emit('chat message', payload);
}

function isRoomName(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ROOM_LENGTH;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Socket.IO passes the ack callback as the last argument, whatever the client sent before it. */
function findAck(args: unknown[]): Ack | undefined {
  const last = args.at(-1);
  return typeof last === 'function' ? (last as Ack) : undefined;
}

/** Bytes 0x00..0x0f: easy to recognise in a hex dump. */
function demoBytes(): Buffer {
  return Buffer.from(Array.from({ length: 16 }, (_, i) => i));
}

// --- namespace "/flaky" -----------------------------------------------------------------------

/**
 * Drops one random client per round, alternating the two ways a server can cut a client off:
 * a Socket.IO DISCONNECT packet (client sees "io server disconnect" and must reconnect by hand),
 * and a bare Engine.IO close (client sees "transport close" and reconnects by itself).
 */
function setupFlaky(nsp: Namespace, intervalMs: number): NodeJS.Timeout {
  nsp.on('connection', (socket) => {
    socket.emit('welcome', { note: `this namespace drops a random client every ${intervalMs} ms` });
  });

  let round = 0;
  return setInterval(() => {
    const sockets = [...nsp.sockets.values()];
    const victim = sockets[Math.floor(Math.random() * sockets.length)];
    if (!victim) return;
    round += 1;
    // disconnect(true) also closes the underlying connection, so the client's other namespaces drop too.
    if (round % 2 === 1) victim.disconnect(true);
    else victim.conn.close();
  }, intervalMs);
}

// --- namespace "/secure" ----------------------------------------------------------------------

function setupSecure(nsp: Namespace): void {
  nsp.use((socket, next) => {
    const auth: unknown = socket.handshake.auth;
    if (isRecord(auth) && auth.token === SECURE_TOKEN) {
      next();
      return;
    }
    // `data` travels to the client in the CONNECT_ERROR packet, next to the message.
    const err: ExtendedError = new Error('not authorized');
    err.data = { hint: `use token "${SECURE_TOKEN}"` };
    next(err);
  });
  nsp.on('connection', (socket) => {
    socket.emit('welcome', { note: 'authorized', id: socket.id });
  });
}

// --- demo page --------------------------------------------------------------------------------

function servePage(req: IncomingMessage, res: ServerResponse): void {
  // Socket.IO answers its own path (including /socket.io/socket.io.js) before this handler runs.
  const path = (req.url ?? '/').split('?')[0];
  if (path !== '/' || (req.method !== 'GET' && req.method !== 'HEAD')) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
    return;
  }
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(DEMO_PAGE),
    'cache-control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : DEMO_PAGE);
}

// Self-contained: the page must work offline and, opened through the proxy, talk only to the proxy.
const DEMO_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sio-proxy demo</title>
<link rel="icon" href="data:,">
<style>
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { max-width: 52rem; margin: 1.5rem auto; padding: 0 1rem; }
  h1 { font-size: 1.3rem; margin: 0 0 .75rem; }
  .status { display: flex; flex-wrap: wrap; gap: .4rem 1.25rem; margin-bottom: .75rem; }
  .status b { font-weight: 600; }
  .ok { color: #1a8f3c; } .bad { color: #c7372f; } .wait { color: #b07d00; }
  .row { display: flex; flex-wrap: wrap; gap: .5rem; margin: .5rem 0; }
  input { flex: 1; min-width: 8rem; padding: .35rem .5rem; font: inherit; }
  button { padding: .35rem .75rem; font: inherit; cursor: pointer; }
  #log { height: 22rem; overflow-y: auto; margin: .75rem 0 0; padding: .5rem;
         border: 1px solid color-mix(in srgb, currentColor 25%, transparent); border-radius: 4px;
         font: .85rem/1.4 ui-monospace, monospace; white-space: pre-wrap; word-break: break-all; }
  .in { color: #2f6fca; } .out { color: #8a4fc7; } .sys { opacity: .7; }
</style>
</head>
<body>
<h1>sio-proxy demo app</h1>
<div class="status">
  <span>state: <b id="state" class="wait">connecting</b></span>
  <span>id: <b id="sid">-</b></span>
  <span>transport: <b id="transport">-</b></span>
</div>
<form id="chat" class="row">
  <input id="text" placeholder="chat message" autocomplete="off">
  <button>send</button>
</form>
<div class="row">
  <input id="room" value="lobby" placeholder="room (empty = everyone)">
  <button id="join" type="button">join room</button>
  <button id="ack" type="button">emit with ack</button>
  <button id="binary" type="button">send binary</button>
  <button id="toggle" type="button">disconnect</button>
</div>
<div id="log"></div>
<script src="/socket.io/socket.io.js"></script>
<script>
  const $ = (id) => document.getElementById(id);
  // No URL: same origin, so the page talks through the proxy when opened through it.
  const socket = io();

  function show(text, cls) {
    const line = document.createElement('div');
    line.className = cls;
    line.textContent = new Date().toLocaleTimeString() + '  ' + text;
    const log = $('log');
    const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
    log.append(line);
    if (atBottom) log.scrollTop = log.scrollHeight;
  }
  function format(args) {
    return args.map((a) => JSON.stringify(a, (_, v) =>
      v instanceof ArrayBuffer ? '<' + v.byteLength + ' bytes>' :
      ArrayBuffer.isView(v) ? '<' + v.byteLength + ' bytes>' : v)).join(', ');
  }
  function setState(text, cls) { $('state').textContent = text; $('state').className = cls; }
  function room() { return $('room').value.trim(); }

  socket.io.on('open', () => {
    const engine = socket.io.engine;
    $('transport').textContent = engine.transport.name;
    engine.on('upgrade', (t) => { $('transport').textContent = t.name; show('upgraded to ' + t.name, 'sys'); });
  });
  socket.io.on('reconnect_attempt', (n) => setState('reconnecting (' + n + ')', 'wait'));
  socket.on('connect', () => {
    setState(socket.recovered ? 'connected (recovered)' : 'connected', 'ok');
    $('sid').textContent = socket.id;
    $('toggle').textContent = 'disconnect';
    show('connected as ' + socket.id, 'sys');
  });
  socket.on('disconnect', (reason) => {
    setState('disconnected', 'bad');
    $('sid').textContent = '-';
    $('transport').textContent = '-';
    $('toggle').textContent = 'reconnect';
    show('disconnected: ' + reason, 'sys');
  });
  socket.on('connect_error', (err) => show('connect_error: ' + err.message, 'sys'));
  // With connection state recovery the server appends the packet's offset as a last string argument
  // (this app's own events never end with a string).
  socket.onAny((event, ...args) => {
    const offset = typeof args.at(-1) === 'string' ? '  [offset ' + args.pop() + ']' : '';
    show('\\u2190 ' + event + '  ' + format(args) + offset, 'in');
  });
  socket.onAnyOutgoing((event, ...args) => show('\\u2192 ' + event + '  ' + format(args), 'out'));

  function withAck(event, ...args) {
    socket.timeout(5000).emit(event, ...args, (err, res) =>
      show(err ? 'ack ' + event + ' timed out' : 'ack ' + event + '  ' + format([res]), 'in'));
  }

  $('chat').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = $('text').value.trim();
    if (!text) return;
    socket.emit('chat message', room() ? { room: room(), text } : { text });
    $('text').value = '';
  });
  $('join').addEventListener('click', () => { if (room()) withAck('join', room()); });
  $('ack').addEventListener('click', () => withAck('ping-ack', { sent: Date.now() }));
  $('binary').addEventListener('click', () => withAck('binary', new TextEncoder().encode('hello from the browser')));
  $('toggle').addEventListener('click', () => socket.connected ? socket.disconnect() : socket.connect());
</script>
</body>
</html>
`;
