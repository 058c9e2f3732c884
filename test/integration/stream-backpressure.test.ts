/**
 * A slow observer must cost nobody else anything: while its socket is not read, the stream drops
 * events for it alone and, once it has caught up, tells it how many with a `dropped` event. A fast
 * observer and the Socket.IO client itself still get every packet.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Socket as NetSocket } from 'node:net';
import { waitFor } from '../support/harness.js';
import { startStreamEnv, type Observer, type StreamEnv } from '../support/stream-env.js';
import { connected } from '../support/v4-helpers.js';
import type { DroppedEvent, PacketEvent, ProxyEvent } from '../../shared/events.js';

const N = 2000;
const ROUND = 50;
const PAYLOAD = 'z'.repeat(16 * 1024);

/** The TCP socket under a `ws` client, to stop reading from it. */
const tcp = (o: Observer) => (o.ws as unknown as { _socket: NetSocket })._socket;
const bulk = (events: ProxyEvent[]) =>
  events.filter((e): e is PacketEvent => e.type === 'packet' && e.sio?.event === 'bulk');
const dropped = (events: ProxyEvent[]) => events.filter((e): e is DroppedEvent => e.type === 'dropped');

describe('event stream: a slow observer', () => {
  let env: StreamEnv;
  before(async () => {
    env = await startStreamEnv({
      plugin: {
        limits: { maxBuffered: 1024 * 1024, resumeBuffered: 256 * 1024, maxQueueChars: 4 * 1024 * 1024 },
      },
    });
  });
  after(() => env.close());

  test('is dropped for and told so; a fast observer and the client get everything', async () => {
    const fast = await env.observe();
    const slow = await env.observe();
    const client = env.client({ transports: ['polling'] });
    await connected(client);
    const server = env.target.io.sockets.sockets.get(client.id!)!;
    let received = 0;
    client.on('bulk', () => received++);

    // The slow observer stops reading: its kernel buffers fill, then its socket's own buffer, then
    // its queue. The fast one reads everything: the next round is only emitted once it has the last.
    tcp(slow).pause();
    for (let i = 0; i < N; i++) {
      server.emit('bulk', i, PAYLOAD);
      if (i % ROUND === ROUND - 1) {
        await waitFor(() => bulk(fast.events).length > i, 5000, 'the fast observer to get every packet');
      }
    }
    await waitFor(() => received === N, 20_000, 'the client to get every message');

    tcp(slow).resume();
    const markers = await waitFor(
      () => dropped(slow.events).length > 0 && dropped(slow.events),
      10_000,
      'dropped',
    );
    // Live events flow again, after the marker.
    const afterward = new Promise((resolve) => client.once('after', resolve));
    server.emit('after');
    await afterward;
    const isAfter = (e: ProxyEvent) => e.type === 'packet' && e.sio?.event === 'after';
    await waitFor(() => slow.events.some(isAfter), 5000, 'a live event after the marker');

    // The fast observer: everything, no marker.
    assert.equal(received, N, 'the client got every message');
    assert.equal(dropped(fast.events).length, 0, 'nothing dropped for the fast observer');
    await waitFor(() => fast.events.length === env.proxy.events.length, 2000, 'the fast observer');
    assert.deepEqual(
      fast.events.map((e) => e.seq),
      env.proxy.events.map((e) => e.seq),
    );

    // The slow observer: what it got plus what it was told it missed is everything, in order.
    const missed = markers.reduce((n, m) => n + m.count, 0);
    assert.ok(missed > 0, 'the slow observer missed events');
    assert.ok(bulk(slow.events).length < N, 'and got fewer packets');
    const last = markers.at(-1)!;
    const got = slow.events.slice(0, slow.events.indexOf(last) + 1).length - markers.length;
    const published = env.proxy.events.filter((e) => e.seq <= last.seq).length;
    assert.equal(got + missed, published, `got ${got} + missed ${missed} = published ${published}`);
    for (let i = 1; i < slow.events.length; i++) {
      const e = slow.events[i]!;
      const previous = slow.events[i - 1]!;
      if (e.type === 'dropped') {
        assert.equal(e.seq - previous.seq, e.count, 'the marker carries the seq of the last missed event');
        assert.match(e.reason, /observer too slow/);
      } else {
        assert.ok(e.seq > previous.seq, 'seq increases');
      }
    }
    assert.ok(slow.events.findIndex(isAfter) > slow.events.indexOf(last));
    assert.ok(slow.framingOk && fast.framingOk);
  });
});
