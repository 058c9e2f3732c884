/**
 * MessageDecoder.skip: a message went by unread (over the proxy's observation limit). Whatever part
 * of a binary packet it was, the messages after it are read as what they are: the packet's other
 * attachments as parts of a packet left out (`pending`), never as invalid Socket.IO, and the next
 * text message as a packet of its own.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageDecoder } from '../../shared/protocol/message-decoder.js';

function opened(): MessageDecoder {
  const d = new MessageDecoder(5);
  assert.equal(d.read('c2s', '0').kind, 'sio');
  return d;
}

const header = '52-["up",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]';

test('the first of two attachments skipped: the packet is given up, the second is a part of it', () => {
  const d = opened();
  assert.equal(d.read('c2s', header).kind, 'pending');
  assert.equal(d.skip('c2s'), true, 'a packet was waiting for it');
  assert.deepEqual(d.read('c2s', Buffer.from([1, 2, 3])), { kind: 'pending' });
  const next = d.read('c2s', '2["after"]');
  assert.equal(next.kind === 'sio' && next.info.event, 'after');
});

test('the header skipped: its attachments are parts of it, then packets read as usual', () => {
  const d = opened();
  assert.equal(d.skip('c2s'), false, 'nothing was waiting');
  assert.deepEqual(d.read('c2s', Buffer.from([4])), { kind: 'pending' });
  assert.deepEqual(d.read('c2s', Buffer.from([5])), { kind: 'pending' });
  assert.equal(d.read('c2s', header).kind, 'pending', 'a new binary packet starts');
  assert.deepEqual(d.read('c2s', Buffer.from([6])), { kind: 'pending' });
  const last = d.read('c2s', Buffer.from([7]));
  assert.equal(last.kind === 'sio' && last.info.attachments?.length, 2);
});

test('the other direction is not affected', () => {
  const d = opened();
  d.skip('c2s');
  assert.equal(d.read('s2c', Buffer.from([1])).kind, 'invalid');
});
