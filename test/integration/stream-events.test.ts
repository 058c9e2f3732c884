/**
 * The live event stream at ws://<ui>/api/events: what an observer receives for a scripted Socket.IO
 * session, how a late observer gets the history first, and how `--history` bounds it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sleep, waitFor } from '../support/harness.js';
import { connected } from '../support/v4-helpers.js';
import { startStreamEnv, waitForEvent, type StreamEnv } from '../support/stream-env.js';
import type { ProxyEvent } from '../../shared/events.js';

const seqs = (events: ProxyEvent[]) => events.map((e) => e.seq);

function assertIncreasing(events: ProxyEvent[]): void {
  for (let i = 1; i < events.length; i++) {
    assert.ok(events[i]!.seq > events[i - 1]!.seq, `seq increases at ${i}: ${seqs(events).join(',')}`);
  }
}

/** Index of the first event of `type` (that matches `also`), asserting there is one. */
function indexOf(
  events: ProxyEvent[],
  type: ProxyEvent['type'],
  also: (e: ProxyEvent) => boolean = () => true,
) {
  const i = events.findIndex((e) => e.type === type && also(e));
  assert.ok(i >= 0, `an event of type ${type}`);
  return i;
}

describe('event stream: a scripted session', () => {
  let env: StreamEnv;
  before(async () => {
    env = await startStreamEnv();
    env.target.io.on('connection', (socket) => {
      socket.on('hello', (name: string, ack: (v: string) => void) => setTimeout(() => ack(`hi ${name}`), 5));
    });
  });
  after(() => env.close());

  for (const transport of ['polling', 'websocket'] as const) {
    test(`${transport}: an observer gets session, packets, connect, ack, disconnect and close in order`, async () => {
      const observer = await env.observe();
      const already = env.proxy.events.length;
      const client = env.client({ transports: [transport] });
      await connected(client);
      const sid = client.io.engine.id;
      assert.equal(await client.timeout(2000).emitWithAck('hello', 'ada'), 'hi ada');
      client.disconnect();
      const closes = () => observer.events.filter((e) => e.type === 'close' && e.sessionId === sid);
      await waitFor(() => closes().length > 0, 3000, 'the close');
      await sleep(100); // the other leg's close, if it comes
      // Nothing else is happening: the observer got the history (the previous test's events) and
      // then exactly what the bus published, in the same order.
      await waitFor(() => observer.events.length === env.proxy.events.length, 2000, 'every event');
      assert.deepEqual(seqs(observer.events), seqs(env.proxy.events));
      assert.ok(env.proxy.events.length > already);
      assert.ok(observer.framingOk, 'every message is a non-empty JSON array');
      assertIncreasing(observer.events);

      const events = observer.events.filter((e) => !('sessionId' in e) || e.sessionId === sid);
      const session = indexOf(events, 'session');
      const open = indexOf(events, 'packet', (e) => e.type === 'packet' && e.engine === 'open');
      const connect = indexOf(events, 'connect');
      const hello = indexOf(events, 'packet', (e) => e.type === 'packet' && e.sio?.event === 'hello');
      const reply = indexOf(events, 'packet', (e) => e.type === 'packet' && e.sio?.type === 'ACK');
      const ack = indexOf(events, 'ack');
      const disconnect = indexOf(events, 'disconnect');
      const close = indexOf(events, 'close');
      const order = [session, open, connect, hello, reply, ack, disconnect, close];
      assert.deepEqual(
        [...order].sort((a, b) => a - b),
        order,
        'session < open < connect < hello < its ACK < ack < disconnect < close',
      );

      const ackEvent = events[ack]!;
      assert.equal(ackEvent.type, 'ack');
      if (ackEvent.type === 'ack') {
        assert.equal(ackEvent.event, 'hello');
        assert.ok(ackEvent.latency > 0, `latency ${ackEvent.latency} > 0`);
        assert.equal(ackEvent.eventSeq, events[hello]!.seq);
        assert.equal(ackEvent.ackSeq, events[reply]!.seq);
      }
      const helloPacket = events[hello]!;
      if (helloPacket.type === 'packet') assert.deepEqual(helloPacket.sio?.args, ['hello', 'ada']);
      const disconnectEvent = events[disconnect]!;
      if (disconnectEvent.type === 'disconnect') {
        assert.equal(disconnectEvent.clientReason, 'io client disconnect');
        assert.equal(disconnectEvent.leg, 'client');
      }
      observer.close();
    });
  }

  test('a late observer gets the history first, then live events', async () => {
    const before = env.proxy.events.length;
    assert.ok(before > 10, 'the previous test left a history');
    const late = await env.observe();
    await waitFor(() => late.events.length >= before, 2000, 'the history');
    assert.deepEqual(seqs(late.events), seqs(env.proxy.events), 'the whole history, in order');

    const client = env.client({ transports: ['polling'] });
    await connected(client);
    const sid = client.io.engine.id;
    await waitForEvent(late, (e): e is ProxyEvent => e.type === 'connect' && e.sessionId === sid);
    client.disconnect();
    await waitFor(() => late.events.some((e) => e.type === 'close' && e.sessionId === sid), 3000, 'close');
    await waitFor(() => late.events.length === env.proxy.events.length, 2000, 'every live event');
    assert.deepEqual(seqs(late.events), seqs(env.proxy.events), 'history then live, no gap or repeat');
    assertIncreasing(late.events);
    late.close();
  });
});

describe('event stream: history', () => {
  test('--history bounds what a late observer gets; replay comes in several messages', async () => {
    const env = await startStreamEnv({ stream: { history: 7 }, plugin: { limits: { chunkChars: 600 } } });
    try {
      env.target.io.on('connection', (socket) => socket.on('ping!', (ack: () => void) => ack()));
      const client = env.client({ transports: ['polling'] });
      await connected(client);
      for (let i = 0; i < 5; i++) await client.timeout(2000).emitWithAck('ping!');
      assert.ok(env.proxy.events.length > 7);
      assert.equal(env.stream.history.size, 7);
      const late = await env.observe();
      await waitFor(() => late.events.length >= 7, 2000, 'the history');
      assert.deepEqual(seqs(late.events), seqs(env.proxy.events.slice(-7)), 'the last 7 events');
      assert.ok(late.messages > 1, `history in chunks (${late.messages} messages)`);
      assert.ok(late.framingOk);
      const count = env.proxy.events.length;
      await client.timeout(2000).emitWithAck('ping!');
      await waitFor(() => late.events.length >= 7 + env.proxy.events.length - count, 2000, 'live events');
      assert.deepEqual(seqs(late.events), seqs(env.proxy.events.slice(-late.events.length)));
      assertIncreasing(late.events);
      const types = new Set(late.events.map((e) => e.type));
      assert.ok(types.has('ack') && types.has('packet'), [...types].join(' '));
    } finally {
      await env.close();
    }
  });
});
