/**
 * The relay path's cheap reading of EVENT and ACK packets (shared/protocol/wire-args.ts) and the
 * canonical-JSON check it rests on (canonical-json.ts): a text accepted as canonical is the one
 * JSON.stringify(JSON.parse(text)) gives, the reading equals socket.io-parser's wherever it answers,
 * and everything it is not sure of (or that the peer will reject) is left to socket.io-parser.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Encoder, PacketType } from 'socket.io-parser';
import { MessageDecoder, sioInfoOf } from '../../shared/protocol/message-decoder.js';
import { isCanonicalJson } from '../../shared/protocol/canonical-json.js';
import { SioDecoder } from '../../shared/protocol/socketio.js';
import { argsJsonOf, readWireEvent } from '../../shared/protocol/wire-args.js';

/** Values as apps send them, and the corners of JSON.stringify's output. */
const VALUES: unknown[] = [
  [],
  {},
  ['x'],
  [1, -1, 0, 1.5, -0.25, 1e21, 1e-7, 123456789012345, 2 ** 53, Number.MAX_VALUE, 5e-324],
  ['héllo wörld', '日本語', '😀', '\u2028\u2029', '\u007f', 'a\u0000b\u0001\u001f', '"\\/\b\f\n\r\t'],
  { a: 1, b: { c: [true, false, null], d: '' }, '': 0, __proto__x: 1, 'k"ey': 'v' },
  [{ a: { b: { c: { d: [[[[]]]] } } } }],
  ['chat', { user: 'ann', text: 'hi', at: 1733500000000, tags: ['a', 'b'], score: 0.1 + 0.2 }],
  Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`k${i}`, i])),
];

/** Texts that are JSON but not as JSON.stringify writes it, and texts that are not JSON. */
const NOT_CANONICAL = [
  ' []',
  '[ ]',
  '[1, 2]',
  '{"a" :1}',
  '["\\/"]',
  '["\\u00e9"]',
  '["\\u001F"]',
  '["\\u000a"]',
  '["\\ud83d"]',
  '[1.0]',
  '[-0]',
  '[1e2]',
  '[1E+21]',
  '[0.10]',
  '[12345678901234567890]',
  '{"a":1,"a":2}',
  '{"b":1,"1":2}',
  '{"0":1}',
  '["\ud83d"]',
  '["\ude00"]',
  '[',
  '[1,]',
  '[01]',
  '{"a":1',
  '{"a"}',
  '[tru]',
  '[nul]',
  '[1]x',
  '"a\nb"',
  '',
  '[-]',
  '[1.]',
  '[1e]',
  JSON.stringify(Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i]))),
];

const reparsed = (text: string): string | undefined => {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return undefined;
  }
};

describe('isCanonicalJson', () => {
  test('JSON.stringify’s own output is canonical, and reads back the same', () => {
    for (const value of VALUES) {
      const text = JSON.stringify(value);
      assert.equal(isCanonicalJson(text), true, text);
      assert.equal(reparsed(text), text);
    }
  });

  test('anything else is not (the caller parses it), and nothing it accepts changes when re-encoded', () => {
    for (const text of NOT_CANONICAL) {
      assert.equal(isCanonicalJson(text), false, JSON.stringify(text));
    }
    // Soundness over many variations: every text accepted is its own re-encoding.
    const pieces = [
      '[',
      ']',
      '{',
      '}',
      '"a"',
      '"1"',
      ':',
      ',',
      '1',
      '-0',
      '0.5',
      ' ',
      'true',
      '"\\u0001"',
      '"\\n"',
    ];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let accepted = 0;
    for (let n = 0; n < 20_000; n++) {
      let text = '';
      const length = 1 + Math.floor(random() * 10);
      for (let k = 0; k < length; k++) text += pieces[Math.floor(random() * pieces.length)];
      if (!isCanonicalJson(text)) continue;
      accepted++;
      assert.equal(reparsed(text), text, text);
    }
    assert.ok(accepted > 50, `only ${accepted} random texts were canonical`);
  });

  test('nesting 100,000 deep is read like a flat value (no recursion)', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    assert.equal(isCanonicalJson(deep), true);
    assert.equal(isCanonicalJson(`${'[{"a":'.repeat(50_000)}1${'}]'.repeat(50_000)}`), true);
  });
});

