/**
 * A watched WebSocketWire (proxy/engine/websocket-wire.ts `watch`) fed a client's masked frames split
 * at every size: what goes by is piped byte for byte up to the message `admits` refuses, that message
 * and every later one go through the hooks, and the target's stream parses to every message once, in
 * order, whatever the split (a message start cut inside its header or its head waits for the rest).
 */
import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { test } from 'node:test';
import { Receiver, Sender } from 'ws';
import { WebSocketWire, type LinkHooks } from '../../proxy/engine/websocket-wire.js';
import { quietObserver } from '../support/websocket-mitm.js';

function frame(text: string, opts: { opcode?: number; fin?: boolean } = {}): Buffer {
  const parts = (Sender as unknown as { frame(d: Buffer, o: object): Buffer[] }).frame(Buffer.from(text), {
    fin: opts.fin ?? true,
    opcode: opts.opcode ?? 1,
    mask: true,
    readOnly: false,
    rsv1: false,
  });
  return Buffer.concat(parts);
}

const before = [
  frame('42["n",0]'),
  frame('42["n",1,"' + 'x'.repeat(300) + '"]'), // 16-bit length, head cut at 256 bytes
  frame('ping', { opcode: 9 }),
  frame('42["n",', { fin: false }), // a fragmented message, a ping between its fragments
  frame('p', { opcode: 9 }),
  frame('2]', { opcode: 0 }),
  frame('3'),
];
const stop = frame('42["stop",3]');
const after = [frame('42["n",4]'), frame('42["stop",5]'), frame('42["n",6]')];
const stream = Buffer.concat([...before, stop, ...after]);
const cutAt = Buffer.concat(before).length;
const messages = ['42["n",0]', `42["n",1,"${'x'.repeat(300)}"]`, '42["n",2]', '3'];
const later = ['42["stop",3]', '42["n",4]', '42["stop",5]', '42["n",6]'];

function socket(onWrite: (chunk: Buffer) => void = () => {}): Duplex {
  return new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) {
      onWrite(chunk);
      cb();
    },
  });
}

test('watched: piped byte for byte until a message is refused, then every message through the hooks, at any split', async () => {
  for (const split of [1, 2, 3, 5, 7, 13, 64, 300, stream.length]) {
    const written: Buffer[] = [];
    const client = socket();
    const target = socket((c) => written.push(Buffer.from(c)));
    const wire = new WebSocketWire(client, target, undefined, quietObserver);
    const seen: string[] = [];
    const heads: string[] = [];
    const hooks: LinkHooks = {
      admits: (_direction, start) => {
        const head = start.bytes.subarray(0, start.length).toString();
        heads.push(head);
        return !head.includes('"stop"');
      },
      message: (_direction, m) => {
        seen.push(m.data.toString());
        return { action: 'pass' };
      },
    };
    wire.watch(hooks);
    // Copies, as a socket reads: a terminated direction's parser unmasks its chunks in place.
    for (let i = 0; i < stream.length; i += split) client.push(Buffer.from(stream.subarray(i, i + split)));
    await new Promise((r) => setImmediate(r));
    const out = Buffer.concat(written);
    assert.deepEqual(out.subarray(0, cutAt), stream.subarray(0, cutAt), `split ${split}: piped as it came`);
    assert.equal(wire.terminatedIn('c2s'), true, `split ${split}`);
    assert.equal(wire.terminatedIn('s2c'), false, `split ${split}`);
    assert.deepEqual(seen, later, `split ${split}: the hooks see the refused message and every later one`);
    // Heads are whole up to HEAD_BYTES, first fragments as far as they go.
    assert.deepEqual(heads, ['42["n",0]', heads[1], '42["n",', '3', '42["stop",3]'], `split ${split}`);
    assert.equal(heads[1]!.length, 256);
    // The target's stream: every message once, in order, pings kept.
    const parsed: string[] = [];
    const receiver = new Receiver({ isServer: true });
    receiver.on('message', (data: Buffer) => parsed.push(data.toString()));
    receiver.on('ping', (data: Buffer) => parsed.push(`ping ${data.toString()}`));
    receiver.write(out);
    assert.deepEqual(parsed, [
      messages[0],
      messages[1],
      'ping ping',
      'ping p',
      messages[2],
      messages[3],
      ...later,
    ]);
    wire.destroy();
  }
});

test('watched: a leg that ends inside a kept message start still delivers what it sent', async () => {
  const written: Buffer[] = [];
  const client = socket();
  const target = socket((c) => written.push(Buffer.from(c)));
  const wire = new WebSocketWire(client, target, undefined, quietObserver);
  wire.watch({ admits: () => true, message: () => ({ action: 'pass' }) });
  const partial = Buffer.concat([frame('42["n",0]'), frame('42["n",1]').subarray(0, 5)]);
  client.push(partial);
  await new Promise((r) => setImmediate(r));
  assert.equal(Buffer.concat(written).length, frame('42["n",0]').length, 'the cut start is kept');
  client.push(null);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(Buffer.concat(written), partial, 'and sent on when the leg ends');
  wire.destroy();
});
