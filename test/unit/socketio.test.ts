/**
 * SioDecoder (shared/socketio.ts): Socket.IO packets as the proxy reads them from Engine.IO messages,
 * for protocol v5 (EIO4) and v4 (EIO3). Wire strings are produced by socket.io-parser's Encoder
 * where it can write them, so the tests follow the reference codec.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Encoder, PacketType } from 'socket.io-parser';
import { SioDecoder, sioProtocolFor, type SioDecodeResult, type SioPacket } from '../../shared/socketio.js';

/** The packet of a result, or a failed assertion that says what came instead. */
function packetOf(result: SioDecodeResult): SioPacket {
  assert.equal(result.kind, 'packet', `expected a decoded packet, got ${JSON.stringify(result)}`);
  if (result.kind !== 'packet') throw new Error('unreachable');
  return result.packet;
}

function encode(packet: Parameters<Encoder['encode']>[0]): Array<string | Buffer> {
  return new Encoder().encode(packet).map((part) => (typeof part === 'string' ? part : Buffer.from(part)));
}

describe('SioDecoder', () => {
  test('sioProtocolFor: EIO4 carries protocol v5, EIO3 protocol v4', () => {
    assert.equal(sioProtocolFor(4), 5);
    assert.equal(sioProtocolFor(3), 4);
  });

  test('CONNECT with an auth object (v5)', () => {
    const [wire] = encode({ type: PacketType.CONNECT, nsp: '/', data: { token: 'abc', n: 1 } });
    assert.equal(wire, '0{"token":"abc","n":1}');
    const p = packetOf(new SioDecoder(5).add(wire as string));
    assert.deepEqual(p, { type: 'CONNECT', nsp: '/', data: { token: 'abc', n: 1 } });
  });

  test('CONNECT answer with the Socket.IO id and a namespace (v5): 40/admin,{sid}', () => {
    const p = packetOf(new SioDecoder(5).add('0/admin,{"sid":"s-1","pid":"p-1"}'));
    assert.deepEqual(p, { type: 'CONNECT', nsp: '/admin', data: { sid: 's-1', pid: 'p-1' } });
  });

  test('CONNECT to a namespace with its query (v4): 40/admin?token=x,', () => {
    const p = packetOf(new SioDecoder(4).add('0/admin?token=x,'));
    assert.equal(p.type, 'CONNECT');
    assert.equal(p.nsp, '/admin', 'the query is not part of the namespace');
    assert.equal(p.query, 'token=x');
    assert.equal(p.data, undefined);
  });

  test('CONNECT to a namespace with a multi-parameter query (v4)', () => {
    const p = packetOf(new SioDecoder(4).add('0/chat?token=a%20b&room=1,'));
    assert.equal(p.nsp, '/chat');
    assert.equal(p.query, 'token=a%20b&room=1');
    assert.equal(new URLSearchParams(p.query).get('token'), 'a b');
  });

  test('the implicit CONNECT of / (v4): 40', () => {
    assert.deepEqual(packetOf(new SioDecoder(4).add('0')), { type: 'CONNECT', nsp: '/' });
  });

  test('EVENT with an ack id and a namespace', () => {
    const [wire] = encode({ type: PacketType.EVENT, nsp: '/admin', id: 12, data: ['bar', { x: 1 }, 'é'] });
    assert.equal(wire, '2/admin,12["bar",{"x":1},"é"]');
    const p = packetOf(new SioDecoder(5).add(wire as string));
    assert.deepEqual(p, { type: 'EVENT', nsp: '/admin', id: 12, event: 'bar', data: ['bar', { x: 1 }, 'é'] });
  });

  test('EVENT on / without an ack, and an ACK', () => {
    const d = new SioDecoder(4);
    assert.deepEqual(packetOf(d.add('2["foo"]')), { type: 'EVENT', nsp: '/', event: 'foo', data: ['foo'] });
    assert.deepEqual(packetOf(d.add('3/admin,7["ok",2]')), {
      type: 'ACK',
      nsp: '/admin',
      id: 7,
      data: ['ok', 2],
    });
  });

  test('DISCONNECT', () => {
    assert.deepEqual(packetOf(new SioDecoder(5).add('1/admin,')), { type: 'DISCONNECT', nsp: '/admin' });
  });

  test('BINARY_EVENT: two attachments are reassembled in place of their placeholders', () => {
    const a = Buffer.from([1, 2, 3]);
    const b = Buffer.from([255, 0, 254, 1, 253]);
    // The encoder turns an EVENT holding binary into a BINARY_EVENT and its attachments.
    const parts = encode({ type: PacketType.EVENT, nsp: '/', id: 4, data: ['baz', a, { nested: b }] });
    assert.equal(parts.length, 3);
    assert.equal(
      parts[0],
      '52-4["baz",{"_placeholder":true,"num":0},{"nested":{"_placeholder":true,"num":1}}]',
    );
    const d = new SioDecoder(5);
    assert.deepEqual(d.add(parts[0] as string), { kind: 'pending' });
    assert.deepEqual(d.add(parts[1] as Buffer), { kind: 'pending' });
    const p = packetOf(d.add(parts[2] as Buffer));
    assert.equal(p.nsp, '/');
    assert.equal(p.id, 4);
    assert.equal(p.event, 'baz');
    assert.deepEqual(p.data, ['baz', a, { nested: b }]);
  });

  test('BINARY_EVENT: reported as BINARY_EVENT with the attachment sizes', () => {
    const d = new SioDecoder(4);
    d.add('52-/admin,["up",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
    d.add(Buffer.alloc(3));
    const p = packetOf(d.add(Buffer.alloc(1000)));
    assert.equal(p.type, 'BINARY_EVENT');
    assert.equal(p.nsp, '/admin');
    assert.deepEqual(p.attachments, [3, 1000]);
  });

  test('BINARY_ACK: reported as BINARY_ACK with the attachment size', () => {
    const parts = encode({ type: PacketType.ACK, nsp: '/', id: 9, data: [Buffer.from('hi')] });
    const d = new SioDecoder(5);
    d.add(parts[0] as string);
    const p = packetOf(d.add(parts[1] as Buffer));
    assert.deepEqual(p.data, [Buffer.from('hi')]);
    assert.equal(p.type, 'BINARY_ACK');
    assert.deepEqual(p.attachments, [2]);
  });

  test('CONNECT_ERROR (v5): {message, data}', () => {
    const p = packetOf(new SioDecoder(5).add('4/admin,{"message":"not authorized","data":{"code":42}}'));
    assert.deepEqual(p, {
      type: 'CONNECT_ERROR',
      nsp: '/admin',
      data: { message: 'not authorized', data: { code: 42 } },
    });
  });

  test('ERROR (v4) is read as CONNECT_ERROR: a string or an object', () => {
    const d = new SioDecoder(4);
    assert.deepEqual(packetOf(d.add('4/admin,"not authorized"')), {
      type: 'CONNECT_ERROR',
      nsp: '/admin',
      data: 'not authorized',
    });
    assert.deepEqual(packetOf(d.add('4{"code":1}')), { type: 'CONNECT_ERROR', nsp: '/', data: { code: 1 } });
  });

  describe('invalid packets', () => {
    const invalid: Array<[string, string | Buffer]> = [
      ['unknown type', '9["x"]'],
      ['EVENT whose payload is not an array', '2{"not":"an array"}'],
      ['EVENT with a reserved name', '2["connect"]'],
      ['EVENT with broken JSON', '2["unterminated'],
      ['CONNECT with a non-object payload', '0"str"'],
      ['DISCONNECT with a payload', '1["x"]'],
      ['illegal attachment count', '5x-["a"]'],
      ['binary data with nothing to reconstruct', Buffer.from([1, 2])],
    ];
    for (const [name, message] of invalid) {
      test(`${name} is 'invalid' with a reason, and the next packet decodes`, () => {
        const d = new SioDecoder(5);
        const r = d.add(message);
        assert.equal(r.kind, 'invalid', `got ${JSON.stringify(r)}`);
        if (r.kind === 'invalid') assert.ok(r.reason.length > 0);
        assert.deepEqual(packetOf(d.add('2["ok"]')), { type: 'EVENT', nsp: '/', event: 'ok', data: ['ok'] });
      });
    }

    test('text while attachments are awaited is invalid; a new binary event then decodes afresh', () => {
      const d = new SioDecoder(4);
      assert.equal(
        d.add('52-["bin",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]').kind,
        'pending',
      );
      assert.equal(d.add(Buffer.from([7, 7])).kind, 'pending');
      assert.equal(d.add('2["interrupted"]').kind, 'invalid');
      // Nothing from the abandoned packet leaks into the next one.
      assert.equal(d.add('51-["bin2",{"_placeholder":true,"num":0}]').kind, 'pending');
      const p = packetOf(d.add(Buffer.from([9])));
      assert.equal(p.event, 'bin2');
      assert.deepEqual(p.data, ['bin2', Buffer.from([9])]);
    });

    test('after an invalid packet, a plain packet does not inherit attachment sizes', () => {
      const d = new SioDecoder(5);
      assert.equal(d.add(Buffer.from([1, 2, 3])).kind, 'invalid');
      const p = packetOf(d.add('2["plain"]'));
      assert.equal(p.attachments, undefined);
    });
  });
});
