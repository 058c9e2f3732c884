/**
 * The hand-written packet serialiser (proxy/stream/serialize.ts) against what the stream wrote before
 * it, `JSON.stringify` of the event's fields: the same text, character for character, for packet
 * events as Session builds them from tricky wire input (unicode, escapes in event names, nested
 * arrays, numbers, namespaces with a query, ack ids, malformed packets), cut or not.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { serializeEvent } from '../../proxy/stream/serialize.js';
import { packetText } from '../../panel/src/store/filter.js';
import { PacketStore } from '../../panel/src/store/packet-store.js';
import type { EioVersion, EnginePacket } from '../../shared/engineio.js';
import type { PacketEvent } from '../../shared/events.js';
import { testLink, testSession } from '../support/session-fixture.js';

/** The previous serialiser: the event's fields, then data, binary and sio (args last), then `truncated`. */
function reference(event: PacketEvent, limit: number): string {
  let truncated = false;
  const cut = (s: string) => {
    if (s.length <= limit) return s;
    truncated = true;
    return `${s.slice(0, limit)}…`;
  };
  const { sio, data, ...rest } = event;
  const out: Record<string, unknown> = { ...rest };
  if (data !== undefined) out.data = cut(data);
  if (sio) {
    const { args, ...sioRest } = sio;
    const sioOut: Record<string, unknown> = { ...sioRest };
    if (args !== undefined) {
      const json = JSON.stringify(args);
      sioOut.args = json.length > limit ? cut(json) : args;
    }
    out.sio = sioOut;
  }
  if (truncated) out.truncated = true;
  return JSON.stringify(out);
}

/** Packet events as the proxy emits them: a real Session decoding `messages` in one direction. */
function packetEvents(eio: EioVersion, packets: EnginePacket[]): PacketEvent[] {
  const open = { sid: 'sid-"ü"', upgrades: [], pingInterval: 25000, pingTimeout: 20000 };
  const { session, events } = testSession(eio, testLink(), open);
  session.observe('c2s', packets);
  return events.filter((e): e is PacketEvent => e.type === 'packet');
}

const message = (data: string): EnginePacket => ({
  type: 'message',
  data,
  wireSize: Buffer.byteLength(data),
});

const WIRE = [
  '0',
  '0{"token":"ü \\"q\\""}',
  '0/admin,{"a":[1,[2,[3]]]}',
  '2["chat",{"n":1,"text":"hello"}]',
  '2["é\\u00e9 \\"quoted\\" \\\\ \\n","😀",{"deep":[[[{"x":null}]]]}]',
  '2["tab\\tname",1.5e300,-0,0.1,123456789012345678901234567890,true,false,null]',
  '2/chat?x=1&y=%20,["ev"]',
  '2/chat,17["with ack",{"a":"b"}]',
  '2  [ "spaced" , { "k" : 1 } ]',
  '2[42,"numeric event name"]',
  '3/chat,17["ok",{"z":[]}]',
  '31[]',
  '1/chat,',
  '4{"message":"not allowed","data":{"code":7}}',
  '4"plain error"',
  '2["\\ud800 lone surrogate"]',
  `2["long",${JSON.stringify('x'.repeat(300))}]`,
  // Malformed: the session reads them as raw (first message) or reports them (after).
  '2["unterminated',
  '9nonsense',
  '2{"not":"an array"}',
];

describe('serializePacket', () => {
  for (const eio of [4, 3] as const) {
    test(`EIO${eio}: the same text as JSON.stringify of the fields, whole and cut`, () => {
      const events = packetEvents(eio, [
        { type: 'open', data: '{"sid":"x"}', wireSize: 12, modified: true },
        { type: 'ping', wireSize: 1 },
        ...WIRE.map(message),
      ]);
      assert.ok(events.length >= WIRE.length, 'a packet event per packet');
      assert.ok(
        events.some((e) => e.sio?.args !== undefined),
        'some decoded as Socket.IO',
      );
      for (const limit of [4096, 20, 1]) {
        for (const event of events) {
          const out = serializeEvent(event, limit);
          assert.equal(out.json, reference(event, limit), `${event.data ?? event.engine} at ${limit}`);
          assert.equal(out.full !== undefined, out.json.endsWith(',"truncated":true}'));
        }
      }
    });
  }

  test('a cut packet keeps for GET /api/search the text the panel would filter it by, whole', () => {
    const long = 'é"\\'.repeat(2000);
    const events = packetEvents(4, [
      ...WIRE.map(message),
      message(`2["long",${JSON.stringify(long)}]`),
      message(`51-["file",${JSON.stringify(long)},{"_placeholder":true,"num":0}]`),
      { type: 'message', data: Buffer.alloc(5000, 7), wireSize: 5000 },
    ]);
    let binaries = 0;
    for (const limit of [4096, 20]) {
      for (const event of events) {
        const packet = serializeEvent(event, limit).full?.packet;
        if (!packet) continue;
        // What the panel would hold had the stream not cut it: the event's JSON, uncut.
        const whole = JSON.parse(serializeEvent(event, Infinity).json) as PacketEvent;
        const row = new PacketStore().add(whole);
        assert.equal(packet.text(), packetText(row), `${event.data} at ${limit}`);
        assert.equal(packet.event, whole.sio?.event);
        if (whole.binary !== undefined) binaries++;
      }
    }
    assert.ok(binaries > 0, 'a binary message was among them');
  });

  test('a first message that is not Socket.IO makes the session raw, and says so', () => {
    const [event] = packetEvents(4, [message('hello, raw engine.io')]);
    assert.ok(event);
    assert.equal(event.raw, true);
    assert.equal(serializeEvent(event).json, reference(event, 4096));
    assert.match(serializeEvent(event).json, /"raw":true/);
  });

  test('numbers that JSON has no text for are null, as JSON.stringify writes them', () => {
    const event: PacketEvent = {
      type: 'packet',
      sessionId: 's',
      direction: 's2c',
      transport: 'polling',
      engine: 'message',
      size: Number.NaN,
      sio: { type: 'ACK', nsp: '/', id: Number.POSITIVE_INFINITY, args: [] },
      seq: 1,
      ts: 2.5,
    };
    assert.equal(serializeEvent(event).json, reference(event, 4096));
  });
});
