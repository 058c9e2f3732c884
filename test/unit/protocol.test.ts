/**
 * The protocol core (shared/protocol/): its codecs take any Uint8Array (a browser's bytes as well as
 * the proxy's Buffers, which come back as views, not copies), and its Socket.IO model, which every
 * reader of the wire shares: connects, refusals, disconnects, acks matched by one key scheme in one
 * bounded table, and ACKs read before their EVENT (in-page capture reports a POST when it completes).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as eio4 from 'engine.io-parser';
import type { Capture } from '../../extension/src/capture/protocol.js';
import { CaptureDecoder } from '../../extension/src/panel/capture-decoder.js';
import type { AckEvent, ProxyEvent, SioInfo } from '../../shared/events.js';
import { engineCodec } from '../../shared/protocol/engine-codec.js';
import { MAX_PENDING_ACKS, SocketModel, type SocketEvent } from '../../shared/protocol/sockets.js';

describe('engine codecs', () => {
  let v4body = '';
  eio4.encodePayload(
    [
      { type: 'message', data: '42["a","€"]' },
      { type: 'message', data: Buffer.from([1, 2, 3]) },
    ],
    (encoded) => (v4body = encoded),
  );
  // EIO3 XHR2: a text packet `4hi`, then a binary message [7, 8].
  const xhr2 = [0, 3, 0xff, 0x34, 0x68, 0x69, 1, 3, 0xff, 4, 7, 8];

  test('a plain Uint8Array decodes as a Buffer does', () => {
    const plain = (b: Buffer) => new Uint8Array(b);
    const shape = (ps: { type: string; data?: unknown; wireSize: number }[]) =>
      ps.map((p) => [p.type, typeof p.data === 'string' ? p.data : [...(p.data as Uint8Array)], p.wireSize]);
    const v4 = engineCodec(4);
    const v3 = engineCodec(3);
    const noFraming = { binary: false, jsonp: false };
    assert.deepEqual(
      shape(v4.decodePayload(plain(Buffer.from(v4body)), noFraming)),
      shape(v4.decodePayload(Buffer.from(v4body), noFraming)),
    );
    assert.deepEqual(shape(v4.decodePayload(Buffer.from(v4body), noFraming)), [
      ['message', '42["a","€"]', 14],
      ['message', [1, 2, 3], 5],
    ]);
    const binary = { binary: true, jsonp: false };
    assert.deepEqual(shape(v3.decodePayload(new Uint8Array(xhr2), binary)), [
      ['message', 'hi', 3],
      ['message', [7, 8], 3],
    ]);
    assert.deepEqual(shape([v3.decodeFrame(new Uint8Array([4, 9]), true)]), [['message', [9], 2]]);
  });

  test('binary data from a Buffer is a view of it: no copy per packet', () => {
    const frame = Buffer.from([4, 1, 2, 3]);
    const data = engineCodec(3).decodeFrame(frame, true).data as Uint8Array;
    assert.ok(Buffer.isBuffer(data));
    assert.equal(data.buffer, frame.buffer);
    const body = Buffer.from(xhr2);
    const [, message] = engineCodec(3).decodePayload(body, { binary: true, jsonp: false });
    assert.equal((message?.data as Uint8Array).buffer, body.buffer);
  });
});

/** A model of session S whose events are collected, with a seq each as the bus would give. */
function model() {
  const events: SocketEvent[] = [];
  const m = new SocketModel('S', (e) => void events.push(e));
  let seq = 0;
  const feed = (direction: 'c2s' | 's2c', sio: SioInfo, at: number) => m.packet(direction, sio, ++seq, at);
  const acks = () => events.filter((e): e is Omit<AckEvent, 'seq' | 'ts'> => e.type === 'ack');
  return { m, events, feed, acks };
}

