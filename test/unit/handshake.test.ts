/**
 * proxy/engine/handshake.ts: the one change the proxy makes to the wire, hiding upgrades it cannot
 * terminate (WebTransport) from the open packet. Expected bodies come from the reference encoders.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as eio4 from 'engine.io-parser';
import * as p from 'engine.io-parser-v3';
import type { V3EncodablePacket } from 'engine.io-parser-v3';
import { rewriteHandshakeBody, rewriteOpenData } from '../../proxy/engine/handshake.js';
import { decodePayload, parseOpen } from '../../shared/engineio.js';

function v3Payload(packets: V3EncodablePacket[]): string {
  let out: string | Buffer | undefined;
  p.encodePayload(packets, false, (encoded) => (out = encoded));
  assert.equal(typeof out, 'string');
  return out as string;
}

function v4Payload(packets: Parameters<typeof eio4.encodePayload>[0]): string {
  let out = '';
  eio4.encodePayload(packets, (encoded) => (out = encoded));
  return out;
}

const OPEN_WT = {
  sid: 'AbC-123_xyz',
  upgrades: ['websocket', 'webtransport'],
  pingInterval: 25000,
  pingTimeout: 20000,
  maxPayload: 1000000,
};
/** The same open packet, keys in the same order, without webtransport. */
const OPEN_WS = { ...OPEN_WT, upgrades: ['websocket'] };

describe('rewriteOpenData', () => {
  test('removes webtransport from upgrades and keeps every other field and their order', () => {
    const r = rewriteOpenData(JSON.stringify(OPEN_WT));
    assert.deepEqual(r.hidden, ['webtransport']);
    assert.equal(r.data, JSON.stringify({ ...OPEN_WT, upgrades: ['websocket'] }));
  });

  test('webtransport as the only upgrade leaves an empty list', () => {
    const r = rewriteOpenData(JSON.stringify({ ...OPEN_WT, upgrades: ['webtransport'] }));
    assert.deepEqual(r.hidden, ['webtransport']);
    assert.deepEqual((JSON.parse(r.data) as { upgrades: unknown }).upgrades, []);
  });

  test('nothing to hide: the very same text, nothing hidden', () => {
    const text = '{ "sid":"a", "upgrades":["websocket"], "pingInterval":25000, "pingTimeout":20000 }';
    const r = rewriteOpenData(text);
    assert.equal(r.data, text, 'the text is not re-serialised');
    assert.deepEqual(r.hidden, []);
  });

  test('no upgrades at all, or not JSON: untouched', () => {
    const noUpgrades = '{"sid":"a","pingInterval":1,"pingTimeout":2}';
    assert.deepEqual(rewriteOpenData(noUpgrades), { data: noUpgrades, hidden: [] });
    assert.deepEqual(rewriteOpenData('not json'), { data: 'not json', hidden: [] });
  });
});

describe('rewriteHandshakeBody, EIO4', () => {
  test('the open packet is rewritten and the packets after it are kept', () => {
    const body = v4Payload([
      { type: 'open', data: JSON.stringify(OPEN_WT) },
      { type: 'message', data: '0{"sid":"sio-1"}' },
    ]);
    const r = rewriteHandshakeBody(body, 4);
    assert.ok(r, 'a body offering webtransport is rewritten');
    assert.deepEqual(r.hidden, ['webtransport']);
    assert.equal(
      r.data,
      v4Payload([
        { type: 'open', data: JSON.stringify(OPEN_WS) },
        { type: 'message', data: '0{"sid":"sio-1"}' },
      ]),
    );
  });

  test('an open packet alone', () => {
    const r = rewriteHandshakeBody(`0${JSON.stringify(OPEN_WT)}`, 4);
    assert.ok(r);
    assert.deepEqual(parseOpen(r.data.slice(1))?.upgrades, ['websocket']);
  });

  test('nothing to hide: undefined (the body is relayed untouched)', () => {
    assert.equal(rewriteHandshakeBody(`0${JSON.stringify(OPEN_WS)}\x1e40`, 4), undefined);
    assert.equal(rewriteHandshakeBody(`0${JSON.stringify({ ...OPEN_WS, upgrades: [] })}`, 4), undefined);
  });

  test('a body that does not start with an open packet: undefined', () => {
    assert.equal(rewriteHandshakeBody('40\x1e42["x"]', 4), undefined);
    assert.equal(rewriteHandshakeBody('', 4), undefined);
  });
});

describe('rewriteHandshakeBody, EIO3', () => {
  test('the length prefix of the open packet is recomputed; the rest is kept', () => {
    const body = v3Payload([
      { type: 'open', data: JSON.stringify(OPEN_WT) },
      { type: 'message', data: '0' },
    ]);
    const r = rewriteHandshakeBody(body, 3);
    assert.ok(r, 'a body offering webtransport is rewritten');
    assert.deepEqual(r.hidden, ['webtransport']);
    const expected = v3Payload([
      { type: 'open', data: JSON.stringify(OPEN_WS) },
      { type: 'message', data: '0' },
    ]);
    assert.equal(r.data, expected);
    const packets = decodePayload(Buffer.from(r.data, 'utf8'), { eio: 3, binary: false, jsonp: false });
    assert.deepEqual(
      packets.map((x) => x.type),
      ['open', 'message'],
    );
  });

  test('the new length counts characters, not bytes (non-ASCII in the open packet)', () => {
    const open = { ...OPEN_WT, sid: 'sïd€😀' };
    const body = v3Payload([
      { type: 'open', data: JSON.stringify(open) },
      { type: 'message', data: '2["é"]' },
    ]);
    const r = rewriteHandshakeBody(body, 3);
    assert.ok(r);
    assert.equal(
      r.data,
      v3Payload([
        { type: 'open', data: JSON.stringify({ ...open, upgrades: ['websocket'] }) },
        { type: 'message', data: '2["é"]' },
      ]),
    );
  });

  test('nothing to hide: undefined', () => {
    const body = v3Payload([
      { type: 'open', data: JSON.stringify(OPEN_WS) },
      { type: 'message', data: '0' },
    ]);
    assert.equal(rewriteHandshakeBody(body, 3), undefined);
  });

  test('a payload that does not start with an open packet, or is not a payload: undefined', () => {
    assert.equal(rewriteHandshakeBody(v3Payload([{ type: 'message', data: '0' }]), 3), undefined);
    assert.equal(rewriteHandshakeBody(`0${JSON.stringify(OPEN_WT)}`, 3), undefined, 'no length prefix');
  });
});
