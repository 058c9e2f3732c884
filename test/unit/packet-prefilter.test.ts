/**
 * The rules' prefilter (shared/match/packet-prefilter.ts) over heads read from a message's first
 * bytes (proxy/intervene/message-head.ts): a "could not match" must be certain, for every field of
 * the packet vocabulary, and it should be said wherever the head allows.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeFrame, type EioVersion } from '../../shared/engineio.js';
import type { Direction, PacketEvent } from '../../shared/events.js';
import {
  compilePacketMatch,
  compilePacketPrefilter,
  type PacketHead,
  type PacketMatch,
} from '../../shared/match/index.js';
import { HEAD_BYTES } from '../../proxy/engine/websocket-wire.js';
import { readMessageHead } from '../../proxy/intervene/message-head.js';
import { sioHeader } from '../../proxy/intervene/wire-interceptor.js';

const clientKeyOf = (sid: string) => (sid === 'S1' ? 'k1' : undefined);

/** The head the wire shows `admits`: the first `length` bytes of the message. */
function headOf(
  data: Buffer,
  direction: Direction,
  opts: {
    isBinary?: boolean;
    compressed?: boolean;
    length?: number;
    eio?: EioVersion;
    sid?: string;
    /** What the scratch buffer holds past `length`. */
    stale?: string;
  } = {},
): { head: PacketHead; attachments: number } {
  const length = Math.min(opts.length ?? data.length, data.length);
  const head: PacketHead = { direction, transport: 'websocket', sessionId: opts.sid ?? 'S1' };
  // As the wire's: a scratch buffer whose bytes past `length` are an earlier message's.
  const bytes = Buffer.alloc(HEAD_BYTES, opts.stale ?? '/["7');
  data.copy(bytes, 0, 0, length);
  const start = {
    bytes,
    length,
    isBinary: opts.isBinary ?? false,
    compressed: opts.compressed ?? false,
    whole: length === data.length,
  };
  const attachments = readMessageHead(start, opts.eio ?? 4, head);
  return { head, attachments };
}

/** The packet event the interceptor tests rules against (wire-interceptor.ts `byRules`). */
function eventOf(
  data: Buffer,
  direction: Direction,
  isBinary = false,
  eio: EioVersion = 4,
): PacketEvent | undefined {
  let packet;
  try {
    packet = decodeFrame(data, isBinary, eio);
  } catch {
    return undefined; // the interceptor passes what it cannot read: no rule acts on it
  }
  const text = typeof packet.data === 'string' ? packet.data : undefined;
  const info = packet.type === 'message' && text !== undefined ? sioHeader(text) : undefined;
  return {
    type: 'packet',
    seq: 0,
    ts: 0,
    sessionId: 'S1',
    direction,
    transport: 'websocket',
    engine: packet.type,
    size: data.length,
    ...(info ? { sio: info.packet } : {}),
    ...(text !== undefined ? { data: text } : {}),
  };
}

const could = (match: PacketMatch, head: PacketHead) => compilePacketPrefilter(match, { clientKeyOf })(head);
const head = (text: string, direction: Direction = 'c2s', opts = {}) =>
  headOf(Buffer.from(text), direction, opts).head;

