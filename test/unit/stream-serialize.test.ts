/**
 * The event stream's serialisation (proxy/stream/serialize.ts), payload store and Origin check, with
 * hand-made events: the integration suites (test/integration/stream-*.test.ts) cover them end to end.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, test } from 'node:test';
import { originAllowed } from '../../proxy/stream/origin.js';
import { PayloadStore } from '../../proxy/stream/payload-store.js';
import { attachBinary } from '../../proxy/events/raw-bytes.js';
import { serializeEvent } from '../../proxy/stream/serialize.js';
import type { HttpEvent, PacketEvent, ProxyEvent, SioInfo } from '../../shared/events.js';

const packet = (fields: Partial<PacketEvent>): PacketEvent => ({
  type: 'packet',
  sessionId: 's1',
  direction: 'c2s',
  transport: 'websocket',
  engine: 'message',
  size: 10,
  seq: 7,
  ts: 1,
  ...fields,
});

describe('serializeEvent', () => {
  test('small events serialise to what JSON.stringify gives, with no stored copy', () => {
    const e = packet({
      sio: { type: 'EVENT', nsp: '/', event: 'a', args: ['a', { b: [1, null] }] },
      data: 'x',
    });
    const out = serializeEvent(e, 100);
    assert.deepEqual(JSON.parse(out.json), JSON.parse(JSON.stringify(e)));
    assert.equal(out.full, undefined);
    const other: ProxyEvent = { type: 'drain', sessionId: 's', leg: 'client', seq: 1, ts: 2 };
    assert.equal(serializeEvent(other).json, JSON.stringify(other));
  });

  test('a Socket.IO packet without args has no args field', () => {
    const out = serializeEvent(packet({ sio: { type: 'CONNECT', nsp: '/' } }), 100);
    assert.deepEqual(JSON.parse(out.json).sio, { type: 'CONNECT', nsp: '/' });
  });

  test('long args, data and binary are cut with `…` and kept whole in `full`', () => {
    const args = ['big', 'y'.repeat(50)];
    const e = packet({
      sio: { type: 'EVENT', nsp: '/', event: 'big', args },
      data: 'd'.repeat(30),
      binary: 'QUJD',
    });
    const out = serializeEvent(e, 20);
    const cut = JSON.parse(out.json) as PacketEvent;
    assert.equal(cut.truncated, true);
    assert.equal(cut.sio?.args, `${JSON.stringify(args).slice(0, 20)}…`);
    assert.equal(cut.data, `${'d'.repeat(20)}…`);
    assert.equal(cut.binary, 'QUJD', 'short fields stay');
    assert.deepEqual(JSON.parse(out.full!.json()), {
      seq: 7,
      type: 'packet',
      sessionId: 's1',
      args,
      data: 'd'.repeat(30),
      binary: 'QUJD',
    });
  });

  test('big binary is encoded only as a preview; the full bytes come from the raw Buffer on demand', () => {
    const bytes = Buffer.alloc(3000, 7);
    const e = packet({
      sio: { type: 'BINARY_EVENT', nsp: '/', event: 'f', args: ['f', bytes], attachments: [3000] },
      data: '<3000 bytes>',
    });
    attachBinary(e, bytes);
    const out = serializeEvent(e, 40);
    const cut = JSON.parse(out.json) as PacketEvent & { sio: { args: unknown } };
    assert.equal(cut.truncated, true);
    assert.equal(cut.binary, `${bytes.subarray(0, 30).toString('base64')}…`);
    const full = JSON.parse(out.full!.json()) as { binary: string; args: unknown };
    assert.equal(full.binary, bytes.toString('base64'));
    assert.deepEqual(full.args, ['f', { _binary: bytes.toString('base64'), size: 3000 }]);
    assert.equal(e.binary, bytes.toString('base64'), 'in-process readers still get base64');
    assert.equal(Object.keys(e).includes('binary'), false, 'not enumerable: spreads do not encode it');
  });

  test('Buffers in binary packets become { _binary, size }', () => {
    const buf = Buffer.from('hello');
    const e = packet({
      sio: { type: 'BINARY_EVENT', nsp: '/', event: 'f', args: ['f', { nested: [buf] }], attachments: [5] },
    });
    const args = (JSON.parse(serializeEvent(e).json) as PacketEvent).sio?.args;
    assert.deepEqual(args, ['f', { nested: [{ _binary: buf.toString('base64'), size: 5 }] }]);
  });

  test('a `__proto__` key beside a Buffer stays a key (as JSON.parse made it), whole and cut', () => {
    const sent = JSON.parse('{"__proto__":{"admin":true},"n":1}') as Record<string, unknown>;
    sent.file = Buffer.from('hello');
    const sio: SioInfo = { type: 'BINARY_EVENT', nsp: '/', event: 'f', args: ['f', sent], attachments: [5] };
    // A long `data` makes the event cut, so its whole form (`full`) is written too.
    const out = serializeEvent(packet({ sio, data: 'x'.repeat(100) }), 80);
    for (const json of [serializeEvent(packet({ sio })).json, out.full!.json()]) {
      const parsed = JSON.parse(json) as PacketEvent & { args?: unknown };
      const arg = (parsed.sio?.args ?? parsed.args) as unknown[]; // `full` has the args at the top
      const obj = arg[1] as Record<string, unknown>;
      assert.deepEqual(Object.keys(obj), ['__proto__', 'n', 'file']);
      assert.deepEqual(Object.getOwnPropertyDescriptor(obj, '__proto__')?.value, { admin: true });
    }
  });

  test('http bodies and error samples are cut too', () => {
    const http: HttpEvent = {
      type: 'http',
      method: 'POST',
      url: '/socket.io/',
      status: 200,
      requestHeaders: {},
      responseHeaders: {},
      requestBody: 'r'.repeat(10),
      responseBody: 'ok',
      startedAt: 0,
      duration: 1,
      seq: 3,
      ts: 4,
    };
    const out = serializeEvent(http, 5);
    const cut = JSON.parse(out.json) as HttpEvent;
    assert.equal(cut.requestBody, 'rrrrr…');
    assert.equal(cut.responseBody, 'ok');
    assert.equal(cut.truncated, true);
    assert.deepEqual(JSON.parse(out.full!.json()), {
      seq: 3,
      type: 'http',
      requestBody: 'r'.repeat(10),
      responseBody: 'ok',
    });
    const err = serializeEvent({ type: 'error', message: 'm', received: 'z'.repeat(9), seq: 5, ts: 6 }, 4);
    assert.equal((JSON.parse(err.json) as { received: string }).received, 'zzzz…');
    assert.equal((JSON.parse(err.full!.json()) as { received: string }).received, 'z'.repeat(9));
  });
});

describe('PayloadStore', () => {
  test('evicts the oldest past its size and says which were evicted', () => {
    const store = new PayloadStore(16);
    const payload = (json: string) => ({ size: json.length, json: () => json });
    for (const [seq, json] of ['aaaa', 'bbbb', 'cccc', 'dddd', 'eeee'].entries())
      store.put(seq + 1, payload(json));
    assert.deepEqual(store.get(1), { found: false, evicted: true });
    assert.deepEqual(store.get(5), { found: true, json: 'eeee' });
    assert.deepEqual(store.get(9), { found: false, evicted: false });
    assert.equal(store.bytes, 16);
    store.put(6, payload('x'.repeat(5))); // over a quarter of the store: not kept, nothing else evicted
    assert.deepEqual(store.get(6), { found: false, evicted: true });
    assert.equal(store.size, 4);
  });
});

describe('originAllowed', () => {
  const req = (origin: string | undefined, localAddress = '127.0.0.1', localPort = 8081) =>
    ({
      headers: origin === undefined ? {} : { origin },
      socket: { localAddress, localPort },
    }) as unknown as IncomingMessage;

  test('no Origin, the own origin and its loopback names, extensions', () => {
    for (const o of [
      undefined,
      'http://127.0.0.1:8081',
      'http://localhost:8081',
      'http://[::1]:8081',
      'chrome-extension://x',
      'moz-extension://y',
    ])
      assert.ok(originAllowed(req(o)), String(o));
    assert.ok(originAllowed(req('http://127.0.0.1:8081', '::ffff:127.0.0.1')), 'IPv4-mapped local address');
    assert.ok(
      originAllowed(req('http://devbox.lan:8081', '10.0.0.5'), 'devbox.lan'),
      'the configured --ui-host',
    );
    assert.ok(
      originAllowed(req('http://10.0.0.5:8081', '10.0.0.5'), '0.0.0.0'),
      'a wildcard bind: the interface',
    );
  });

  test('other sites, schemes and ports are refused', () => {
    for (const o of [
      'http://evil.example',
      'http://evil.example:8081',
      'https://127.0.0.1:8081',
      'http://127.0.0.1:8082',
      'null',
      'http://localhost',
    ])
      assert.ok(!originAllowed(req(o)), o);
    assert.ok(
      !originAllowed(req('http://localhost:8081', '10.0.0.5'), '0.0.0.0'),
      'loopback names only for loopback',
    );
  });
});
