/**
 * The Engine.IO codecs of shared/engineio.ts. Where possible the input is produced by the reference
 * encoders (engine.io-parser@5 for EIO4, engine.io-parser@2 for EIO3), so the tests read what real
 * peers write rather than what we think they write.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as eio4 from 'engine.io-parser';
import * as p from 'engine.io-parser-v3';
import type { V3EncodablePacket } from 'engine.io-parser-v3';
import {
  decodeFrame,
  decodePayload,
  EngineDecodeError,
  parseOpen,
  type EnginePacket,
  type PayloadFraming,
} from '../../shared/engineio.js';

const V4: PayloadFraming = { eio: 4, binary: false, jsonp: false };
const V3_TEXT: PayloadFraming = { eio: 3, binary: false, jsonp: false };
const V3_BINARY: PayloadFraming = { eio: 3, binary: true, jsonp: false };
const V3_JSONP: PayloadFraming = { eio: 3, binary: false, jsonp: true };

/** engine.io-parser@2 calls back synchronously; these turn its callbacks into return values. */
function v3Payload(packets: V3EncodablePacket[], supportsBinary: boolean): string | Buffer {
  let out: string | Buffer | undefined;
  p.encodePayload(packets, supportsBinary, (encoded) => (out = encoded));
  assert.ok(out !== undefined, 'engine.io-parser@2 encodePayload did not call back');
  return out;
}

/** A text payload (`supportsBinary` false: binary goes as `b4<base64>`). */
function v3Text(packets: V3EncodablePacket[]): string {
  const out = v3Payload(packets, false);
  assert.equal(typeof out, 'string');
  return out as string;
}

function v3BinaryPayload(packets: V3EncodablePacket[]): Buffer {
  let out: Buffer | undefined;
  p.encodePayloadAsBinary(packets, (encoded) => (out = encoded));
  assert.ok(out !== undefined, 'engine.io-parser@2 encodePayloadAsBinary did not call back');
  return out;
}

function v3Packet(packet: V3EncodablePacket, supportsBinary: boolean): string | Buffer {
  let out: string | Buffer | undefined;
  p.encodePacket(packet, supportsBinary, false, (encoded) => (out = encoded));
  assert.ok(out !== undefined, 'engine.io-parser@2 encodePacket did not call back');
  return out;
}

/** Type and data only: the shape both peers agree on. */
const shapes = (packets: EnginePacket[]) => packets.map(({ type, data }) => ({ type, data }));

const isDecodeError = (err: unknown) => err instanceof EngineDecodeError;

describe('EIO4 polling payloads', () => {
  test('packets joined by \\x1e decode in order, text and base64 binary', () => {
    let body = '';
    eio4.encodePayload(
      [
        { type: 'message', data: 'hello' },
        { type: 'message', data: Buffer.from([1, 2, 3, 4]) },
        { type: 'ping' },
        { type: 'message', data: '€ and 😀' },
      ],
      (encoded) => (body = encoded),
    );
    assert.equal(body, '4hello\x1ebAQIDBA==\x1e2\x1e4€ and 😀', 'reference encoder output changed');
    const packets = decodePayload(Buffer.from(body, 'utf8'), V4);
    assert.deepEqual(shapes(packets), [
      { type: 'message', data: 'hello' },
      { type: 'message', data: Buffer.from([1, 2, 3, 4]) },
      { type: 'ping', data: undefined },
      { type: 'message', data: '€ and 😀' },
    ]);
  });

  test('wireSize is the bytes of each packet as encoded (binary: its base64 form)', () => {
    const packets = decodePayload(Buffer.from('4hello\x1ebAQIDBA==\x1e4€', 'utf8'), V4);
    assert.deepEqual(
      packets.map((x) => x.wireSize),
      [6, 9, 4],
    );
  });

  test('the handshake body: open packet then a Socket.IO message', () => {
    const open = {
      sid: 'abc',
      upgrades: ['websocket'],
      pingInterval: 25000,
      pingTimeout: 20000,
      maxPayload: 1e6,
    };
    const packets = decodePayload(Buffer.from(`0${JSON.stringify(open)}\x1e40`), V4);
    assert.equal(packets[0]?.type, 'open');
    assert.deepEqual(parseOpen(packets[0]?.data), open);
    assert.deepEqual(shapes(packets.slice(1)), [{ type: 'message', data: '0' }]);
  });
});