test('each field: could not match when the head says otherwise, could when it agrees', () => {
  const chat = head('42/admin,7["chat",{"a":1}]');
  const cases: Array<[PacketMatch, boolean]> = [
    [{ direction: 'c2s' }, true],
    [{ direction: 's2c' }, false],
    [{ session: 'S1' }, true],
    [{ session: 'S2' }, false],
    [{ session: '/^S\\d$/' }, true],
    [{ session: { regex: '^X' } }, false],
    [{ clientKey: 'k1' }, true],
    [{ clientKey: 'k2' }, false],
    [{ transport: 'websocket' }, true],
    [{ transport: 'polling' }, false],
    [{ nsp: '/admin' }, true],
    [{ nsp: '/' }, false],
    [{ nsp: { regex: '^/ad' } }, true],
    [{ event: 'chat' }, true],
    [{ event: 'never-sent' }, false],
    [{ event: '/^ch/' }, true],
    [{ event: ['x', 'chat'] }, true],
    [{ event: ['x', 'y'] }, false],
    [{ text: 'anything' }, true], // in the args: not known from the head
    [{ text: '/re/' }, true],
    [{ text: '  ' }, true], // blank: matches everything
    [{ type: 'EVENT' }, true],
    [{ type: 'ACK' }, false],
    [{ type: 'message' }, true],
    [{ type: 'ping' }, false],
    [{ heartbeat: false }, true],
    [{ heartbeat: true }, false],
    [{ not: { event: 'chat' } }, true], // the packet might not decode: then it has no event
    [{ not: { direction: 'c2s' } }, false],
    [{ any: [{ event: 'x' }, { nsp: '/admin' }] }, true],
    [{ any: [{ event: 'x' }, { nsp: '/other' }] }, false],
    [{ all: [{ direction: 'c2s' }, { event: 'x' }] }, false],
    [{ direction: 'c2s', event: 'chat', nsp: '/admin' }, true],
    [{}, true],
  ];
  for (const [match, want] of cases) assert.equal(could(match, chat), want, JSON.stringify(match));
});

test('what the head cannot tell is never a no', () => {
  const compressed = headOf(Buffer.from('xx'), 'c2s', { compressed: true }).head;
  assert.equal(could({ event: 'never-sent' }, compressed), true);
  assert.equal(could({ type: 'ping' }, compressed), true);
  assert.equal(could({ direction: 's2c' }, compressed), false, 'but what the wire knows still counts');
  assert.equal(could({ session: 'S2' }, compressed), false);
  // An escaped name, a name past the head, a numeric name, a session not known yet.
  assert.equal(could({ event: 'x' }, head('42["a\\"b"]')), true);
  assert.equal(could({ event: 'x' }, head('42["chat"]', 'c2s', { length: 5 })), true);
  assert.equal(could({ event: '1' }, head('42[1]')), true);
  assert.equal(could({ session: 'S2' }, { direction: 'c2s', transport: 'websocket' }), true);
  assert.equal(could({ clientKey: 'k1' }, head('42["a"]', 'c2s', { sid: 'S9' })), true, 'no key known');
});

test('the head as read: engine type, heartbeats, Socket.IO type, namespace, attachments, name', () => {
  assert.deepEqual(headOf(Buffer.from('451-/a?x=1,3["up",{"_placeholder":true,"num":0}]'), 's2c'), {
    head: {
      direction: 's2c',
      transport: 'websocket',
      sessionId: 'S1',
      engine: 'message',
      heartbeat: false,
      sio: { type: 'BINARY_EVENT', nsp: '/a', event: 'up' },
    },
    attachments: 1,
  });
  assert.equal(head('2').heartbeat, true);
  assert.equal(head('2probe').heartbeat, false);
  assert.equal(head('3probe').heartbeat, false);
  assert.equal(head('4').sio, null);
  assert.deepEqual(head('43/x,5[1]').sio, { type: 'ACK', nsp: '/x', event: null });
  assert.deepEqual(head('42["héllo"]').sio, { type: 'EVENT', nsp: '/', event: 'héllo' });
  const binary = headOf(Buffer.from([1, 2, 3]), 'c2s', { isBinary: true }).head;
  assert.deepEqual([binary.engine, binary.sio], ['message', null]);
  const eio3 = headOf(Buffer.from([4, 2, 3]), 'c2s', { isBinary: true, eio: 3 }).head;
  assert.deepEqual([eio3.engine, eio3.sio], ['message', null]);
});

