/**
 * The reader thread (reader-thread.ts says why): the dashboard's front door. It serves what reads the
 * history itself, from the batches the main thread shares with it: the event stream's WebSocket
 * observers, `GET /api/capture` and `GET /api/har` (whose cut payloads it asks the main thread for);
 * every other request (the panel, the control API, searches, full payloads) it forwards to the
 * dashboard server on the main thread, over loopback, vouching for where each one arrived
 * (local-end.ts).
 *
 * An observer's history comes in parts, each posted on a turn of the main thread's own; the first
 * part is posted in the same step as the snapshot it belongs to, so every live batch that arrives
 * before it is in the snapshot already, and every one after it is newer: those wait behind the
 * history, in order. No gap, no overlap, as with an observer on the main thread.
 */
import http, { type IncomingMessage } from 'node:http';
import net from 'node:net';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import type { Duplex } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import type WebSocket from 'ws';
import { writeRawResponse } from '../engine/errors.js';
import { FRONT_HEADER } from '../ui/local-end.js';
import { hasToken, sendUnauthorized } from '../ui/token.js';
import { sendCapture } from './capture.js';
import { readHeld } from './event-stream.js';
import { harEvents, HarPlugin, type FullPayloads } from './har-plugin.js';
import { readOnly } from './http-reply.js';
import { EventBatch } from './batch.js';
import type { BatchSink } from './event-stream.js';
import type { Held, Snapshot } from './history.js';
import { closeObservers, observerSocketServer, refusedOrigin } from './observer-sockets.js';
import type { ReaderConfig, ToMain, ToReader } from './reader-messages.js';
import { REPLAY_BYTES_PER_TURN, TurnBudget } from './turn-budget.js';
import { ThreadCollector } from './thread-collector.js';
import { WsObserver } from './ws-observer.js';

const config = workerData as ReaderConfig;
lowerPriority();
const main = parentPort!;
const post = (message: ToMain) => main.postMessage(message);

/** An observer whose history is still arriving; `later`: batches after its snapshot, once it began. */
interface Waiting {
  ws: WebSocket;
  history: Held[];
  later: EventBatch[] | undefined;
}

const waiting = new Map<number, Waiting>();
const live = new Set<BatchSink>();
const observers = new Set<WsObserver>();
const budget = new TurnBudget(REPLAY_BYTES_PER_TURN);
let nextId = 1;

const wss = observerSocketServer();
const agent = new http.Agent({ keepAlive: true });
const vouch = (req: IncomingMessage) => `${config.secret} ${req.socket.localPort} ${req.socket.localAddress}`;

/**
 * A request to the dashboard server, as it came: the target verbatim (`//[` included: it is the
 * dashboard server that answers such a target, and a URL library in between would rewrite it), the
 * headers and the body, plus the front door's header.
 */
function forward(req: IncomingMessage, res: http.ServerResponse): void {
  const upstream = http.request({
    host: config.internal.host,
    port: config.internal.port,
    method: req.method,
    path: req.url,
    headers: { ...endToEnd(req.headers), [FRONT_HEADER]: vouch(req) },
    agent,
  });
  upstream.on('response', (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.headers));
    answer.pipe(res);
  });
  upstream.on('error', (err) => {
    post({ t: 'warn', message: `dashboard front door: ${req.method} ${req.url}: ${err.message}` });
    if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' });
    res.end('sio-proxy: the dashboard server did not answer\n');
  });
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
}

/** Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection: each side's Node sets its own. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

function endToEnd(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers))
    if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
  return out;
}

/** A WebSocket handshake for another route: its head written to the dashboard server as it came, then bytes both ways. */
function forwardUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const upstream = net.connect(config.internal.port, config.internal.host);
  const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]!.toLowerCase() !== FRONT_HEADER)
      lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  }
  lines.push(`${FRONT_HEADER}: ${vouch(req)}`, '', '');
  upstream.write(lines.join('\r\n'));
  upstream.write(head);
  socket.pipe(upstream).pipe(socket);
  const end = () => {
    socket.destroy();
    upstream.destroy();
  };
  upstream.on('error', end);
  socket.on('error', end);
  upstream.on('close', end);
  socket.on('close', end);
}

/**
 * What reads the whole history (captures, HAR exports) is served here too, from snapshots the main
 * thread posts as it does an observer's history; the rest goes to the dashboard server.
 */
const har = new HarPlugin(
  harEvents((maxBytes) => snapshot().then((taken) => readHeld(taken, maxBytes)), fullPayloads),
  { version: config.version },
);

function serve(req: IncomingMessage, res: http.ServerResponse): void {
  const path = pathOf(req);
  if (path !== '/api/capture' && path !== '/api/har') return forward(req, res);
  const url = new URL(req.url ?? '/', 'http://x');
  if (!hasToken(req, config.token)) return sendUnauthorized(res, url);
  if (path === '/api/har') return void har.http(req, res, url);
  if (!readOnly(req, res)) return;
  // The snapshot comes a turn of the main thread later: a client gone by then gets none (and
  // takes no place among the captures allowed at once: sendCapture counts until its 'close').
  let gone = false;
  res.once('close', () => (gone = true));
  void snapshot().then((taken) => (gone ? taken.release() : sendCapture(res, taken, budget)));
}

