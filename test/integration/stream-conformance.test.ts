/**
 * The event stream against its contract (shared/events.ts, docs/event-stream.md), as an outside
 * consumer reads it: a rich scenario through a real proxy in front of a socket.io@4 target and a
 * socket.io@2 one, wired as the CLI wires it (stream, recorder, inferred rooms, dashboard routes),
 * read over ws://<ui>/api/events. Every event must validate (test/support/event-schema.ts), seqs
 * run without gap or repeat, and the capture, the recording and /api/packets agree with the stream.
 * The docs' examples must validate too, so that docs and schema cannot drift apart.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { io as ioV4, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { createLogger } from '../../proxy/log.js';
import { startAnalysis } from '../../proxy/observe/analysis.js';
import { InferredRooms } from '../../proxy/rooms/inferred-rooms.js';
import { EventStream } from '../../proxy/stream/event-stream.js';
import { Recorder } from '../../proxy/stream/recorder.js';
import { searchPlugin } from '../../proxy/stream/search-plugin.js';
import { streamPlugin } from '../../proxy/stream/stream-plugin.js';
import { UiServer } from '../../proxy/ui/ui-server.js';
import type { ProxyEvent, ProxyEventType } from '../../shared/events.js';
import { EVENT_TYPES, sessionIdRule, validateEvent } from '../support/event-schema.js';
import { sleep, startProxy, startTarget, waitFor, type Proxy, type Target } from '../support/harness.js';
import {
  clientV2,
  closeClients,
  emitWithAckV2,
  startV2Target,
  type V2Target,
} from '../support/v2-helpers.js';
import { connected, connectError, pollingHandshake, upgraded } from '../support/v4-helpers.js';

const TOKEN = 'conformance';
const BIG = 'x'.repeat(6000); // over the 4 KB cut

/** A proxy wired as proxy/cli.ts wires it, plus observers over the WebSocket API. */
interface Stack {
  proxy: Proxy;
  stream: EventStream;
  recorder: Recorder;
  recordFile: string;
  ui: UiServer;
  uiUrl: string;
  /** A second dashboard on the same stream whose observers' queue holds 3 events: for `dropped`. */
  slowUrl: string;
  rooms: InferredRooms;
  close(): Promise<void>;
}

const dir = mkdtempSync(join(tmpdir(), 'sio-conformance-'));

async function startStack(targetUrl: string, name: string): Promise<Stack> {
  const proxy = await startProxy(targetUrl);
  const rooms = new InferredRooms(proxy.proxy.bus);
  const stream = new EventStream(proxy.proxy.bus);
  startAnalysis(proxy.proxy.bus);
  const recordFile = join(dir, `${name}.ndjson`);
  const recorder = new Recorder(recordFile, stream, { log: createLogger({ quiet: true }) });
  const ui = new UiServer(proxy.proxy, TOKEN, { panelDir: false })
    .use(streamPlugin(stream))
    .use(searchPlugin(stream.payloads));
  const slow = new UiServer(proxy.proxy, TOKEN, { panelDir: false }).use(
    streamPlugin(stream, { limits: { maxQueue: 3, maxBuffered: 0, resumeBuffered: 0, flushMs: 5 } }),
  );
  const a: AddressInfo = await ui.listen(0, '127.0.0.1');
  const b: AddressInfo = await slow.listen(0, '127.0.0.1');
  return {
    proxy,
    stream,
    recorder,
    recordFile,
    ui,
    uiUrl: `http://127.0.0.1:${a.port}`,
    slowUrl: `http://127.0.0.1:${b.port}`,
    rooms,
    async close() {
      await Promise.all([ui.close(), slow.close()]);
      await recorder.close();
      rooms.close();
      stream.close();
      await proxy.close();
    },
  };
}

interface Reader {
  ws: WebSocket;
  events: ProxyEvent[];
  /** Messages that were not a non-empty JSON array. */
  badFrames: number;
}

