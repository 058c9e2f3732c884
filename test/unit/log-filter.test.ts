/** The `--filter` language (proxy/observe/log-filter.ts) and the args preview it searches. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ProxyEvent, UnstampedEvent } from '../../shared/events.js';
import { parseCli } from '../../proxy/cli-args.js';
import { FilterError, parseFilter } from '../../proxy/observe/log-filter.js';
import { jsonPreview } from '../../shared/match/event-text.js';

let seq = 0;
const ev = (e: UnstampedEvent): ProxyEvent => ({ ...e, seq: ++seq, ts: 1e12 }) as ProxyEvent;

const chat = ev({
  type: 'packet',
  sessionId: '3fA9xyz',
  direction: 's2c',
  transport: 'websocket',
  engine: 'message',
  size: 40,
  data: '23["chat message","hello World"]',
  sio: { type: 'EVENT', nsp: '/', id: 3, event: 'chat message', args: ['chat message', 'hello World'] },
});
const adminConnect = ev({
  type: 'packet',
  sessionId: 'bbbb1234',
  direction: 'c2s',
  transport: 'polling',
  engine: 'message',
  size: 20,
  data: '0/admin,{"token":"t0k"}',
  sio: { type: 'CONNECT', nsp: '/admin', args: { token: 't0k' } },
});
const upload = ev({
  type: 'packet',
  sessionId: '3fA9xyz',
  direction: 'c2s',
  transport: 'websocket',
  engine: 'message',
  size: 3,
  data: '<3 bytes>',
  binary: 'AQID',
  sio: { type: 'BINARY_EVENT', nsp: '/files', event: 'upload', args: ['upload', Buffer.from([1, 2, 3])] },
});
const ping = ev({
  type: 'packet',
  sessionId: '3fA9xyz',
  direction: 's2c',
  transport: 'websocket',
  engine: 'ping',
  size: 1,
});
const connect = ev({
  type: 'connect',
  sessionId: '3fA9xyz',
  nsp: '/admin',
  socketId: 'abc',
  recovered: false,
  auth: { token: 't0k' },
});
const ack = ev({
  type: 'ack',
  sessionId: '3fA9xyz',
  nsp: '/',
  id: 3,
  direction: 's2c',
  event: 'chat message',
  latency: 12.3,
  eventSeq: 1,
  ackSeq: 2,
});
const error = ev({ type: 'error', message: 'malformed HTTP request: Parse Error' });
const all = [chat, adminConnect, upload, ping, connect, ack, error];

const pick = (expr: string) => {
  const f = parseFilter(expr);
  return all.filter(f).map((e) => e.seq);
};
const seqs = (...events: ProxyEvent[]) => events.map((e) => e.seq);

describe('parseFilter', () => {
  test('no expression, or only spaces: everything', () => {
    assert.deepEqual(pick(''), seqs(...all));
    assert.deepEqual(pick('   '), seqs(...all));
    assert.deepEqual(all.filter(parseFilter(undefined)).length, all.length);
  });

  test('type:', () => {
    assert.deepEqual(pick('type:connect'), seqs(connect));
    assert.deepEqual(pick('type:packet'), seqs(chat, adminConnect, upload, ping));
    assert.throws(() => parseFilter('type:conect'), FilterError);
  });

  test('dir: and bare c2s / s2c (events with a direction only)', () => {
    assert.deepEqual(pick('dir:s2c'), seqs(chat, ping, ack));
    assert.deepEqual(pick('s2c'), seqs(chat, ping, ack));
    assert.deepEqual(pick('c2s'), seqs(adminConnect, upload));
    assert.throws(() => parseFilter('dir:up'), FilterError);
  });

  test('nsp:, with globs', () => {
    assert.deepEqual(pick('nsp:/admin'), seqs(adminConnect, connect));
    assert.deepEqual(pick('nsp:/'), seqs(chat, ack));
    assert.deepEqual(pick('nsp:/f*'), seqs(upload));
  });

  test('event: globs, case-insensitive; quotes keep spaces', () => {
    assert.deepEqual(pick('event:chat*'), seqs(chat, ack));
    assert.deepEqual(pick('event:CHAT*'), seqs(chat, ack));
    assert.deepEqual(pick('event:"chat message"'), seqs(chat, ack));
    assert.deepEqual(pick('event:chat'), [], 'a glob matches the whole name');
    assert.deepEqual(pick('event:up?oad'), seqs(upload));
  });

  test('engine: and sid: prefixes', () => {
    assert.deepEqual(pick('engine:ping'), seqs(ping));
    assert.deepEqual(pick('-engine:ping type:packet'), seqs(chat, adminConnect, upload));
    assert.deepEqual(pick('sid:3fA9'), seqs(chat, upload, ping, connect, ack));
    assert.deepEqual(pick('sid:bbbb'), seqs(adminConnect));
    assert.throws(() => parseFilter('engine:pingg'), FilterError);
  });

  test('a bare word: the event name, or in the args text', () => {
    assert.deepEqual(pick('chat'), seqs(chat, ack), 'the event name contains it');
    assert.deepEqual(pick('world'), seqs(chat), 'in the args, whatever the case');
    assert.deepEqual(pick('t0k'), seqs(adminConnect, connect), 'packet args and connect auth');
    assert.deepEqual(pick('parse'), seqs(error), 'an error message');
    assert.deepEqual(pick('chat*'), seqs(chat, ack), 'with a glob: the event name');
    assert.deepEqual(pick('"type:connect"'), [], 'quoted: a word, not a key');
  });

  test('/regex/ over the args text, with flags', () => {
    assert.deepEqual(pick('/hello w/'), []);
    assert.deepEqual(pick('/hello w/i'), seqs(chat));
    assert.deepEqual(pick('/"token":"t\\dk"/'), seqs(adminConnect, connect));
    assert.deepEqual(pick('/<3 bytes>/'), seqs(upload), 'binary args show by size');
    assert.deepEqual(pick('/^chat m/'), seqs(chat, ack), 'the event name too, as for a word');
    assert.throws(() => parseFilter('/(/'), FilterError);
    assert.throws(() => parseFilter('/abc'), FilterError);
  });

  test('every term must match; -term negates', () => {
    assert.deepEqual(pick('type:packet s2c'), seqs(chat, ping));
    assert.deepEqual(pick('type:packet -s2c'), seqs(adminConnect, upload));
    assert.deepEqual(pick('-type:packet -type:error'), seqs(connect, ack));
    assert.deepEqual(pick('sid:3fA9 -event:chat* -engine:ping'), seqs(upload, connect));
    assert.deepEqual(pick('-/t0k/'), seqs(chat, upload, ping, ack, error));
  });

  test('from the command line: a leading negation may be its own argument', () => {
    for (const argv of [
      ['--filter', '-engine:ping -type:error', '--log', 'pretty'],
      ['--filter=-engine:ping -type:error', '--log', 'pretty'],
    ]) {
      const { filter } = parseCli(argv);
      assert.equal(filter, '-engine:ping -type:error');
      assert.deepEqual(
        all.filter(parseFilter(filter)).map((e) => e.seq),
        seqs(chat, adminConnect, upload, connect, ack),
      );
    }
  });

  test('an unknown key is an error, not a search', () => {
    assert.throws(() => parseFilter('evnt:chat'), /unknown filter key "evnt:"/);
    assert.throws(() => parseFilter('"unterminated'), FilterError);
  });
});

describe('jsonPreview', () => {
  test('JSON, binary by size', () => {
    assert.equal(jsonPreview(['a', 1, null, { b: true }]), '["a",1,null,{"b":true}]');
    assert.equal(jsonPreview([Buffer.from([1, 2]), new Uint8Array(3).buffer]), '[<2 bytes>,<3 bytes>]');
    assert.equal(jsonPreview({ f: { _binary: 'AQID', size: 3 } }), '{"f":<3 bytes>}');
    assert.equal(jsonPreview({ type: 'Buffer', data: [1, 2, 3, 4] }), '<4 bytes>');
    assert.equal(jsonPreview({ a: undefined, b: 1 }), '{"b":1}');
  });

  test('cut at the limit without walking the rest', () => {
    const huge = Array.from({ length: 1_000_000 }, (_, i) => ({ i }));
    const t0 = performance.now();
    const out = jsonPreview(huge, 50);
    assert.ok(performance.now() - t0 < 50, 'fast on a million items');
    assert.equal(out.length, 51);
    assert.ok(out.endsWith('…'));
    assert.equal(jsonPreview('x'.repeat(10_000_000), 10), '"xxxxxxxxx…');
  });
});