/** socket.io-parser's reading of `message`, as events carry it (undefined: it rejects it). */
function reference(message: string) {
  const result = new SioDecoder(5).add(message);
  return result.kind === 'packet' ? sioInfoOf(result.packet) : undefined;
}

describe('readWireEvent', () => {
  test('EVENTs and ACKs from socket.io’s encoder read as socket.io-parser reads them', () => {
    const encoder = new Encoder();
    const packets = [
      { type: PacketType.EVENT, nsp: '/', data: ['c2s', { n: 1, text: 'hello' }] },
      { type: PacketType.EVENT, nsp: '/', id: 12, data: ['ask', 'héllo', [1, 2]] },
      { type: PacketType.EVENT, nsp: '/chat', data: ['msg'] },
      { type: PacketType.EVENT, nsp: '/chat', id: 0, data: [42, null] },
      { type: PacketType.EVENT, nsp: '/', data: ['we"ird\\name', 1] },
      { type: PacketType.ACK, nsp: '/', id: 3, data: [] },
      { type: PacketType.ACK, nsp: '/admin', id: 99, data: [{ ok: true }, 'x'] },
    ];
    let fast = 0;
    for (const packet of packets) {
      const [wire] = encoder.encode(packet) as string[];
      const info = readWireEvent(wire!);
      const expected = reference(wire!);
      if (info === undefined) continue; // left to socket.io-parser (an escaped event name)
      fast++;
      assert.deepStrictEqual(info, expected, wire);
      assert.equal(argsJsonOf(info), JSON.stringify(expected?.args));
    }
    assert.equal(fast, packets.length - 1);
  });

  test('what the peer rejects, or what is not canonical, is left to socket.io-parser', () => {
    for (const message of [
      '2["connect"]', // a reserved name: socket.io-parser says "invalid payload"
      '2["disconnect",1]',
      '2[]',
      '2[{"a":1}]',
      '2[true]',
      '2["x",}',
      '2["x", 1]',
      '2["x",1.0]',
      '2{"a":1}',
      '2',
      '3',
      '0{"token":"x"}',
      '1',
      '4{"message":"no"}',
      '51-["x",{"_placeholder":true,"num":0}]',
      '2/admin?x=1,["x"]',
      '2/admin',
      'x["x"]',
    ]) {
      assert.equal(readWireEvent(message), undefined, message);
    }
  });

  test('args are parsed only when read, once; set, they no longer take the wire text', () => {
    const info = readWireEvent('2["e",{"a":[1,2]}]')!;
    assert.equal(argsJsonOf(info), '["e",{"a":[1,2]}]');
    const args = info.args;
    assert.deepStrictEqual(args, ['e', { a: [1, 2] }]);
    assert.equal(info.args, args, 'the same value on every read');
    assert.equal(argsJsonOf(info), '["e",{"a":[1,2]}]', 'reading keeps the text');
    // A copy is a plain object with the value: nothing in it speaks for other args.
    const copy = { ...info, args: ['other'] };
    assert.equal(argsJsonOf(copy), undefined);
    assert.deepStrictEqual(JSON.parse(JSON.stringify(info)), { type: 'EVENT', nsp: '/', event: 'e', args });
    info.args = ['changed'];
    assert.deepStrictEqual(info.args, ['changed']);
    assert.equal(argsJsonOf(info), undefined);
  });

  test('in a session: invalid packets are still reported, binary packets still reassembled', () => {
    const messages = new MessageDecoder(5);
    assert.equal(messages.read('c2s', '0').kind, 'sio');
    const ok = messages.read('c2s', '2["hi",1]');
    assert.equal(ok.kind === 'sio' && argsJsonOf(ok.info), '["hi",1]');
    const bad = messages.read('c2s', '2["hi",}');
    assert.equal(bad.kind, 'invalid');
    assert.equal(messages.read('c2s', '2["connect"]').kind, 'invalid');
    assert.equal(messages.read('c2s', '51-["up",{"_placeholder":true,"num":0}]').kind, 'pending');
    // A text while attachments are awaited is an error, as socket.io-parser says, not a fast read.
    assert.equal(messages.read('c2s', '2["hi",1]').kind, 'invalid');
    const next = messages.read('c2s', '2["hi",2]');
    assert.equal(next.kind === 'sio' && next.info.event, 'hi');
  });
});