async function observe(base: string): Promise<Reader> {
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/api/events?token=${TOKEN}`);
  const reader: Reader = { ws, events: [], badFrames: 0 };
  ws.on('message', (data) => {
    const batch = JSON.parse(String(data)) as unknown;
    if (!Array.isArray(batch) || batch.length === 0) reader.badFrames++;
    else reader.events.push(...(batch as ProxyEvent[]));
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return reader;
}

/** Waits until the observer holds every event the bus published (nothing else happening). */
async function settle(stack: Stack, reader: Reader): Promise<void> {
  let last = -1;
  for (;;) {
    await sleep(150);
    const n = stack.proxy.events.length;
    if (n === last && reader.events.filter((e) => e.type !== 'dropped').length === n) return;
    last = n;
  }
}

const ndjson = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as ProxyEvent);

/** The checks every stack's stream must pass. */
async function checkStream(
  stack: Stack,
  reader: Reader,
  expectTypes: readonly ProxyEventType[],
): Promise<void> {
  await settle(stack, reader);
  const events = reader.events;
  assert.equal(reader.badFrames, 0, 'every message is a non-empty JSON array');

  const invalid = events
    .map((e) => ({ e, errors: validateEvent(e) }))
    .filter((x) => x.errors.length > 0)
    .map((x) => `${x.e.seq} ${x.e.type}: ${x.errors.join('; ')}`);
  assert.deepEqual(invalid, [], 'every event validates');

  // seq: from 1, +1 per event, across history and live; a `dropped` marker would stand for a run.
  let expected = 1;
  for (const e of events) {
    if (e.type === 'dropped') {
      assert.equal(e.seq, expected + e.count - 1, 'a dropped marker carries the seq of the last missed');
      expected = e.seq + 1;
      continue;
    }
    assert.equal(e.seq, expected, `seq ${expected} follows (no gap, no repeat)`);
    expected++;
  }
  assert.ok(!events.some((e) => e.type === 'dropped'), 'an observer that keeps up misses nothing');

  // ts: non-decreasing within a session, with a sub-millisecond part.
  const lastTs = new Map<string, number>();
  for (const e of events) {
    if (!('sessionId' in e) || e.sessionId === undefined) continue;
    const before = lastTs.get(e.sessionId) ?? 0;
    assert.ok(e.ts >= before, `ts of ${e.seq} (${e.type}) does not go back within ${e.sessionId}`);
    lastTs.set(e.sessionId, e.ts);
  }
  const fractional = events.filter((e) => !Number.isInteger(e.ts)).length;
  assert.ok(fractional > events.length * 0.9, `ts sub-millisecond (${fractional}/${events.length})`);
  const now = Date.now();
  for (const e of events) assert.ok(Math.abs(e.ts - now) < 120_000, `ts ${e.ts} is epoch milliseconds`);

  // sessionId where the docs say.
  for (const e of events) {
    const rule = sessionIdRule(e.type);
    if (rule === 'required') assert.ok('sessionId' in e && e.sessionId, `${e.seq} ${e.type} has a sessionId`);
    if (rule === 'none') assert.ok(!('sessionId' in e), `${e.seq} ${e.type} has no sessionId`);
  }
  const sids = new Set(events.filter((e) => e.type === 'session').map((e) => e.sessionId));
  for (const e of events)
    if ('sessionId' in e && e.sessionId !== undefined && e.type !== 'attempt')
      assert.ok(sids.has(e.sessionId), `${e.seq} ${e.type}: sessionId ${e.sessionId} is a session's`);

  const types = new Set(events.map((e) => e.type));
  for (const t of expectTypes) assert.ok(types.has(t), `a ${t} event`);

  // /api/capture: the history, the same JSON as the stream.
  const capture = await fetch(`${stack.uiUrl}/api/capture`, {
    headers: { Authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(capture.status, 200);
  assert.equal(capture.headers.get('content-type'), 'application/x-ndjson');
  assert.deepEqual(ndjson(await capture.text()), events, '/api/capture holds the stream');

  // --record: the same lines (flushed on close).
  await stack.recorder.close();
  assert.deepEqual(ndjson(readFileSync(stack.recordFile, 'utf8')), events, '--record holds the stream');

  // /api/packets/<seq>: the full payload of every cut event.
  const cut = events.filter((e) => 'truncated' in e && e.truncated);
  assert.ok(cut.length > 0, 'something was cut');
  for (const e of cut) {
    const res = await fetch(`${stack.uiUrl}/api/packets/${e.seq}?token=${TOKEN}`);
    assert.equal(res.status, 200, `/api/packets/${e.seq}`);
    const full = (await res.json()) as Record<string, unknown>;
    assert.equal(full.seq, e.seq);
    assert.equal(full.type, e.type);
    if ('sessionId' in e && e.sessionId !== undefined) assert.equal(full.sessionId, e.sessionId);
    const pairs: [unknown, unknown][] =
      e.type === 'packet'
        ? [
            [e.data, full.data],
            [e.binary, full.binary],
            [e.sio?.args, typeof e.sio?.args === 'string' ? JSON.stringify(full.args) : undefined],
          ]
        : e.type === 'http'
          ? [
              [e.requestBody, full.requestBody],
              [e.responseBody, full.responseBody],
            ]
          : e.type === 'error'
            ? [[e.received, full.received]]
            : [];
    let longer = 0;
    for (const [preview, whole] of pairs) {
      if (typeof preview !== 'string' || !preview.endsWith('…')) continue;
      assert.equal(typeof whole, 'string', `${e.seq}: the whole of a cut field`);
      assert.ok((whole as string).startsWith(preview.slice(0, -1)), `${e.seq}: the preview is its start`);
      longer++;
    }
    if (e.type === 'packet' && JSON.stringify(e.sio?.args ?? null).includes('"truncated":true')) longer++;
    assert.ok(longer > 0, `${e.seq} ${e.type}: a cut field is whole at /api/packets`);
  }
}

describe('event stream conformance: socket.io@4 target', () => {
  let target: Target;
  let stack: Stack;
  const clients: Socket[] = [];
  const client = (opts: Parameters<typeof ioV4>[1] = {}, path = '') => {
    const s = ioV4(`${stack.proxy.url}${path}`, { forceNew: true, reconnection: false, ...opts });
    clients.push(s);
    return s;
  };

  function serve(t: Target): void {
    t.io.on('connection', (socket) => {
      socket.on('echo', (v: unknown, ack: (v: unknown) => void) => ack(v));
      socket.on('ask', async (ack: (v: unknown) => void) =>
        ack(await socket.timeout(2000).emitWithAck('question', 42)),
      );
      socket.on('join', (room: string, ack: () => void) => {
        void socket.join(room);
        ack();
      });
      socket.on('shout', (room: string) => t.io.to(room).emit('said', 'hi all'));
      socket.on('kick', () => socket.disconnect());
    });
    t.io
      .of('/chat')
      .on('connection', (socket) => socket.on('echo', (v: unknown, ack: (v: unknown) => void) => ack(v)));
    t.io
      .of('/secure')
      .use((_socket, next) => next(Object.assign(new Error('not authorized'), { data: { code: 'E_AUTH' } })));
  }

  before(async () => {
    target = await startTarget();
    serve(target);
    stack = await startStack(target.url, 'v4');
  });
  after(async () => {
    for (const c of clients) c.close();
    await stack.close();
    await target.close();
  });

  test('every event validates, seqs run, capture/record/packets agree, every type appears', async () => {
    const reader = await observe(stack.uiUrl);

    // Polling, then the upgrade; acks both ways; binary; a payload over 4 KB; a second namespace.
    const a = client({}, '');
    a.on('question', (n: number, ack: (v: unknown) => void) => ack(n + 1));
    await connected(a);
    await upgraded(a);
    assert.equal(await a.timeout(3000).emitWithAck('echo', 'hello'), 'hello');
    assert.equal(await a.timeout(3000).emitWithAck('ask'), 43);
    await a.timeout(3000).emitWithAck('echo', Buffer.from([1, 2, 3, 4]));
    assert.equal(await a.timeout(3000).emitWithAck('echo', BIG), BIG);
    await a.timeout(3000).emitWithAck('echo', Buffer.alloc(5000, 7)); // a cut attachment
    const chat = client({}, '/chat');
    await connected(chat);
    assert.equal(await chat.timeout(3000).emitWithAck('echo', 'in chat'), 'in chat');

    // WebSocket only, in a room with `a`: a broadcast to both (an inferred room).
    const b = client({ transports: ['websocket'] });
    await connected(b);
    await a.timeout(3000).emitWithAck('join', 'lobby');
    await b.timeout(3000).emitWithAck('join', 'lobby');
    const heard = Promise.all([a, b].map((s) => new Promise((r) => s.once('said', r))));
    b.emit('shout', 'lobby');
    await heard;

    // An emit of the proxy's own (an intervention, and an injected packet).
    const told = new Promise((r) => b.once('told', r));
    await stack.proxy.proxy.intervention.emit(b.io.engine.id, { direction: 's2c', event: 'told', args: [1] });
    await told;

    // A middleware refusal; a server disconnect; a client disconnect.
    await connectError(client({}, '/secure'));
    const kicked = client({ transports: ['websocket'] });
    await connected(kicked);
    const gone = new Promise((r) => kicked.once('disconnect', r));
    kicked.emit('kick');
    await gone;
    const leaver = client();
    await connected(leaver);
    leaver.disconnect();

    // An unknown sid, a garbage POST, a POST body over 4 KB for a session.
    await (await fetch(`${stack.proxy.url}/socket.io/?EIO=4&transport=polling&sid=nope`)).text();
    const hs = await pollingHandshake(stack.proxy.url);
    const poll = `${stack.proxy.url}/socket.io/?EIO=4&transport=polling&sid=${String(hs.open.sid)}`;
    // A GET waits meanwhile, so that the target closes the session at once (not 30 s later).
    const pending = fetch(poll).then((res) => res.text());
    await sleep(50);
    await (await fetch(poll, { method: 'POST', body: `garbage ${'g'.repeat(5000)}` })).text();
    await pending;

    // The target restarts: reconnect attempts fail, then one connects.
    const r = client({
      reconnection: true,
      reconnectionDelay: 50,
      reconnectionDelayMax: 100,
      randomizationFactor: 0,
    });
    await connected(r);
    await sleep(100); // the upgrade
    const port = target.port;
    await target.close();
    const isAttempt = (outcome: string) => (e: ProxyEvent) => e.type === 'attempt' && e.outcome === outcome;
    const failed = await waitFor(
      () => stack.proxy.events.find(isAttempt('failed')),
      5000,
      'a failed attempt',
    );
    target = await startTarget({}, port);
    serve(target);
    // After the failure (earlier clients' attempts connected too); `r` may see more failed attempts
    // (connect_error) before one connects, so it is not awaited with connected().
    await waitFor(
      () => stack.proxy.events.some((e) => e.seq > failed.seq && isAttempt('connected')(e)),
      5000,
      'a reconnect',
    );
    await waitFor(() => r.connected || undefined, 5000, 'the client reconnected');

    // A second observer that never reads: it gets a `dropped` marker once it reads again.
    const slow = await observe(stack.slowUrl);
    const tcp = (slow.ws as unknown as { _socket: import('node:net').Socket })._socket;
    await waitFor(() => slow.events.length > 0, 3000, 'the slow observer’s history');
    tcp.pause();
    // Enough to fill the kernel's socket buffers, after which its queue (3 events) overflows.
    const chunk = 'y'.repeat(16 * 1024);
    await Promise.all(Array.from({ length: 200 }, () => r.timeout(5000).emitWithAck('echo', chunk)));
    tcp.resume();
    await waitFor(() => slow.events.some((e) => e.type === 'dropped'), 3000, 'a dropped marker');
    const droppedMarker = slow.events.find((e) => e.type === 'dropped')!;
    assert.deepEqual(validateEvent(droppedMarker), []);
    slow.ws.terminate();

    for (const c of clients) c.close();
    await sleep(200);
    await checkStream(
      stack,
      reader,
      // `source` comes from a dashboard over Redis only (test/integration/redis-dashboard.test.ts);
      // `sampling` under overload only (test/integration/stream-sampling.test.ts).
      EVENT_TYPES.filter((t) => t !== 'dropped' && t !== 'source' && t !== 'sampling'),
    );
  });
});

describe('event stream conformance: socket.io@2 target', () => {
  let target: V2Target;
  let stack: Stack;
  before(async () => {
    target = await startV2Target();
    target.io.on('connection', (socket) => {
      socket.on('echo', (v: unknown, ack: (v: unknown) => void) => ack(v));
      socket.on('kick', () => socket.disconnect(true));
    });
    target.io.of('/secure').use((_socket, next) => next(new Error('not authorized')));
    stack = await startStack(target.url, 'v2');
  });
  after(async () => {
    closeClients();
    await stack.close();
    await target.close();
  });

  test('every event validates, seqs run, capture/record/packets agree', async () => {
    const reader = await observe(stack.uiUrl);
    const a = clientV2(stack.proxy.url);
    await new Promise((r) => a.once('connect', r));
    await waitFor(() => a.io.engine.transport.name === 'websocket', 5000, 'the upgrade');
    assert.deepEqual(await emitWithAckV2(a, 'echo', 'hi'), ['hi']);
    await emitWithAckV2(a, 'echo', Buffer.from([1, 2, 3]));
    await emitWithAckV2(a, 'echo', BIG);
    const ws = clientV2(stack.proxy.url, { transports: ['websocket'] });
    await new Promise((r) => ws.once('connect', r));
    const refused = clientV2(`${stack.proxy.url}/secure`);
    await new Promise((r) => refused.once('error', r));
    const kicked = clientV2(stack.proxy.url, { transports: ['websocket'] });
    await new Promise((r) => kicked.once('connect', r));
    const gone = new Promise((r) => kicked.once('disconnect', r));
    kicked.emit('kick');
    await gone;
    a.disconnect();
    await (await fetch(`${stack.proxy.url}/socket.io/?EIO=3&transport=polling&sid=nope`)).text();
    closeClients();
    await sleep(200);
    await checkStream(stack, reader, [
      'session',
      'packet',
      'upgrade',
      'drain',
      'http',
      'close',
      'connect',
      'connect_error',
      'disconnect',
      'ack',
      'attempt',
      'error',
      'problem',
    ]);
  });
});

describe('the validator', () => {
  test('rejects what does not conform', () => {
    const ok = { type: 'drain', sessionId: 'abc', leg: 'client', seq: 3, ts: 1795320270837.116 };
    assert.deepEqual(validateEvent(ok), []);
    const bad: Record<string, unknown>[] = [
      { ...ok, leg: 'both' },
      { ...ok, seq: 0 },
      { ...ok, seq: 1.5 },
      { ...ok, ts: '1' },
      { ...ok, sessionId: null },
      { ...ok, extra: 1 },
      { ...ok, type: 'drained' },
      (({ sessionId: _sid, ...rest }) => rest)(ok),
      {
        type: 'packet',
        sessionId: 's',
        direction: 'up',
        transport: 'polling',
        engine: 'message',
        size: 1,
        seq: 1,
        ts: 1,
      },
      {
        type: 'packet',
        sessionId: 's',
        direction: 'c2s',
        transport: 'polling',
        engine: 'message',
        size: 1,
        seq: 1,
        ts: 1,
        sio: { type: 'EVENT', nsp: '/', args: '["a"]' },
      },
      {
        type: 'packet',
        sessionId: 's',
        direction: 'c2s',
        transport: 'polling',
        engine: 'message',
        size: 1,
        seq: 1,
        ts: 1,
        truncated: false,
      },
      {
        type: 'ack',
        sessionId: 's',
        nsp: '/',
        id: 0,
        direction: 'c2s',
        latency: 1,
        eventSeq: 5,
        ackSeq: 4,
        seq: 6,
        ts: 1,
      },
      { type: 'dropped', count: 0, reason: 'x', seq: 1, ts: 1 },
    ];
    for (const event of bad) assert.notDeepEqual(validateEvent(event), [], JSON.stringify(event));
  });
});

describe('docs/event-stream.md', () => {
  const doc = readFileSync(new URL('../../docs/event-stream.md', import.meta.url), 'utf8');
  const blocks = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);

  test('every JSON example is a valid event, and every event type has one', () => {
    assert.ok(blocks.length > 0);
    const types = new Set<string>();
    for (const block of blocks) {
      const event = JSON.parse(block) as ProxyEvent;
      // The docs abbreviate long reasons with `…`: still a string.
      assert.deepEqual(validateEvent(event), [], `${block.slice(0, 60)}…`);
      types.add(event.type);
    }
    for (const type of EVENT_TYPES) assert.ok(types.has(type), `an example of ${type}`);
  });

  test('the type list under "Schema" is the schema’s', () => {
    const list = /`type`: one of ([^;]+);/.exec(doc)?.[1] ?? '';
    const named = [...list.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]);
    assert.deepEqual([...named].sort(), [...EVENT_TYPES].sort());
  });
});

after(() => rmSync(dir, { recursive: true, force: true }));
