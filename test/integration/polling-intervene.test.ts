/**
 * Intervention over HTTP long-polling (issue #11), with the real socket.io@4 server and
 * socket.io-client@4 forced to `transports: ['polling']`: the proxy answers the client's polls and
 * POSTs for itself once something is armed. Every check is on what the real client and server
 * report (received args and their order, acks, disconnect reasons, the transport in use).
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import type { Socket as ServerSocket } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import type { Intervention } from '../../proxy/intervene/intervention.js';
import type { PacketEvent } from '../../shared/events.js';
import { once, startProxy, startTarget, type Proxy, type Target } from '../support/harness.js';

let target: Target;
let proxy: Proxy;
let intervention: Intervention;
const received: Array<{ event: string; args: unknown[] }> = [];
const serverReasons: string[] = [];
const sockets: Socket[] = [];

before(async () => {
  // Heartbeats held behind a paused packet time a session out as a real network would: the pauses
  // here, the pause timeout too, stay under pingTimeout.
  target = await startTarget({ pingInterval: 1000, pingTimeout: 1000 });
  target.io.on('connection', (s: ServerSocket) => {
    s.on('disconnect', (reason) => serverReasons.push(reason));
    s.onAny((event: string, ...args: unknown[]) => {
      const ack = typeof args.at(-1) === 'function' ? (args.pop() as (...a: unknown[]) => void) : undefined;
      received.push({ event, args });
      if (event === 'say') s.emit(String(args[0]), ...args.slice(1));
      ack?.({ got: args });
    });
  });
  proxy = await startProxy(target.url, { pauseTimeoutMs: 600 });
  intervention = proxy.proxy.intervention;
});

afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
  for (const r of intervention.rules.list()) intervention.removeRule(r.id);
  received.length = 0;
  serverReasons.length = 0;
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
  assert.deepEqual(received.map((r) => r.event).sort(), ['from-proxy', 'mine']);
  // The session is still healthy both ways, on polling.
  const back = once<string>(socket, 'echoed');
  socket.emit('say', 'echoed', 'after');
  assert.equal(await back, 'after');
  assert.equal(socket.io.engine.transport.name, 'polling');
});