describe('EIO4 WebSocket frames', () => {
  test('a text frame is one packet', () => {
    const pkt = decodeFrame(Buffer.from('42["foo",{"a":"€"}]', 'utf8'), false, 4);
    assert.deepEqual(shapes([pkt]), [{ type: 'message', data: '2["foo",{"a":"€"}]' }]);
    assert.equal(pkt.wireSize, Buffer.byteLength('42["foo",{"a":"€"}]'));
  });

  test('control frames: ping, pong, probe, upgrade, noop, close', () => {
    const got = ['2', '3', '2probe', '3probe', '5', '6', '1'].map((t) => {
      const { type, data } = decodeFrame(Buffer.from(t), false, 4);
      return { type, data };
    });
    assert.deepEqual(got, [
      { type: 'ping', data: undefined },
      { type: 'pong', data: undefined },
      { type: 'ping', data: 'probe' },
      { type: 'pong', data: 'probe' },
      { type: 'upgrade', data: undefined },
      { type: 'noop', data: undefined },
      { type: 'close', data: undefined },
    ]);
  });

  test('a binary frame is a message packet with the raw bytes (no type byte)', () => {
    const raw = Buffer.from([4, 0, 255, 1]);
    const pkt = decodeFrame(raw, true, 4);
    assert.equal(pkt.type, 'message');
    assert.deepEqual(pkt.data, Buffer.from([4, 0, 255, 1]));
    assert.equal(pkt.wireSize, 4);
  });
});

