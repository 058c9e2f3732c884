/**
 * Intervention over HTTP long-polling (issue #11), with the real socket.io@4 server and
 * socket.io-client@4 forced to `transports: ['polling']`: the proxy answers the client's polls and
 * POSTs for itself once something is armed. Every check is on what the real client and server
 * report (received args and their order, acks, disconnect reasons, the transport in use).
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import type { Intervention } from '../../proxy/intervene/intervention.js';
import type { PacketEvent } from '../../shared/events.js';
import { removeRules, serveRecording, type ServerLog } from '../support/intervene-app.js';
import { once, startProxy, startTarget, waitFor, type Proxy, type Target } from '../support/harness.js';

let target: Target;
let proxy: Proxy;
let intervention: Intervention;
let app: ServerLog;
const sockets: Socket[] = [];

before(async () => {
  // Heartbeats held behind a paused packet time a session out as a real network would: the pauses
  // here, the pause timeout too, stay under pingTimeout.
  target = await startTarget({ pingInterval: 1000, pingTimeout: 1000 });
  app = serveRecording(target.io);
  proxy = await startProxy(target.url, { pauseTimeoutMs: 600 });
  intervention = proxy.proxy.intervention;
});

afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
  removeRules(intervention);
  app.clear();
});

after(async () => {
  await proxy.close();
  await target.close();
});

async function connected(opts: Parameters<typeof io>[1] = {}): Promise<{ socket: Socket; sid: string }> {
  const socket = io(proxy.url, { transports: ['polling'], forceNew: true, ...opts });
  sockets.push(socket);
  await once(socket, 'connect');
  return { socket, sid: socket.io.engine.id! };
}

const packets = (sid: string) =>
  proxy.events.filter((e): e is PacketEvent => e.type === 'packet' && e.sessionId === sid);

test('polling: emit to the client as the server, and to the server with an ack the client never sees', async () => {
  const { socket, sid } = await connected();
  const got = once<string>(socket, 'news');
  const toClient = await intervention.emit(sid, { direction: 's2c', event: 'news', args: ['hello'] });
  assert.equal(await got, 'hello');
  const injected = packets(sid).find((e) => e.seq === toClient.seq);
  assert.ok(injected?.injected, 'the emit is a packet event marked injected, with the seq returned');
  assert.equal(injected.transport, 'polling');
  // The client's own ack stays its own while the proxy's emit is acked by the server.
  const own = socket.timeout(5000).emitWithAck('mine', 1);
  const withAck = await intervention.emit(sid, {
    direction: 'c2s',
    event: 'from-proxy',
    args: [{ a: 1 }],
    ack: true,
  });
  assert.deepEqual(withAck.ack, [{ got: [{ a: 1 }] }]);
  assert.equal(typeof withAck.latencyMs, 'number');
  assert.deepEqual(await own, { got: [1] });
  assert.deepEqual(app.received.map((r) => r.event).sort(), ['from-proxy', 'mine']);
  // The session is still healthy both ways, on polling.
  const back = once<string>(socket, 'echoed');
  socket.emit('say', 'echoed', 'after');
  assert.equal(await back, 'after');
  assert.equal(socket.io.engine.transport.name, 'polling');
});

test('polling: a breakpoint holds an event and the later ones; forwarded edited, the server gets the edit, then the rest in order', async () => {
  const { socket } = await connected();
  const rule = intervention.addRule({
    match: { direction: 'c2s', event: 'order' },
    action: { kind: 'pause' },
  });
  const first = socket.timeout(5000).emitWithAck('order', { qty: 1 });
  const second = socket.timeout(5000).emitWithAck('other', 2);
  await waitFor(() => intervention.paused().length === 1, 3000, 'a held packet');
  const [held] = intervention.paused();
  assert.equal(held!.event, 'order');
  assert.deepEqual(held!.args, [{ qty: 1 }]);
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(app.received.length, 0, 'nothing reaches the server while the first is held');
  intervention.decide(held!.id, { verdict: 'forward', args: [{ qty: 99 }] });
  assert.deepEqual(await first, { got: [{ qty: 99 }] });
  assert.deepEqual(await second, { got: [2] });
  assert.deepEqual(
    app.received.map((r) => r.event),
    ['order', 'other'],
  );
  assert.equal(intervention.rules.list().find((r) => r.id === rule.id)?.hits, 1);
});

test('polling: a breakpoint towards the client holds what follows; dropped, the client never sees it and gets the rest in order', async () => {
  const { socket } = await connected();
  intervention.addRule({ match: { direction: 's2c', event: 'first' }, action: { kind: 'pause' } });
  const seen: string[] = [];
  socket.onAny((event: string) => seen.push(event));
  socket.emit('say', 'first', 1);
  socket.emit('say', 'second', 2);
  socket.emit('say', 'third', 3);
  await waitFor(() => intervention.paused().length === 1, 3000, 'a held packet');
  await waitFor(() => app.received.length === 3, 3000, 'the three requests at the server');
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(seen, [], 'the later events wait behind the held one');
  intervention.decide(intervention.paused()[0]!.id, { verdict: 'drop' });
  await waitFor(() => seen.length === 2, 3000, 'the rest');
  assert.deepEqual(seen, ['second', 'third']);
  // The session goes on: heartbeats and messages still flow.
  await new Promise((r) => setTimeout(r, 1000));
  assert.ok(socket.connected, 'still connected after more than a heartbeat');
});

test('polling: a held packet is forwarded as it was after the pause timeout', async () => {
  const { socket } = await connected();
  intervention.addRule({ match: { event: 'slow' }, action: { kind: 'pause' } });
  assert.deepEqual(await socket.timeout(5000).emitWithAck('slow', 'x'), { got: ['x'] });
  assert.ok(
    proxy.events.some((e) => e.type === 'intervention' && e.action === 'timeout'),
    'the stream says it timed out',
  );
});

test('polling: rewrite both ways, and a drop with a limit', async () => {
  const { socket } = await connected();
  intervention.addRule({
    match: { direction: 'c2s', event: 'echo' },
    action: { kind: 'rewrite', args: ['rewritten'] },
  });
  intervention.addRule({
    match: { direction: 's2c', event: 'told' },
    action: { kind: 'rewrite', event: 'retold' },
  });
  intervention.addRule({ match: { event: 'lost' }, action: { kind: 'drop' }, limit: 1 });
  assert.deepEqual(await socket.timeout(5000).emitWithAck('echo', 'as sent'), { got: ['rewritten'] });
  const retold = once<string>(socket, 'retold');
  socket.emit('say', 'told', 'news');
  assert.equal(await retold, 'news');
  socket.emit('lost', 1);
  assert.deepEqual(await socket.timeout(5000).emitWithAck('lost', 2), { got: [2] });
  assert.deepEqual(
    app.received.filter((r) => r.event === 'lost'),
    [{ event: 'lost', args: [2] }],
  );
  const edited = proxy.events.find((e) => e.type === 'packet' && e.edited && e.transport === 'polling');
  assert.ok(edited, 'edited packets are marked in the stream');
});

test('polling: a stream of packets both ways while rules are armed: nothing lost, duplicated or reordered', async () => {
  const { socket } = await connected();
  // One rule that delays some packets (order kept) and one that matches nothing.
  intervention.addRule({ match: { event: 'tick', text: '/7$/' }, action: { kind: 'delay', ms: 30 } });
  intervention.addRule({ match: { event: 'never' }, action: { kind: 'drop' } });
  const got: number[] = [];
  socket.on('tock', (n: number) => got.push(n));
  const N = 200;
  for (let i = 0; i < N; i++) socket.emit('tick', i);
  for (let i = 0; i < N; i++) socket.emit('say', 'tock', i);
  await waitFor(() => got.length >= N && app.received.length >= 2 * N, 10_000, 'every packet');
  await new Promise((r) => setTimeout(r, 200));
  const ticks = app.received.filter((r) => r.event === 'tick').map((r) => r.args[0]);
  assert.deepEqual(ticks, [...Array(N).keys()]);
  assert.deepEqual(got, [...Array(N).keys()]);
});

test('polling: the upgrade to WebSocket still works with a rule armed, and the rule goes on acting', async () => {
  intervention.addRule({
    match: { direction: 'c2s', event: 'echo' },
    action: { kind: 'rewrite', args: ['edited'] },
  });
  const socket = io(proxy.url, { transports: ['polling', 'websocket'], forceNew: true });
  sockets.push(socket);
  await once(socket, 'connect');
  assert.deepEqual(await socket.timeout(5000).emitWithAck('echo', 'a'), { got: ['edited'] });
  await waitFor(() => socket.io.engine.transport.name === 'websocket', 5000, 'the upgrade');
  assert.deepEqual(await socket.timeout(5000).emitWithAck('echo', 'b'), { got: ['edited'] });
});

test('polling fault close-transport: both sides report transport close, the client reconnects by itself', async () => {
  const { socket, sid } = await connected();
  const reason = once<string>(socket, 'disconnect');
  await intervention.addSessionFault(sid, { kind: 'close-transport' });
  assert.equal(await reason, 'transport close');
  await waitFor(() => app.reasonsOf(sid).includes('transport close'), 3000, 'the server reason');
  await once(socket, 'connect');
  assert.notEqual(socket.io.engine.id, sid, 'a new session');
});

test('polling fault client-ping-timeout: the client reports ping timeout', async () => {
  const { socket, sid } = await connected({ reconnection: false });
  const reason = once<string>(socket, 'disconnect', 6000);
  await intervention.addSessionFault(sid, { kind: 'client-ping-timeout' });
  assert.equal(await reason, 'ping timeout');
  await waitFor(() => app.reasonsOf(sid).length > 0, 6000, 'the server reason');
  assert.deepEqual(app.reasonsOf(sid), ['transport close'], 'the client closed after its ping timeout');
});

test('polling fault server-ping-timeout: the server reports ping timeout', async () => {
  const { socket, sid } = await connected({ reconnection: false });
  const reason = once<string>(socket, 'disconnect', 6000);
  await intervention.addSessionFault(sid, { kind: 'server-ping-timeout' });
  await waitFor(() => app.reasonsOf(sid).length > 0, 6000, 'the server reason');
  assert.deepEqual(app.reasonsOf(sid), ['ping timeout']);
  assert.equal(await reason, 'transport close', 'the server closed the session on the client');
});

test('polling fault stall: nothing flows, nothing is closed, both sides time out', async () => {
  const { socket, sid } = await connected({ reconnection: false });
  const reason = once<string>(socket, 'disconnect', 6000);
  const { id } = await intervention.addSessionFault(sid, { kind: 'stall' });
  socket.emit('echo', 'lost in the stall');
  assert.equal(await reason, 'ping timeout');
  await waitFor(() => app.reasonsOf(sid).length > 0, 6000, 'the server reason');
  assert.deepEqual(app.reasonsOf(sid), ['ping timeout']);
  assert.deepEqual(app.received, [], 'nothing reached the server');
  intervention.faultBook.remove(id);
});

test('polling fault transport-error: the client reports transport error', async () => {
  const { socket, sid } = await connected({ reconnection: false });
  const reason = once<string>(socket, 'disconnect');
  await intervention.addSessionFault(sid, { kind: 'transport-error' });
  assert.equal(await reason, 'transport error');
  await waitFor(() => app.reasonsOf(sid).length > 0, 6000, 'the server reason');
  assert.deepEqual(app.reasonsOf(sid), ['transport close'], 'the client closed after its poll failed');
});

test('polling fault disconnect: io server disconnect on the client, client namespace disconnect on the server', async () => {
  const { socket, sid } = await connected();
  const reason = once<string>(socket, 'disconnect');
  await intervention.addSessionFault(sid, { kind: 'disconnect', nsp: '/' });
  assert.equal(await reason, 'io server disconnect');
  await waitFor(() => app.reasonsOf(sid).includes('client namespace disconnect'), 3000, 'the server reason');
});

test('polling faults latency and bandwidth: slower round trips, nothing lost; removed, fast again', async () => {
  const { socket, sid } = await connected();
  const slow = await intervention.addSessionFault(sid, { kind: 'latency', ms: 300 });
  let t = Date.now();
  assert.deepEqual(await socket.timeout(5000).emitWithAck('echo', 1), { got: [1] });
  assert.ok(Date.now() - t >= 550, `a round trip late both ways (${Date.now() - t} ms)`);
  intervention.faultBook.remove(slow.id);
  const narrow = await intervention.addSessionFault(sid, { kind: 'bandwidth', bytesPerSecond: 10_000 });
  const big = 'x'.repeat(5000);
  t = Date.now();
  assert.deepEqual(await socket.timeout(5000).emitWithAck('echo', big), { got: [big] });
  assert.ok(Date.now() - t >= 450, `5 KB at 10 KB/s (${Date.now() - t} ms)`);
  intervention.faultBook.remove(narrow.id);
  assert.deepEqual(await socket.timeout(5000).emitWithAck('echo', 2), { got: [2] });
});

test('polling, answered by the proxy: a client that abandons its poll cuts the target\'s poll too ("transport error")', async () => {
  const engineReasons = new Map<string, string>();
  type EngineSocket = { id: string; once(e: 'close', fn: (r: string) => void): void };
  const onConnection = (c: EngineSocket) => c.once('close', (r) => engineReasons.set(c.id, r));
  target.io.engine.on('connection', onConnection);
  intervention.addRule({ match: { event: 'never' }, action: { kind: 'drop' } });
  try {
    const hs = await (await fetch(`${proxy.url}/socket.io/?EIO=4&transport=polling`)).text();
    const sid = (JSON.parse(hs.slice(1)) as { sid: string }).sid;
    const poll = new AbortController();
    const pending = fetch(`${proxy.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, {
      signal: poll.signal,
    }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 150)); // the proxy's own poll is pending on the target
    poll.abort();
    await pending;
    assert.equal(await waitFor(() => engineReasons.get(sid), 2000, 'the target closes'), 'transport error');
  } finally {
    target.io.engine.off('connection', onConnection);
  }
});