describe('SocketModel', () => {
  test('acks are matched by direction, namespace and id: the same id may be pending three times', () => {
    const { feed, acks } = model();
    feed('c2s', { type: 'EVENT', nsp: '/', id: 1, event: 'up' }, 0);
    feed('s2c', { type: 'EVENT', nsp: '/', id: 1, event: 'down' }, 1);
    feed('c2s', { type: 'EVENT', nsp: '/a', id: 1, event: 'other' }, 2);
    feed('c2s', { type: 'ACK', nsp: '/', id: 1 }, 10);
    feed('s2c', { type: 'ACK', nsp: '/a', id: 1 }, 20);
    feed('s2c', { type: 'ACK', nsp: '/', id: 1 }, 30);
    assert.deepEqual(
      acks().map((a) => [a.direction, a.nsp, a.event, a.latency, a.eventSeq, a.ackSeq]),
      [
        ['s2c', '/', 'down', 9, 2, 4],
        ['c2s', '/a', 'other', 18, 3, 5],
        ['c2s', '/', 'up', 30, 1, 6],
      ],
    );
  });

  test('the pending table is bounded: an app that never acks does not grow it forever', () => {
    const { m, feed, acks } = model();
    for (let id = 0; id <= MAX_PENDING_ACKS; id++) feed('c2s', { type: 'EVENT', nsp: '/', id }, id);
    assert.equal(m.pendingAckCount, MAX_PENDING_ACKS);
    feed('s2c', { type: 'ACK', nsp: '/', id: 0 }, 5000);
    feed('s2c', { type: 'ACK', nsp: '/', id: MAX_PENDING_ACKS }, 5000);
    assert.deepEqual(
      acks().map((a) => a.id),
      [MAX_PENDING_ACKS],
      'the oldest was dropped',
    );
  });

  test('an ACK read before its EVENT is matched when the EVENT comes, if it was sent before', () => {
    const { feed, acks } = model();
    feed('s2c', { type: 'ACK', nsp: '/', id: 4 }, 50);
    feed('c2s', { type: 'EVENT', nsp: '/', id: 4, event: 'up' }, 20);
    assert.deepEqual(
      acks().map((a) => [a.direction, a.event, a.latency, a.eventSeq, a.ackSeq]),
      [['c2s', 'up', 30, 2, 1]],
    );
    // An EVENT sent after the stray ACK is a new one: it waits for its own.
    feed('s2c', { type: 'ACK', nsp: '/', id: 5 }, 60);
    feed('c2s', { type: 'EVENT', nsp: '/', id: 5 }, 70);
    assert.equal(acks().length, 1);
    feed('s2c', { type: 'ACK', nsp: '/', id: 5 }, 75);
    assert.equal(acks().at(-1)?.latency, 5);
  });

  test('connects name the socket (v5 answer, or v4 engine id), refusals and disconnects in both vocabularies', () => {
    const { m, events, feed } = model();
    feed('c2s', { type: 'CONNECT', nsp: '/', args: { token: 't' } }, 0);
    feed('s2c', { type: 'CONNECT', nsp: '/', args: { sid: 'sock' } }, 1);
    feed('s2c', { type: 'CONNECT', nsp: '/v4' }, 2);
    feed('s2c', { type: 'CONNECT_ERROR', nsp: '/x', args: { message: 'no', data: 1 } }, 3);
    feed('s2c', { type: 'CONNECT_ERROR', nsp: '/y', args: 'Invalid namespace' }, 4);
    feed('s2c', { type: 'DISCONNECT', nsp: '/v4' }, 5);
    feed('s2c', { type: 'DISCONNECT', nsp: '/never' }, 6);
    assert.deepEqual([...m.connected()], [['/', 'sock']]);
    m.ended('client', { clientReason: 'transport close', serverReason: '?', description: 'd' }, 9);
    assert.deepEqual(
      events.map((e) =>
        e.type === 'connect'
          ? [e.type, e.nsp, e.socketId, e.auth]
          : e.type === 'connect_error'
            ? [e.type, e.nsp, e.message]
            : e.type === 'disconnect'
              ? [e.type, e.nsp, e.socketId, e.clientReason, e.serverReason, e.active]
              : [e.type],
      ),
      [
        ['connect', '/', 'sock', { token: 't' }],
        ['connect', '/v4', '/v4#S', undefined],
        ['connect_error', '/x', 'no'],
        ['connect_error', '/y', 'Invalid namespace'],
        ['disconnect', '/v4', '/v4#S', 'io server disconnect', 'server namespace disconnect', false],
        ['disconnect', '/', 'sock', 'transport close', '?', true],
      ],
    );
    assert.equal(m.hasConnected(), false);
  });
});

test('in-page capture: an ACK whose poll completed before the POST of its EVENT still has its latency', () => {
  const base = { doc: 'doc-1', frame: undefined } as const;
  const url = 'http://app.test/socket.io/?EIO=4&transport=polling';
  const http = (n: number, method: string, query: string, startedAt: number, ts: number, body: string) =>
    ({
      ...base,
      k: 'http',
      n,
      ts,
      conn: n,
      via: 'xhr',
      method,
      url: `${url}${query}`,
      origin: 'http://app.test',
      status: 200,
      startedAt,
      ...(method === 'POST' ? { requestBody: body, responseBody: 'ok' } : { responseBody: body }),
    }) as Capture;
  const open = '0{"sid":"S1","upgrades":[],"pingInterval":25000,"pingTimeout":20000}';
  const { events } = new CaptureDecoder().push([
    { ...base, k: 'doc', n: 1, ts: 0, url: 'http://app.test/' },
    http(2, 'GET', '&t=1', 1, 2, open),
    http(3, 'POST', '&sid=S1', 3, 4, '40'),
    http(4, 'GET', '&sid=S1', 3, 5, '40{"sid":"sock"}'),
    // The POST with the EVENT left at 10; the poll that brought its ACK completed first.
    http(5, 'GET', '&sid=S1', 6, 14, '431["ok"]'),
    http(6, 'POST', '&sid=S1', 10, 15, '421["up"]'),
  ]);
  const acks = events.filter((e: ProxyEvent): e is AckEvent => e.type === 'ack');
  assert.deepEqual(
    acks.map((a) => [a.direction, a.event, a.id, a.latency]),
    [['c2s', 'up', 1, 4]],
  );
});