describe('EIO3 text polling payloads', () => {
  test('length prefixes: 6:4hello6:4world', () => {
    const body = v3Text([
      { type: 'message', data: 'hello' },
      { type: 'message', data: 'world' },
    ]);
    assert.equal(body, '6:4hello6:4world');
    assert.deepEqual(shapes(decodePayload(Buffer.from(body), V3_TEXT)), [
      { type: 'message', data: 'hello' },
      { type: 'message', data: 'world' },
    ]);
  });

  test("the spec's example: € is sent as 2:4€ (length in characters, not bytes)", () => {
    const body = v3Text([{ type: 'message', data: '€' }]);
    assert.equal(body, '2:4€');
    assert.equal(Buffer.byteLength(body), 6, 'the UTF-8 body is longer than the prefix says');
    assert.deepEqual(shapes(decodePayload(Buffer.from(body, 'utf8'), V3_TEXT)), [
      { type: 'message', data: '€' },
    ]);
  });

  test('multibyte text, including astral characters (counted as two UTF-16 units), then more packets', () => {
    const texts = ['2["ü",{"k":"€€"}]', '😀 emoji', 'ascii', '中文字'];
    const body = v3Text([
      ...texts.map((t): V3EncodablePacket => ({ type: 'message', data: t })),
      { type: 'ping', data: 'probe' },
    ]);
    assert.match(body, /^18:42\["ü"/, 'the reference encoder counts UTF-16 units');
    assert.deepEqual(shapes(decodePayload(Buffer.from(body, 'utf8'), V3_TEXT)), [
      ...texts.map((t) => ({ type: 'message', data: t })),
      { type: 'ping', data: 'probe' },
    ]);
  });

  test('wireSize of a text packet counts its UTF-8 bytes', () => {
    const packets = decodePayload(Buffer.from('2:4€6:4hello', 'utf8'), V3_TEXT);
    assert.deepEqual(
      packets.map((x) => x.wireSize),
      [4, 6],
    );
  });

  test('the handshake body: open packet and 40 in one payload', () => {
    const open = { sid: 'xyz', upgrades: ['websocket'], pingInterval: 25000, pingTimeout: 5000 };
    const body = v3Text([
      { type: 'open', data: JSON.stringify(open) },
      { type: 'message', data: '0' },
    ]);
    const packets = decodePayload(Buffer.from(body), V3_TEXT);
    assert.deepEqual(
      packets.map((x) => x.type),
      ['open', 'message'],
    );
    assert.deepEqual(parseOpen(packets[0]?.data), open);
    assert.equal(packets[1]?.data, '0');
  });
});

describe('EIO3 b64=1 polling payloads', () => {
  test('binary packets travel as b4<base64> next to text packets', () => {
    const bytes = Buffer.from([0, 1, 2, 253, 254, 255]);
    const body = v3Text([
      { type: 'message', data: '451-["bin",{"_placeholder":true,"num":0}]' },
      { type: 'message', data: bytes },
    ]);
    assert.match(body, /:b4AAEC\/f7\/$/, 'reference encoder: binary as b4 + base64');
    assert.deepEqual(shapes(decodePayload(Buffer.from(body), V3_TEXT)), [
      { type: 'message', data: '451-["bin",{"_placeholder":true,"num":0}]' },
      { type: 'message', data: bytes },
    ]);
  });

  test('wireSize of a b64 packet is its base64 form as sent (b4AQID: 6 bytes)', () => {
    const [pkt] = decodePayload(Buffer.from('6:b4AQID'), V3_TEXT);
    assert.deepEqual(pkt?.data, Buffer.from([1, 2, 3]));
    assert.equal(pkt?.wireSize, 6, 'the packet took 6 bytes on the wire ("b4AQID")');
  });
});

describe('EIO3 XHR2 binary polling payloads', () => {
  test('mixed string and binary packets from the reference encoder', () => {
    const bin = Buffer.from([255, 0, 1, 255, 4]);
    const big = Buffer.alloc(1234, 7);
    const body = v3Payload(
      [
        { type: 'message', data: '452-["up",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]' },
        { type: 'message', data: bin },
        { type: 'message', data: big },
        { type: 'message', data: 'é€😀' },
        { type: 'pong' },
      ],
      true,
    );
    assert.ok(Buffer.isBuffer(body), 'encodePayload(supportsBinary) chose the XHR2 binary form');
    assert.equal(body[0], 0, 'first packet is a string');
    assert.deepEqual(shapes(decodePayload(body, V3_BINARY)), [
      { type: 'message', data: '452-["up",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]' },
      { type: 'message', data: bin },
      { type: 'message', data: big },
      { type: 'message', data: 'é€😀' },
      { type: 'pong', data: undefined },
    ]);
  });

  test('encodePayloadAsBinary of text only packets', () => {
    const body = v3BinaryPayload([
      { type: 'message', data: '2["a"]' },
      { type: 'ping', data: 'probe' },
    ]);
    assert.deepEqual(shapes(decodePayload(body, V3_BINARY)), [
      { type: 'message', data: '2["a"]' },
      { type: 'ping', data: 'probe' },
    ]);
  });

  test('wireSize of an XHR2 binary packet is its type byte plus its bytes', () => {
    const body = v3BinaryPayload([{ type: 'message', data: Buffer.alloc(10) }]);
    const [pkt] = decodePayload(body, V3_BINARY);
    assert.equal(pkt?.wireSize, 11);
  });
});

describe('EIO3 WebSocket frames', () => {
  test('a binary frame starts with its packet type byte', () => {
    const frame = v3Packet({ type: 'message', data: Buffer.from([9, 8, 7]) }, true);
    assert.ok(Buffer.isBuffer(frame));
    assert.deepEqual(frame, Buffer.from([4, 9, 8, 7]));
    assert.deepEqual(shapes([decodeFrame(frame, true, 3)]), [
      { type: 'message', data: Buffer.from([9, 8, 7]) },
    ]);
  });

  test('text frames, including the probe', () => {
    assert.deepEqual(shapes([decodeFrame(Buffer.from('42["x","€"]'), false, 3)]), [
      { type: 'message', data: '2["x","€"]' },
    ]);
    assert.deepEqual(shapes([decodeFrame(Buffer.from('3probe'), false, 3)]), [
      { type: 'pong', data: 'probe' },
    ]);
  });
});

/**
 * JSONP polling (engine.io@3 / engine.io-client@3, which only run it in browsers). The server answers
 * `___eio[j](<payload as JSON string, U+2028/9 escaped>);`; the client posts a form field `d` after
 * escaping newlines (engine.io-client@3 lib/transports/polling-jsonp.js doWrite):
 *   data = data.replace(/\\n/g, '\\\n'); value = data.replace(/\n/g, '\\n');
 */
function jsonpGetBody(index: number, payload: string): string {
  // engine.io@3 lib/transports/polling-jsonp.js doWrite
  const js = JSON.stringify(payload)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return `___eio[${index}](${js});`;
}

function jsonpPostBody(payload: string): string {
  const escaped = payload.replace(/\\n/g, '\\\n').replace(/\n/g, '\\n');
  return new URLSearchParams({ d: escaped }).toString();
}

describe('EIO3 JSONP bodies', () => {
  test('GET: ___eio[0]("...") unwraps to the text payload', () => {
    const payload = v3Text([
      { type: 'message', data: '2["news",{"t":"a\\"b"}]' },
      { type: 'message', data: '2["line\u2028sep"]' },
    ]);
    const body = jsonpGetBody(0, payload);
    assert.ok(body.includes('\\u2028'), 'U+2028 is escaped as the server does');
    assert.deepEqual(shapes(decodePayload(Buffer.from(body), V3_JSONP)), [
      { type: 'message', data: '2["news",{"t":"a\\"b"}]' },
      { type: 'message', data: '2["line\u2028sep"]' },
    ]);
  });

  test('GET: the handshake with a multi-digit callback index', () => {
    const open = { sid: 's1', upgrades: ['websocket'], pingInterval: 25000, pingTimeout: 5000 };
    const payload = v3Text([
      { type: 'open', data: JSON.stringify(open) },
      { type: 'message', data: '0' },
    ]);
    const packets = decodePayload(Buffer.from(jsonpGetBody(12, payload)), V3_JSONP);
    assert.deepEqual(parseOpen(packets[0]?.data), open);
    assert.equal(packets[1]?.data, '0');
  });

  test('POST: d=<form-encoded payload>', () => {
    const payload = v3Text([{ type: 'message', data: '2["chat","hi € & = + %"]' }]);
    assert.deepEqual(shapes(decodePayload(Buffer.from(jsonpPostBody(payload)), V3_JSONP)), [
      { type: 'message', data: '2["chat","hi € & = + %"]' },
    ]);
  });

  test('POST: a raw newline in the payload (sent as \\n) comes back as a newline', () => {
    // Socket.IO JSON never holds a raw newline, but an Engine.IO message may.
    const payload = v3Text([{ type: 'message', data: 'line1\nline2' }]);
    assert.deepEqual(shapes(decodePayload(Buffer.from(jsonpPostBody(payload)), V3_JSONP)), [
      { type: 'message', data: 'line1\nline2' },
    ]);
  });

  test('POST: an escaped newline in JSON ("a\\nb" in a string) survives the double escaping', () => {
    // JSON.stringify('a\nb') is the 4 characters "a\nb": backslash, n. The client sends `\\n`, and
    // engine.io@3 (polling-jsonp.js onData) turns `\\n` back into `\n` after unescaping newlines.
    const message = `2${JSON.stringify(['chat', 'a\nb'])}`;
    assert.equal(message, '2["chat","a\\nb"]');
    const payload = v3Text([{ type: 'message', data: message }]);
    const body = jsonpPostBody(payload);
    const packets = decodePayload(Buffer.from(body), V3_JSONP);
    assert.deepEqual(shapes(packets), [{ type: 'message', data: message }]);
  });
});

describe('garbage is rejected with EngineDecodeError', () => {
  const cases: Array<[string, () => unknown]> = [
    ['EIO4: empty payload', () => decodePayload(Buffer.alloc(0), V4)],
    ['EIO4: unknown packet type', () => decodePayload(Buffer.from('9hello'), V4)],
    ['EIO4: one bad packet among good ones', () => decodePayload(Buffer.from('4ok\x1ex\x1e4ok'), V4)],
    ['EIO4: text frame of unknown type', () => decodeFrame(Buffer.from('hello'), false, 4)],
    ['EIO3: empty payload', () => decodePayload(Buffer.alloc(0), V3_TEXT)],
    ['EIO3: no length prefix', () => decodePayload(Buffer.from('4hello'), V3_TEXT)],
    ['EIO3: length larger than the data', () => decodePayload(Buffer.from('9:4hello'), V3_TEXT)],
    ['EIO3: bytes counted instead of characters', () => decodePayload(Buffer.from('4:4€', 'utf8'), V3_TEXT)],
    ['EIO3: non-numeric length', () => decodePayload(Buffer.from('x:4hello'), V3_TEXT)],
    ['EIO3: trailing digits', () => decodePayload(Buffer.from('6:4hello12'), V3_TEXT)],
    ['EIO3: unknown packet type in a payload', () => decodePayload(Buffer.from('2:9x'), V3_TEXT)],
    ['EIO3: b64 packet of unknown type', () => decodePayload(Buffer.from('6:bZAQID'), V3_TEXT)],
    ['EIO3: XHR2 body with no separator', () => decodePayload(Buffer.from('abc'), V3_BINARY)],
    [
      'EIO3: XHR2 string packet of unknown type',
      () => decodePayload(Buffer.from([0, 2, 255, 0x39, 0x39]), V3_BINARY),
    ],
    [
      'EIO3: XHR2 binary packet of unknown type',
      () => decodePayload(Buffer.from([1, 2, 255, 9, 1]), V3_BINARY),
    ],
    ['EIO3: empty binary frame', () => decodeFrame(Buffer.alloc(0), true, 3)],
    ['EIO3: binary frame of unknown type', () => decodeFrame(Buffer.from([42, 1]), true, 3)],
    ['EIO3: text frame of unknown type', () => decodeFrame(Buffer.from('x'), false, 3)],
    ['EIO3 JSONP: neither a callback nor a form', () => decodePayload(Buffer.from('alert(1)'), V3_JSONP)],
    [
      'EIO3 JSONP: callback around a bad payload',
      () => decodePayload(Buffer.from('___eio[0]("5:4hi");'), V3_JSONP),
    ],
  ];
  for (const [name, run] of cases) {
    test(name, () => assert.throws(run, isDecodeError));
  }

  test('the error carries a sample of what was received, cut to 200 characters', () => {
    const garbage = 'x'.repeat(1000);
    try {
      decodePayload(Buffer.from(garbage), V3_TEXT);
      assert.fail('decoded garbage');
    } catch (err) {
      assert.ok(err instanceof EngineDecodeError);
      assert.equal(err.sample, 'x'.repeat(200));
    }
  });
});

describe('parseOpen', () => {
  test('reads the open JSON and ignores what is not a handshake', () => {
    assert.deepEqual(
      parseOpen('{"sid":"a","upgrades":["websocket",3],"pingInterval":"10","pingTimeout":5}'),
      {
        sid: 'a',
        upgrades: ['websocket'],
        pingInterval: 10,
        pingTimeout: 5,
      },
    );
    assert.equal(parseOpen('{"upgrades":[]}'), undefined);
    assert.equal(parseOpen('not json'), undefined);
    assert.equal(parseOpen(Buffer.from('{"sid":"a"}')), undefined);
    assert.equal(parseOpen(undefined), undefined);
  });
});