/** Packets as peers send them, and some no peer should: each cut at every length. */
const CORPUS: Array<{ data: Buffer; isBinary?: boolean; eio?: EioVersion }> = [
  ...[
    '42["chat",1]',
    '42["never-sent"]',
    '42/admin,["chat"]',
    '42/admin,7["chat",{}]',
    '4217["chat"]',
    '43["x"]',
    '431[1]',
    '451-["chat",{"_placeholder":true,"num":0}]',
    '461-/admin,3[{"_placeholder":true,"num":0}]',
    '450-["chat"]',
    '45-["chat"]',
    '40',
    '40/admin,{"token":1}',
    '40/admin?x=1,',
    '41/admin,',
    '41',
    '44{"message":"no"}',
    '42["ch\\"at"]',
    '42["connect"]',
    '42["chat",}',
    '42[1,2]',
    '42 ["chat"]',
    '42',
    '42/admin',
    '4 2["chat"]',
    '2',
    '3',
    '2probe',
    '3probe',
    '4',
    '6',
    '5',
    '1',
    '0{"sid":"x","upgrades":[],"pingInterval":1,"pingTimeout":1}',
    '42["héllo"]',
    '4x',
    '9',
    '',
    'b4AQI=',
  ].map((t) => ({ data: Buffer.from(t) })),
  { data: Buffer.from([1, 2, 3]), isBinary: true },
  { data: Buffer.from([]), isBinary: true },
  { data: Buffer.from([4, 1, 2]), isBinary: true, eio: 3 },
  { data: Buffer.from([2, 1]), isBinary: true, eio: 3 },
  { data: Buffer.from([9, 1]), isBinary: true, eio: 3 },
];

const RULES: PacketMatch[] = [
  { direction: 'c2s' },
  { direction: 's2c' },
  { session: 'S1' },
  { clientKey: 'k1' },
  { transport: 'websocket' },
  { nsp: '/admin' },
  { nsp: '/' },
  { nsp: { regex: '^/ad' } },
  { event: 'chat' },
  { event: 'connect' },
  { event: '/^ch/' },
  { event: 'héllo' },
  { event: '1' },
  { event: 'ch"at' },
  { text: 'chat' },
  { type: 'EVENT' },
  { type: 'ACK' },
  { type: 'BINARY_EVENT' },
  { type: 'BINARY_ACK' },
  { type: 'CONNECT' },
  { type: 'DISCONNECT' },
  { type: 'CONNECT_ERROR' },
  { type: 'message' },
  { type: 'ping' },
  { type: 'open' },
  { type: 'noop' },
  { heartbeat: true },
  { heartbeat: false },
  { not: { event: 'chat' } },
  { not: { type: 'EVENT' } },
  { not: { nsp: '/' } },
  { not: { heartbeat: false } },
  { any: [{ event: 'a' }, { nsp: '/admin' }] },
  { all: [{ not: { event: 'chat' } }, { not: { nsp: '/admin' } }] },
  { direction: 'c2s', event: ['a', 'chat'], type: 'EVENT' },
];

test('sound: whenever a rule matches the packet as the interceptor reads it, the prefilter of any head of it said it could', () => {
  let certainNo = 0;
  for (const { data, isBinary = false, eio = 4 } of CORPUS) {
    for (const direction of ['c2s', 's2c'] as const) {
      const event = eventOf(data, direction, isBinary, eio);
      for (const match of RULES) {
        const matches = event !== undefined && compilePacketMatch(match, { clientKeyOf }).test(event);
        for (let length = 0; length <= data.length; length++)
          for (const stale of ['/', '["', '7', ',', '-']) {
            const { head } = headOf(data, direction, { isBinary, eio, length, stale });
            const says = could(match, head);
            if (matches)
              assert.ok(
                says,
                `${JSON.stringify(match)} matches ${JSON.stringify(data.toString())} but its first ${length} bytes said no`,
              );
            if (!says) certainNo++;
          }
      }
    }
  }
  assert.ok(certainNo > 1000, `the prefilter rules rules out often (${certainNo})`);
});
