/**
 * The Socket.IO lifecycle as the proxy reports it: namespaces connecting under their socket ids,
 * acks matched with their latency, disconnects named in both vocabularies with whether the client
 * reconnects by itself, connection state recovery, and a client's reconnect attempts grouped under
 * one clientKey and numbered while the target is down.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type {
  AckEvent,
  AttemptEvent,
  ConnectEvent,
  DisconnectEvent,
  ProxyEvent,
  SessionEvent,
} from '../../shared/events.js';
import { once, waitFor } from '../support/harness.js';
import { FAST_RECONNECT, startEnv, type Env } from '../support/v4-helpers.js';

const ofType = <T extends ProxyEvent['type']>(events: ProxyEvent[], type: T) =>
  events.filter((e): e is Extract<ProxyEvent, { type: T }> => e.type === type);

describe('namespaces, acks and disconnect reasons', () => {
  let env: Env;
  before(async () => {
    env = await startEnv();
    for (const nsp of ['/', '/admin']) {
      env.target.io.of(nsp).on('connection', (s) => {
        s.on('slow', (ack: (v: string) => void) => setTimeout(() => ack('done'), 30));
        s.on('kick', () => s.disconnect());
      });
    }
  });
  after(() => env.close());

  test('connect per namespace with the socket id the client sees, and an ack with its latency', async () => {
    const main = await env.connect('proxy', { auth: { token: 't1' } });
    const admin = await env.connect('proxy', { auth: { token: 't2' } }, '/admin');
    const sentAt = performance.timeOrigin + performance.now();
    assert.equal(await main.timeout(2000).emitWithAck('slow'), 'done');
    const roundTrip = performance.timeOrigin + performance.now() - sentAt;
    const connects = ofType(env.proxy.events, 'connect');
    const mainConnect = connects.find((c) => c.socketId === main.id) as ConnectEvent;
    const adminConnect = connects.find((c) => c.socketId === admin.id) as ConnectEvent;
    assert.equal(mainConnect.nsp, '/');
    assert.deepEqual(mainConnect.auth, { token: 't1' });
    assert.equal(adminConnect.nsp, '/admin');
    assert.equal(mainConnect.recovered, false);
    const ack = ofType(env.proxy.events, 'ack').find((a) => a.sessionId === main.io.engine.id) as AckEvent;
    assert.equal(ack.event, 'slow');
    assert.equal(ack.direction, 'c2s');
    assert.ok(ack.latency >= 25 && ack.latency < 1000, `latency ${ack.latency}`);
    assert.ok(ack.ackSeq > ack.eventSeq);
    // The latency is the difference of its two packets' stamps (their arrivals at the proxy), so it
    // is never more than the round trip the client itself measured.
    const stampOf = (seq: number) => env.proxy.events.find((e) => e.seq === seq)!.ts;
    assert.equal(ack.latency, stampOf(ack.ackSeq) - stampOf(ack.eventSeq));
    assert.ok(ack.latency <= roundTrip, `latency ${ack.latency} ms, the client's round trip ${roundTrip} ms`);
  });

  test('a server-side disconnect: both reasons, the leg, and no automatic reconnect', async () => {
    const client = await env.connect('proxy');
    const id = client.id;
    const reason = once<string>(client, 'disconnect');
    client.emit('kick');
    assert.equal(await reason, 'io server disconnect');
    const d = await waitFor(
      () => ofType(env.proxy.events, 'disconnect').find((e) => e.socketId === id),
      2000,
      'a disconnect event',
    );
    assert.equal(d.clientReason, 'io server disconnect');
    assert.equal(d.serverReason, 'server namespace disconnect');
    assert.equal(d.leg, 'server');
    assert.equal(d.active, false);
    // The connection closes after it; with no namespace left, the client does not reconnect either.
    const close = await waitFor(
      () => ofType(env.proxy.events, 'close').find((c) => c.sessionId === d.sessionId),
      3000,
      'the close event',
    );
    assert.equal(close.active, false);
  });

  test('a client-side disconnect', async () => {
    const client = await env.connect('proxy');
    const id = client.id;
    client.disconnect();
    const d = await waitFor(
      () => ofType(env.proxy.events, 'disconnect').find((e) => e.socketId === id),
      2000,
      'a disconnect event',
    );
    assert.deepEqual(
      [d.clientReason, d.serverReason, d.leg, d.active],
      ['io client disconnect', 'client namespace disconnect', 'client', false],
    );
  });

  test('the target closing the connection: transport close for the client, which reconnects', async () => {
    const client = await env.connect('proxy', { transports: ['websocket'] });
    const sid = client.io.engine.id;
    const reason = once<string>(client, 'disconnect');
    const server = env.target.io.sockets.sockets.get(client.id ?? '');
    const serverReason = server ? once<string>(server, 'disconnect') : Promise.resolve('no server socket');
    server?.conn.close();
    assert.equal(await reason, 'transport close');
    assert.equal(await serverReason, 'forced close', 'what socket.io itself says');
    const d = await waitFor(
      () => ofType(env.proxy.events, 'disconnect').find((e) => e.sessionId === sid),
      2000,
      'a disconnect event',
    );
    assert.equal(d.clientReason, 'transport close');
    assert.equal(d.serverReason, 'forced close');
    assert.equal(d.active, true);
    const close = ofType(env.proxy.events, 'close').find((c) => c.sessionId === sid);
    assert.equal(close?.active, true);
    const closes = ofType(env.proxy.events, 'close').filter((c) => c.sessionId === sid);
    assert.ok(closes.length >= 1 && closes.every((c) => c.first === 'server'));
  });
});

describe('server-side ping timeout', () => {
  let env: Env;
  before(async () => {
    env = await startEnv({ pingInterval: 100, pingTimeout: 100 });
  });
  after(() => env.close());

  test('a client that stops answering pings: "ping timeout" on the server side', async () => {
    const client = await env.connect('proxy', { transports: ['websocket'] });
    const sid = client.io.engine.id;
    const server = env.target.io.sockets.sockets.get(client.id ?? '');
    assert.ok(server);
    const serverReason = once<string>(server, 'disconnect', 3000);
    // Drop the client's pongs at the source: the engine stops writing them.
    const engine = client.io.engine as unknown as { _sendPacket(type: string, ...rest: unknown[]): void };
    const send = engine._sendPacket.bind(engine);
    engine._sendPacket = (type, ...rest) => {
      if (type !== 'pong') send(type, ...rest);
    };
    assert.equal(await serverReason, 'ping timeout');
    const d = await waitFor(
      () => ofType(env.proxy.events, 'disconnect').find((e) => e.sessionId === sid),
      2000,
      'a disconnect event',
    );
    assert.equal(d.serverReason, 'ping timeout');
  });
});

describe('reconnect attempts', () => {
  let env: Env;
  before(async () => {
    env = await startEnv({ connectionStateRecovery: {} });
  });
  after(() => env.close());

  test('a client that loses the target: attempts 1..n grouped under one clientKey, then recovered', async () => {
    const client = env.client('proxy', { ...FAST_RECONNECT, reconnection: true, transports: ['websocket'] });
    await once(client, 'connect');
    env.target.io.emit('before', 1); // recovery needs something received before the drop
    await once(client, 'before');
    const first = ofType(env.proxy.events, 'session').find(
      (s) => s.sessionId === client.io.engine.id,
    ) as SessionEvent;
    const key = first.clientKey;
    const options = { connectionStateRecovery: {} };
    const port = env.target.port;
    await env.target.close();
    // While the target is down, socket.io-client retries; the proxy answers 502 and counts them.
    await waitFor(
      () =>
        ofType(env.proxy.events, 'attempt').filter((a) => a.clientKey === key && a.outcome === 'failed')
          .length >= 3,
      5000,
      'three failed attempts',
    );
    await env.restartTarget(options);
    assert.equal(env.target.port, port);
    await once(client, 'connect', 5000);
    const attempts = ofType(env.proxy.events, 'attempt').filter((a) => a.clientKey === key);
    assert.equal(attempts[0]?.attempt, 0);
    assert.equal(attempts[0]?.outcome, 'connected');
    const series = attempts.slice(1);
    assert.deepEqual(
      series.map((a) => a.attempt),
      series.map((_a, i) => i + 1),
      'attempts are numbered 1, 2, 3 ...',
    );
    assert.equal(series.at(-1)?.outcome, 'connected');
    assert.ok(series.slice(0, -1).every((a) => a.outcome === 'failed' && a.error));
    assert.ok(
      series.every((a: AttemptEvent) => a.cause === 'transport close'),
      'the drop that started the series',
    );
    assert.ok(series.every((a) => a.delay >= 0 && a.delay < 2000));
    const reconnected = ofType(env.proxy.events, 'session').find((s) => s.sessionId === client.io.engine.id);
    assert.equal(reconnected?.clientKey, key, 'the new session belongs to the same client');
    // A brand-new target has no state to recover: the proxy says so as the client does.
    const connect = ofType(env.proxy.events, 'connect').find((c) => c.sessionId === client.io.engine.id);
    assert.equal(connect?.recovered, client.recovered);
  });

  test('connection state recovery across a dropped transport: recovered on both ends', async () => {
    const client = env.client('proxy', { ...FAST_RECONNECT, reconnection: true, transports: ['websocket'] });
    await once(client, 'connect');
    env.target.io.emit('before', 1);
    await once(client, 'before');
    client.io.engine.close(); // a drop from the client's side; the manager reconnects
    await once(client, 'connect', 5000);
    assert.equal(client.recovered, true);
    const connect = ofType(env.proxy.events, 'connect').find((c) => c.sessionId === client.io.engine.id);
    assert.equal(connect?.recovered, true);
    assert.ok(connect?.pid);
    const drop = ofType(env.proxy.events, 'disconnect')
      .filter((d: DisconnectEvent) => d.socketId === client.id)
      .at(-1);
    assert.equal(drop?.clientReason, 'forced close');
  });
});