const snapshots = new Map<number, { held: Held[]; resolve: (held: Held[]) => void }>();
const collector = new ThreadCollector();
/**
 * Tells the main thread that the history posted for `id` is read: its memory may be reused (the main
 * thread forgets an id once released, so saying it twice is harmless), and this thread collects what
 * it held of it (thread-collector.ts).
 */
const releaser = (id: number) => () => {
  post({ t: 'release', id });
  collector.released();
};
const payloadAnswers = new Map<number, (found: Array<[number, string]>) => void>();

/** The history held now, as the main thread's snapshot of it, readable until released. */
function snapshot(): Promise<Snapshot> {
  const id = nextId++;
  return new Promise((resolve) => {
    snapshots.set(id, { held: [], resolve: (held) => resolve({ held, release: releaser(id) }) });
    post({ t: 'snapshot', id });
  });
}

/** The full payloads of `seqs` that the main thread's payload store still holds. */
async function fullPayloads(seqs: number[]): Promise<FullPayloads> {
  const id = nextId++;
  const found =
    seqs.length === 0
      ? []
      : await new Promise<Array<[number, string]>>((resolve) => {
          payloadAnswers.set(id, resolve);
          post({ t: 'payloads', id, seqs });
        });
  const bySeq = new Map(found);
  return {
    get: (seq) => {
      const json = bySeq.get(seq);
      return json === undefined ? { found: false, evicted: true } : { found: true, json };
    },
  };
}

const server = http.createServer(serve);
server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
  if (pathOf(req) !== '/api/events') return forwardUpgrade(req, socket, head);
  // The same checks, in the same order and words, as on the main thread (ui-server.ts, stream-plugin.ts).
  if (!hasToken(req, config.token))
    return writeRawResponse(socket, '401 Unauthorized', 'missing or wrong token');
  if (refusedOrigin(req, socket, config.uiHost)) return;
  wss.handleUpgrade(req, socket, head, (ws) => {
    const id = nextId++;
    waiting.set(id, { ws, history: [], later: undefined });
    ws.on('error', () => ws.terminate()); // a broken frame from an observer ends its socket only
    ws.once('close', () => {
      waiting.delete(id);
      post({ t: 'unsubscribe', id });
    });
    post({ t: 'subscribe', id });
  });
});

main.on('message', (message: ToReader) => {
  if (message.t === 'batch') {
    const batch = new EventBatch(message.batch);
    collector.receivedBatch(batch.bytes.length);
    for (const w of waiting.values()) w.later?.push(batch);
    for (const sink of live) sink(batch);
  } else if (message.t === 'history') {
    const held = message.held.map(({ batch, skip }) => ({ batch: new EventBatch(batch), skip }));
    const asked = snapshots.get(message.id);
    if (asked) {
      asked.held.push(...held);
      if (message.done) asked.resolve(asked.held);
      if (message.done) snapshots.delete(message.id);
      return;
    }
    const w = waiting.get(message.id);
    if (!w) return; // gone meanwhile
    w.later ??= [];
    w.history.push(...held);
    if (message.done) start(message.id, w);
  } else if (message.t === 'payloads') {
    payloadAnswers.get(message.id)?.(message.found);
    payloadAnswers.delete(message.id);
  } else if (message.t === 'backlogs') {
    post({ t: 'backlogs', id: message.id, backlogs: [...observers].map((o) => o.backlog) });
  } else void close();
});

/** The observer's history is all here: it replays it, then the batches that came meanwhile, then live ones. */
function start(id: number, w: Waiting): void {
  waiting.delete(id);
  let sink: BatchSink | undefined;
  const observer = new WsObserver(
    w.ws,
    {
      subscribeWithHistory(s) {
        live.add((sink = s));
        return { held: w.history, release: releaser(id), unsubscribe: () => live.delete(s) };
      },
    },
    config.limits,
    budget,
  );
  observers.add(observer);
  w.ws.once('close', () => observers.delete(observer));
  for (const batch of w.later!) sink!(batch);
}

/**
 * The observers yield to the relay: on 2 busy cores, a reader thread at the relay's own priority
 * replayed the history to a crowd of dashboards as fast as a core allowed and took the healthy
 * client's ack p99 from 5 to 8.5 ms (docs/performance.md, "The reader thread"). Nice 10, not 19:
 * the control API's calls come through this thread too, and must not starve while the relay is busy.
 * Linux takes a thread's id for setpriority(2); elsewhere the thread keeps the process's priority.
 */
function lowerPriority(): void {
  try {
    setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), 10);
  } catch {
    // not Linux: nothing to do
  }
}

function pathOf(req: IncomingMessage): string | undefined {
  try {
    return new URL(req.url ?? '/', 'http://x').pathname;
  } catch {
    return undefined; // the dashboard server says 400
  }
}

/** Ends the observers (1001, as the main thread's stream plugin does) and the server, then the thread. */
async function close(): Promise<void> {
  collector.stop();
  await closeObservers(observers, wss);
  server.closeAllConnections();
  server.close(() => process.exit(0));
}

server.once('error', (err: NodeJS.ErrnoException) => {
  post({ t: 'failed', message: err.message, ...(err.code ? { code: err.code } : {}) });
});
server.listen(config.port, config.host, () => {
  const a = server.address() as { port: number; address: string; family: string };
  post({ t: 'listening', port: a.port, address: a.address, family: a.family });
});
