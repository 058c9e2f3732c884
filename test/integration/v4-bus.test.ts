/**
 * What the proxy tells its observers about a scripted Socket.IO v4 session: the session event, one
 * packet event per packet with its Socket.IO meaning, upgrades and the close, in wire order.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { once, waitFor } from '../support/harness.js';
import {
  closeEvents,
  packetEvents,
  random,
  sessionEvents,
  startEnv,
  upgraded,
  upgradeEvents,
  type Env,
} from '../support/v4-helpers.js';
import type { PacketEvent, ProxyEvent } from '../../shared/events.js';

/** `direction engine [sio type [event]]` for each packet, to compare sequences at a glance. */
const summary = (p: PacketEvent) =>
  [p.direction, p.engine, p.sio?.type, p.sio?.event].filter((x) => x !== undefined).join(' ');

function assertStamped(events: ProxyEvent[]): void {
  for (let i = 1; i < events.length; i++) {
    assert.ok(events[i]!.seq > events[i - 1]!.seq, 'seq increases');
    assert.ok(events[i]!.ts >= events[i - 1]!.ts, 'ts never goes back');
  }
}

describe('v4 bus events of a scripted session', () => {
  let env: Env;
  before(async () => {
    env = await startEnv({ pingInterval: 10_000, pingTimeout: 5_000 });
    env.target.io.on('connection', (socket) => {
      socket.on('hello', (_a: unknown, _b: unknown, ack: (v: string) => void) => ack('hi'));
      socket.on('which', (_a: unknown, ack: (v: string) => void) => ack(socket.conn.transport.name));
    });
  });
  after(() => env.close());

  test('websocket: session, packets with Socket.IO meaning, and the close', async () => {
    const { client, server } = await env.pair('proxy', {
      transports: ['websocket'],
      query: { scenario: 'bus' },
      auth: { user: 'u1' },
      extraHeaders: { 'x-trace': 'abc' },
    });
    const sid = client.io.engine.id;
    const socketId = client.id;
    assert.equal(await client.timeout(2000).emitWithAck('hello', 'world', { n: 1 }), 'hi');
    const blob = random(300);
    const welcomed = once(client, 'welcome');
    server.emit('welcome', { blob, text: 't' });
    await welcomed;
    const serverGone = once(server, 'disconnect');
    client.disconnect();
    await serverGone;
    await waitFor(() => closeEvents(env.proxy.events, sid).length >= 1, 2000, 'the close event');

    const sessions = sessionEvents(env.proxy.events).filter((e) => e.sessionId === sid);
    assert.equal(sessions.length, 1, 'one session event');
    const session = sessions[0]!;
    assert.equal(session.eio, 4);
    assert.equal(session.transport, 'websocket');
    assert.equal(session.target, new URL(env.target.url).origin);
    assert.equal(session.handshake.query.scenario, 'bus');
    assert.equal(session.handshake.query.EIO, '4');
    assert.equal(session.handshake.query.transport, 'websocket');
    assert.equal(session.handshake.headers['x-trace'], 'abc');
    assert.equal(session.open.pingInterval, 10_000);
    assert.equal(session.open.pingTimeout, 5_000);
    assert.equal(session.open.maxPayload, 1e6);
    assert.deepEqual(session.hiddenUpgrades, []);

    const packets = packetEvents(env.proxy.events, sid);
    assert.deepEqual(packets.map(summary), [
      's2c open',
      'c2s message CONNECT',
      's2c message CONNECT',
      'c2s message EVENT hello',
      's2c message ACK',
      's2c message', // the BINARY_EVENT's header: not a whole Socket.IO packet yet
      's2c message BINARY_EVENT welcome', // its attachment, which completes it
      'c2s message DISCONNECT',
    ]);
    const [, connect, connected, hello, ack, header, welcome, disconnect] = packets;
    assert.deepEqual(connect?.sio, { type: 'CONNECT', nsp: '/', args: { user: 'u1' } });
    assert.deepEqual(connected?.sio, { type: 'CONNECT', nsp: '/', args: { sid: socketId } });
    assert.equal(hello?.sio?.nsp, '/');
    assert.deepEqual(hello?.sio?.args, ['hello', 'world', { n: 1 }]);
    assert.equal(typeof hello?.sio?.id, 'number');
    assert.equal(ack?.sio?.id, hello?.sio?.id, 'the ACK answers the EVENT');
    assert.deepEqual(ack?.sio?.args, ['hi']);
    assert.deepEqual(welcome?.sio?.attachments, [300]);
    const welcomeArgs = welcome?.sio?.args as [string, { blob: unknown; text: string }];
    assert.equal(welcomeArgs[0], 'welcome');
    assert.equal(welcomeArgs[1].text, 't');
    assert.ok(header?.data?.startsWith('51-["welcome"'), `the header as text: ${header?.data}`);
    assert.equal(welcome?.data, '<300 bytes>');
    assert.equal(disconnect?.sio?.nsp, '/');
    for (const p of packets) {
      assert.equal(p.transport, 'websocket');
      assert.ok(p.size > 0, 'a wire size');
    }

    const closes = closeEvents(env.proxy.events, sid);
    assert.equal(closes[0]?.first, 'client');
    const mine = env.proxy.events.filter((e) => 'sessionId' in e && e.sessionId === sid);
    assert.equal(mine[0]?.type, 'session', 'the session event comes first');
    assert.ok(
      mine.slice(mine.indexOf(closes[0]!)).every((e) => e.type === 'close'),
      'nothing but closes after the first close',
    );
    assert.deepEqual(
      mine.filter((e) => e.type === 'error'),
      [],
      'no error on a healthy session',
    );
    assertStamped(env.proxy.events);
  });

  test('polling then websocket: packets carry the transport they crossed, upgrade in between', async () => {
    const { client } = await env.pair('proxy', { query: { scenario: 'upgrade' } });
    const sid = client.io.engine.id;
    // Sent as soon as it connects: over polling, or over websocket if the upgrade is already done.
    const firstWay = (await client.timeout(2000).emitWithAck('which', 'before')) as string;
    await upgraded(client);
    assert.equal(await client.timeout(2000).emitWithAck('which', 'after'), 'websocket');
    client.disconnect();
    await waitFor(() => closeEvents(env.proxy.events, sid).length >= 1, 2000, 'the close event');

    const session = sessionEvents(env.proxy.events).find((e) => e.sessionId === sid);
    assert.equal(session?.transport, 'polling');
    assert.deepEqual(session?.open.upgrades, ['websocket']);
    assert.equal(session?.handshake.query.scenario, 'upgrade');
    const packets = packetEvents(env.proxy.events, sid);
    // The open packet and the CONNECT always go over polling: the probe starts after them.
    assert.equal(packets.find((p) => p.engine === 'open')?.transport, 'polling');
    assert.equal(
      packets.find((p) => p.sio?.type === 'CONNECT' && p.direction === 'c2s')?.transport,
      'polling',
    );
    const whiches = packets.filter((p) => p.sio?.event === 'which');
    assert.deepEqual(
      whiches.map((p) => [p.transport, (p.sio?.args as unknown[])[1]]),
      [
        [firstWay, 'before'],
        ['websocket', 'after'],
      ],
      'each EVENT reported on the transport the target received it on',
    );
    const probes = packets
      .filter((p) => p.data === 'probe')
      .map((p) => `${p.direction} ${p.engine} ${p.transport}`);
    assert.deepEqual(probes, ['c2s ping websocket', 's2c pong websocket']);
    const upgradePacket = packets.find((p) => p.engine === 'upgrade');
    assert.equal(upgradePacket?.direction, 'c2s');
    const success = upgradeEvents(env.proxy.events, sid).find(
      (u) => u.leg === 'client' && u.stage === 'success',
    );
    assert.ok(success && upgradePacket, 'the upgrade succeeded on the bus');
    assert.ok(success.seq < whiches[1]!.seq, 'before the EVENT sent after it');
    assertStamped(env.proxy.events);
  });
  test('polling: binary travels base64 on the wire and is reported by size, decoded whole', async () => {
    const { client } = await env.pair('proxy', { transports: ['polling'] });
    const sid = client.io.engine.id;
    const a = random(10);
    const b = random(2000);
    const received = once<unknown[]>(env.target.io.of('/').sockets.get(client.id ?? '')!, 'files');
    client.emit('files', a, { b });
    await received;
    client.disconnect();
    await waitFor(() => closeEvents(env.proxy.events, sid).length >= 1, 2000, 'the close event');
    const packets = packetEvents(env.proxy.events, sid);
    assert.ok(packets.every((p) => p.transport === 'polling'));
    const complete = packets.find((p) => p.sio?.type === 'BINARY_EVENT');
    assert.equal(complete?.sio?.event, 'files');
    assert.deepEqual(complete?.sio?.attachments, [10, 2000]);
    const i = packets.indexOf(complete!);
    assert.deepEqual(
      packets.slice(i - 1, i + 1).map((p) => p.data),
      ['<10 bytes>', '<2000 bytes>'],
      'one packet event per attachment, by size',
    );
    assert.ok(packets[i - 2]?.data?.startsWith('52-["files"'), 'the header with its two placeholders');
    assert.equal(closeEvents(env.proxy.events, sid)[0]?.first, 'client');
  });
});
