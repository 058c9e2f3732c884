/**
 * The matcher language (shared/match): the packet vocabulary of rules, the event vocabulary of
 * `waitFor` and `--filter`, their field values, combinators, explanations and errors, and matchers
 * as JSON data.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PacketEvent, ProxyEvent, UnstampedEvent } from '../../shared/events.js';
import {
  compileEventFilter,
  compilePacketMatch,
  compilePacketMatchOver,
  FilterError,
  MatchError,
  parseFilterExpr,
  type EventFilter,
  type PacketMatch,
} from '../../shared/match/index.js';
import { compileFilter, EMPTY_FILTER, filterMatch, type PacketFilter } from '../../panel/src/store/filter.js';
import { PacketStore } from '../../panel/src/store/packet-store.js';

let seq = 0;
const ev = (e: UnstampedEvent): ProxyEvent => ({ ...e, seq: ++seq, ts: 1e12 }) as ProxyEvent;
const packet = (e: Omit<PacketEvent, 'seq' | 'ts' | 'type'>): PacketEvent =>
  ev({ type: 'packet', ...e } as UnstampedEvent) as PacketEvent;

const chat = packet({
  sessionId: 'sidA',
  direction: 'c2s',
  transport: 'websocket',
  engine: 'message',
  size: 40,
  data: '2["chat message","Hello World"]',
  sio: { type: 'EVENT', nsp: '/', event: 'chat message', args: ['chat message', 'Hello World'] },
});
const order = packet({
  sessionId: 'sidB',
  direction: 's2c',
  transport: 'polling',
  engine: 'message',
  size: 40,
  data: '2/shop,7["order:42",{"total":99.5,"note":"line1\\nline2"}]',
  sio: {
    type: 'EVENT',
    nsp: '/shop',
    id: 7,
    event: 'order:42',
    args: ['order:42', { total: 99.5, note: 'line1\nline2' }],
  },
});
const ack = packet({
  sessionId: 'sidB',
  direction: 'c2s',
  transport: 'polling',
  engine: 'message',
  size: 12,
  data: '3/shop,7[{"ok":true}]',
  sio: { type: 'ACK', nsp: '/shop', id: 7, args: [{ ok: true }] },
});
const ping = packet({ sessionId: 'sidA', direction: 's2c', transport: 'websocket', engine: 'ping', size: 1 });
const probe = packet({
  sessionId: 'sidA',
  direction: 'c2s',
  transport: 'websocket',
  engine: 'ping',
  size: 6,
  data: 'probe',
});
const upload = packet({
  sessionId: 'sidA',
  direction: 'c2s',
  transport: 'websocket',
  engine: 'message',
  size: 3,
  data: '<3 bytes>',
  binary: 'AQID',
  sio: { type: 'BINARY_EVENT', nsp: '/', event: 'upload', args: ['upload', new Uint8Array([1, 2, 3])] },
});
const packets = [chat, order, ack, ping, probe, upload];

const connect = ev({
  type: 'connect',
  sessionId: 'sidB',
  nsp: '/shop',
  socketId: 'sock1',
  recovered: true,
  auth: { token: 'secret-t0k' },
});
const close = ev({
  type: 'close',
  sessionId: 'sidA',
  leg: 'server',
  first: 'server',
  reason: 'transport close',
  clientReason: 'transport close',
  serverReason: 'transport close',
  active: true,
});
const session = ev({
  type: 'session',
  sessionId: 'sidA',
  clientKey: 'client-1',
  eio: 4,
  transport: 'polling',
  target: 'http://t',
  handshake: {
    headers: {},
    query: {},
    url: '/socket.io/?EIO=4&transport=polling',
    address: '127.0.0.1',
    xdomain: false,
    secure: false,
    issued: 0,
    time: '',
  },
  open: { pingInterval: 1, pingTimeout: 1, upgrades: [] },
  hiddenUpgrades: [],
});
const http = ev({
  type: 'http',
  sessionId: 'sidA',
  method: 'GET',
  url: '/socket.io/?EIO=4&transport=polling&sid=sidA',
  status: 400,
  requestHeaders: {},
  responseHeaders: {},
  startedAt: 0,
  duration: 1,
});
const ackEvent = ev({
  type: 'ack',
  sessionId: 'sidB',
  nsp: '/shop',
  id: 7,
  direction: 's2c',
  event: 'order:42',
  latency: 3,
  eventSeq: order.seq,
  ackSeq: ack.seq,
});
const events: ProxyEvent[] = [...packets, connect, close, session, http, ackEvent];

const clientKeys: Record<string, string> = { sidA: 'client-1', sidB: 'client-2' };
const clientKeyOf = (sid: string) => clientKeys[sid];

const pick = (match: PacketMatch) => {
  const m = compilePacketMatch(match, { clientKeyOf });
  return events.filter(m.test).map((e) => e.seq);
};
const pickEvents = (filter: EventFilter) => {
  const m = compileEventFilter(filter, { clientKeyOf });
  return events.filter(m.test).map((e) => e.seq);
};
const seqs = (...list: ProxyEvent[]) => list.map((e) => e.seq);

/** Asserts a MatchError naming `field` at `path`, with a message that says `reason`. */
function rejects(compile: () => unknown, field: string, path: string, reason: RegExp) {
  assert.throws(compile, (err: unknown) => {
    assert.ok(err instanceof MatchError, `a MatchError, got ${String(err)}`);
    assert.equal(err.field, field);
    assert.equal(err.path, path);
    assert.match(err.message, reason);
    assert.ok(err.message.startsWith(`${path}: `), err.message);
    return true;
  });
}

describe('packet match (rules)', () => {
  test('an empty match takes every packet and nothing else', () => {
    assert.deepEqual(pick({}), seqs(...packets));
  });

  test('direction, transport', () => {
    assert.deepEqual(pick({ direction: 'c2s' }), seqs(chat, ack, probe, upload));
    assert.deepEqual(pick({ direction: 's2c' }), seqs(order, ping));
    assert.deepEqual(pick({ transport: 'polling' }), seqs(order, ack));
  });

  test('session and clientKey: exact, or /regex/', () => {
    assert.deepEqual(pick({ session: 'sidB' }), seqs(order, ack));
    assert.deepEqual(pick({ session: 'sid' }), [], 'exact, not a prefix');
    assert.deepEqual(pick({ session: '/^sid[B-Z]$/' }), seqs(order, ack));
    assert.deepEqual(pick({ clientKey: 'client-1' }), seqs(chat, ping, probe, upload));
    assert.deepEqual(
      events.filter(compilePacketMatch({ clientKey: 'client-1' }).test),
      [],
      'without a way to look clientKeys up, nothing has one',
    );
  });

  test('nsp and event: exact (case and all), or /regex/flags', () => {
    assert.deepEqual(pick({ nsp: '/shop' }), seqs(order, ack));
    assert.deepEqual(pick({ nsp: '/' }), seqs(chat, upload));
    assert.deepEqual(pick({ nsp: '/shop/i' }), [], 'a namespace is always exact as a string');
    assert.deepEqual(pick({ nsp: { regex: '^/SH', flags: 'i' } }), seqs(order, ack), 'a regex as data');
    assert.deepEqual(pick({ event: { regex: '^chat' } }), seqs(chat));
    assert.deepEqual(pick({ event: 'chat message' }), seqs(chat));
    assert.deepEqual(pick({ event: 'chat' }), []);
    assert.deepEqual(pick({ event: 'Chat Message' }), []);
    assert.deepEqual(pick({ event: '/^CHAT/' }), []);
    assert.deepEqual(pick({ event: '/^CHAT/i' }), seqs(chat));
    assert.deepEqual(pick({ event: '/order:\\d+/' }), seqs(order), 'the ACK has no event name');
  });

  test('text: any case in the args JSON (binary by size), or /regex/flags', () => {
    assert.deepEqual(pick({ text: 'hello world' }), seqs(chat));
    assert.deepEqual(pick({ text: '"total":99.5' }), seqs(order));
    assert.deepEqual(pick({ text: '"ok":true' }), seqs(ack));
    assert.deepEqual(pick({ text: '<3 bytes>' }), seqs(upload));
    assert.deepEqual(pick({ text: '/Hello W/' }), seqs(chat));
    assert.deepEqual(pick({ text: '/hello w/' }), []);
    assert.deepEqual(pick({ text: '/line1.n/' }), seqs(order), 'the JSON escape of a newline');
    assert.deepEqual(pick({ text: '   ' }), seqs(...packets), 'blank text: as if not given');
  });

  test('regex flags: s, i, and g/y never make a matcher stateful', () => {
    const m = compilePacketMatch({ text: '/world/gi' });
    assert.equal(m.test(chat), true);
    assert.equal(m.test(chat), true, 'the same answer twice (no lastIndex)');
    const dotAll = compileEventFilter({ type: 'packet', text: '/a.b/s' });
    const multiLine = ev({ type: 'error', message: 'a\nb' });
    assert.equal(dotAll.test(multiLine), false, 'not a packet');
    assert.equal(compileEventFilter({ text: '/a.b/s' }).test(multiLine), true);
    assert.equal(compileEventFilter({ text: '/a.b/' }).test(multiLine), false);
  });

  test('type: an Engine.IO packet type or a Socket.IO one', () => {
    assert.deepEqual(pick({ type: 'message' }), seqs(chat, order, ack, upload));
    assert.deepEqual(pick({ type: 'ping' }), seqs(ping, probe));
    assert.deepEqual(pick({ type: 'EVENT' }), seqs(chat, order));
    assert.deepEqual(pick({ type: 'ACK' }), seqs(ack));
    assert.deepEqual(pick({ type: 'BINARY_EVENT' }), seqs(upload));
    assert.deepEqual(pick({ type: ['ACK', 'ping'] }), seqs(ack, ping, probe), 'a list: any of them');
  });

  test('heartbeat: ping/pong, not the upgrade probes', () => {
    assert.deepEqual(pick({ heartbeat: true }), seqs(ping));
    assert.deepEqual(pick({ heartbeat: false }), seqs(chat, order, ack, probe, upload));
  });

  test('every field given must match; lists, not, any, all', () => {
    assert.deepEqual(pick({ direction: 'c2s', nsp: '/shop' }), seqs(ack));
    assert.deepEqual(pick({ event: ['chat message', '/^order/'] }), seqs(chat, order));
    assert.deepEqual(pick({ not: { type: 'ping' } }), seqs(chat, order, ack, upload));
    assert.deepEqual(pick({ any: [{ nsp: '/shop', type: 'ACK' }, { event: 'upload' }] }), seqs(ack, upload));
    assert.deepEqual(
      pick({ all: [{ not: { type: 'ping' } }, { not: { session: 'sidB' } }] }),
      seqs(chat, upload),
    );
    assert.deepEqual(
      pick({ direction: 'c2s', not: { any: [{ type: 'ACK' }, { text: 'hello' }] } }),
      seqs(probe, upload),
    );
  });

  test('over any row that holds a packet (a view supplies the fields)', () => {
    type Row = { p: PacketEvent; argsJson: string };
    const rows: Row[] = packets.map((p) => ({ p, argsJson: JSON.stringify(p.sio?.args ?? null) }));
    const m = compilePacketMatchOver<Row>(
      { direction: 'c2s', text: 'world' },
      { packet: (r) => r.p, text: (r) => r.argsJson },
    );
    assert.deepEqual(
      rows.filter(m.test).map((r) => r.p.seq),
      seqs(chat),
    );
    const also = compilePacketMatchOver(
      { text: 'needle' },
      {
        packet: (r: Row) => r.p,
        text: (r) => r.argsJson,
        textAlso: (r) => r.p === order,
      },
    );
    assert.deepEqual(
      rows.filter(also.test).map((r) => r.p.seq),
      seqs(order),
      'found by the host elsewhere',
    );
    assert.deepEqual(also.explain(rows[1] as Row).reasons, [
      { field: 'text', matched: true, text: 'text "needle" (any case) found in the full payload' },
    ]);
  });
});

describe('event filter (waitFor, --filter)', () => {
  test('type, sessionId, clientKey (carried or looked up)', () => {
    assert.deepEqual(pickEvents({ type: 'connect' }), seqs(connect));
    assert.deepEqual(pickEvents({ type: ['close', 'session'] }), seqs(close, session));
    assert.deepEqual(pickEvents({ sessionId: 'sidB' }), seqs(order, ack, connect, ackEvent));
    assert.deepEqual(pickEvents({ type: 'session', clientKey: 'client-1' }), seqs(session));
    assert.deepEqual(pickEvents({ type: 'close', clientKey: '/^client-/' }), seqs(close));
    assert.equal(compileEventFilter({ clientKey: 'client-1' }).test(close), false, 'no lookup: no clientKey');
  });

  test('nsp and event wherever the event keeps them', () => {
    assert.deepEqual(pickEvents({ nsp: '/shop' }), seqs(order, ack, connect, ackEvent));
    assert.deepEqual(pickEvents({ event: 'order:42' }), seqs(order, ackEvent));
    assert.deepEqual(pickEvents({ type: 'ack', direction: 's2c', id: 7 }), seqs(ackEvent));
  });

  test('packet fields: direction, transport, engine, sioType', () => {
    assert.deepEqual(pickEvents({ direction: 's2c' }), seqs(order, ping, ackEvent));
    assert.deepEqual(pickEvents({ transport: 'polling' }), seqs(order, ack, session));
    assert.deepEqual(pickEvents({ engine: 'ping' }), seqs(ping, probe));
    assert.deepEqual(pickEvents({ sioType: 'ACK' }), seqs(ack));
  });

  test('the other fields of the events, typed', () => {
    assert.deepEqual(pickEvents({ leg: 'server', reason: 'transport close' }), seqs(close));
    assert.deepEqual(pickEvents({ serverReason: '/close$/' }), seqs(close));
    assert.deepEqual(pickEvents({ active: true }), seqs(close));
    assert.deepEqual(pickEvents({ recovered: true, socketId: 'sock1' }), seqs(connect));
    assert.deepEqual(pickEvents({ type: 'http', status: [400, 500] }), seqs(http));
    assert.deepEqual(pickEvents({ method: 'GET' }), seqs(http));
  });

  test('text: the event name or the event text (auth, reasons, URL)', () => {
    assert.deepEqual(pickEvents({ text: 'T0K' }), seqs(connect));
    assert.deepEqual(pickEvents({ text: 'transport=polling' }), seqs(session, http));
    assert.deepEqual(pickEvents({ text: 'order:42' }), seqs(order, ackEvent), 'the ack by its event name');
  });
});

describe('explain', () => {
  test('a reason for each field, saying what was seen', () => {
    const m = compilePacketMatch({ direction: 'c2s', event: '/^chat/i', type: 'EVENT', text: 'world' });
    const why = m.explain(chat);
    assert.equal(why.matched, true);
    assert.deepEqual(
      why.reasons.map((r) => [r.field, r.matched, r.text]),
      [
        ['direction', true, 'direction is "c2s"'],
        ['event', true, 'event "chat message" matches /^chat/i'],
        ['type', true, 'type is "EVENT"'],
        ['text', true, 'text matches "world" (any case) at 23: …hat message","Hello World"]'],
      ],
    );
  });

  test('what did not match, and what was wanted', () => {
    const why = compilePacketMatch({ direction: 's2c', nsp: '/shop', event: 'x', text: '/zz/' }).explain(ack);
    assert.equal(why.matched, false);
    assert.deepEqual(
      why.reasons.map((r) => [r.field, r.matched, r.text]),
      [
        ['direction', false, 'direction is "c2s" (wanted "s2c")'],
        ['nsp', true, 'nsp is "/shop"'],
        ['event', false, 'no event (wanted "x")'],
        ['text', false, 'text does not match /zz/'],
      ],
    );
  });

  test('not, any, and events that are not packets', () => {
    const not = compilePacketMatch({ not: { type: 'ping' } }).explain(chat);
    assert.deepEqual(not, {
      matched: true,
      reasons: [{ field: 'type', matched: true, text: 'not: type is "message" (wanted "ping")' }],
    });
    const any = compilePacketMatch({ any: [{ event: 'nope' }, { session: 'sidA' }] }).explain(chat);
    assert.deepEqual(any.reasons, [{ field: 'session', matched: true, text: 'session is "sidA"' }]);
    const notPacket = compilePacketMatch({}).explain(connect);
    assert.equal(notPacket.matched, false);
    assert.match(notPacket.reasons[0]?.text ?? '', /a connect event, not a packet/);
    const byName = compileEventFilter({ text: 'order' }).explain(ackEvent);
    assert.deepEqual(byName.reasons[0], {
      field: 'text',
      matched: true,
      text: 'event name "order:42" matches "order" (any case)',
    });
  });

  test('explain and test agree', () => {
    const matchers: PacketMatch[] = [
      { direction: 'c2s' },
      { not: { heartbeat: true }, text: '/o/' },
      { any: [{ type: 'ACK' }, { nsp: '/' }] },
    ];
    for (const spec of matchers) {
      const m = compilePacketMatch(spec);
      for (const p of packets) assert.equal(m.explain(p).matched, m.test(p), JSON.stringify(spec));
    }
  });
});

describe('errors name the field', () => {
  test('a bad regex', () => {
    rejects(() => compilePacketMatch({ event: '/(/' }), 'event', 'event', /invalid regex/);
    rejects(() => compilePacketMatch({ text: '/[a-/' }), 'text', 'text', /invalid regex/);
    rejects(() => compileEventFilter({ nsp: { regex: '(' } }), 'nsp', 'nsp', /invalid regex/);
    rejects(
      () => compilePacketMatch({ session: { regex: 'a', flags: 'q' } }),
      'session',
      'session',
      /invalid regex/,
    );
  });

  test('an unknown field', () => {
    rejects(() => compilePacketMatch({ evnt: 'chat' } as PacketMatch), 'evnt', 'evnt', /unknown field/);
    rejects(
      () => compilePacketMatch({ sessionId: 'x' } as PacketMatch),
      'sessionId',
      'sessionId',
      /fields: .*session/,
    );
    rejects(() => compileEventFilter({ session: 'x' } as EventFilter), 'session', 'session', /unknown field/);
  });

  test('a value of the wrong type or outside its set', () => {
    rejects(
      () => compilePacketMatch({ direction: 'up' as 'c2s' }),
      'direction',
      'direction',
      /"up" is not a direction \(c2s s2c\)/,
    );
    rejects(
      () => compilePacketMatch({ direction: 5 } as unknown as PacketMatch),
      'direction',
      'direction',
      /expected a direction/,
    );
    rejects(() => compilePacketMatch({ type: 'EVNT' as 'EVENT' }), 'type', 'type', /not a packet type/);
    rejects(() => compileEventFilter({ type: 'conect' as 'connect' }), 'type', 'type', /not an event type/);
    rejects(
      () => compilePacketMatch({ heartbeat: 'no' } as unknown as PacketMatch),
      'heartbeat',
      'heartbeat',
      /true or false/,
    );
    rejects(
      () => compilePacketMatch({ session: 42 } as unknown as PacketMatch),
      'session',
      'session',
      /expected a string/,
    );
    rejects(
      () => compileEventFilter({ status: '400' } as unknown as EventFilter),
      'status',
      'status',
      /a number/,
    );
    rejects(() => compilePacketMatch({ event: [] }), 'event', 'event', /expected a value/);
    rejects(
      () => compilePacketMatch({ event: { regex: 'a', flag: 'i' } as unknown as string }),
      'event',
      'event',
      /expected a string .* or \{ regex, flags \}/,
    );
  });

  test('nested: the path says where', () => {
    rejects(
      () => compilePacketMatch({ any: [{ event: 'a' }, { not: { text: ['ok', '/(/'] } }] }),
      'text',
      'any[1].not.text[1]',
      /invalid regex/,
    );
    rejects(() => compilePacketMatch({ any: [] }), 'any', 'any', /at least one/);
    rejects(() => compilePacketMatch({ all: {} } as unknown as PacketMatch), 'all', 'all', /a list/);
    rejects(() => compilePacketMatch({ not: 'ping' } as unknown as PacketMatch), 'not', 'not', /an object/);
    rejects(
      () => compilePacketMatch({ event: '/(/' }, { path: 'match' }),
      'event',
      'match.event',
      /invalid regex/,
    );
    rejects(() => compilePacketMatch(null as unknown as PacketMatch), 'match', 'match', /an object/);
  });
});

describe('matchers are JSON data', () => {
  const specs: PacketMatch[] = [
    { direction: 'c2s', event: '/^chat/i' },
    { type: ['ACK', 'ping'], not: { heartbeat: true } },
    { any: [{ nsp: '/shop', text: '"ok"' }, { event: 'upload' }] },
    { session: '/^sid[AB]$/', text: '/w.rld/i', transport: 'websocket' },
  ];
  test('a packet match sent as JSON matches the same packets', () => {
    for (const spec of specs) {
      const back = JSON.parse(JSON.stringify(spec)) as PacketMatch;
      assert.deepEqual(back, spec);
      assert.deepEqual(pick(back), pick(spec), JSON.stringify(spec));
      assert.ok(pick(spec).length > 0, `${JSON.stringify(spec)} matches something`);
    }
  });

  test('the compiled matcher keeps its data', () => {
    const spec = specs[2] as PacketMatch;
    assert.equal(compilePacketMatch(spec).spec, spec);
  });

  test('a --filter expression as data, through JSON, filters the same', () => {
    const exprs = [
      'type:packet event:chat* c2s',
      '-engine:ping -type:close',
      'sid:sid nsp:/SHOP',
      '/t\\dk/i',
      'world',
    ];
    for (const expr of exprs) {
      const data = JSON.parse(JSON.stringify(parseFilterExpr(expr))) as EventFilter;
      const direct = events.filter(compileEventFilter(parseFilterExpr(expr)).test).map((e) => e.seq);
      assert.deepEqual(pickEvents(data), direct, expr);
      assert.ok(direct.length > 0, `${expr} matches something`);
    }
  });
});

describe('--filter syntax as data', () => {
  test('terms become fields; globs and prefixes become regexes', () => {
    assert.deepEqual(parseFilterExpr(''), {});
    assert.deepEqual(parseFilterExpr('type:connect'), { type: 'connect' });
    assert.deepEqual(parseFilterExpr('s2c chat'), { all: [{ direction: 's2c' }, { text: 'chat' }] });
    assert.deepEqual(parseFilterExpr('event:chat*'), { event: { regex: '^chat.*$', flags: 'is' } });
    assert.deepEqual(parseFilterExpr('chat*'), { event: { regex: '^chat.*$', flags: 'is' } });
    assert.deepEqual(parseFilterExpr('nsp:/admin'), { nsp: { regex: '^/admin$', flags: 'i' } });
    assert.deepEqual(parseFilterExpr('sid:3f.'), { sessionId: { regex: '^3f\\.' } });
    assert.deepEqual(parseFilterExpr('-engine:ping'), { not: { engine: 'ping' } });
    assert.deepEqual(parseFilterExpr('/ro+m/i'), { text: '/ro+m/i' });
    assert.deepEqual(parseFilterExpr('"/tmp/"'), { text: '/\\/tmp\\//i' }, 'a quoted word is never a regex');
  });

  test('errors are FilterErrors (MatchErrors) naming the key', () => {
    assert.throws(
      () => parseFilterExpr('dir:up'),
      (err: unknown) => {
        assert.ok(err instanceof FilterError && err instanceof MatchError);
        assert.equal(err.field, 'dir');
        assert.equal(err.message, 'dir:up: not a direction (c2s s2c)');
        return true;
      },
    );
    assert.throws(
      () => parseFilterExpr('type:nope'),
      /FilterError: type:nope: not an event type \(session packet /,
    );
    assert.throws(
      () => parseFilterExpr('/(/'),
      (err: unknown) => err instanceof FilterError && err.field === 'text',
    );
    assert.throws(
      () => parseFilterExpr('evnt:x'),
      (err: unknown) => err instanceof FilterError && err.field === 'evnt',
    );
  });
});

describe('the panel filter bar is a packet match', () => {
  const bar = (f: Partial<PacketFilter>) => filterMatch({ ...EMPTY_FILTER, ...f });

  test('its inputs as data', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(bar({}))), { heartbeat: false });
    assert.deepEqual(
      JSON.parse(JSON.stringify(bar({ direction: 'c2s', type: 'sio:ACK', event: 'ord', heartbeats: true }))),
      { direction: 'c2s', type: 'ACK', event: '/ord/i' },
    );
    assert.deepEqual(JSON.parse(JSON.stringify(bar({ type: 'engine:ping', namespace: '/shop' }))), {
      heartbeat: false,
      nsp: '/shop',
      type: 'ping',
    });
  });

  test('the same packets as a rule with that match, over the panel rows and the bus events', () => {
    const store = new PacketStore();
    for (const p of packets) store.add(p);
    const filters: Partial<PacketFilter>[] = [
      {},
      { heartbeats: true, direction: 'c2s' },
      { sessionId: 'sidB', text: '"OK"' },
      { event: 'ORDER', namespace: '/shop' },
      { type: 'sio:EVENT', text: '/world/i' },
    ];
    for (const f of filters) {
      const panel = compileFilter({ ...EMPTY_FILTER, ...f });
      const inPanel = packets.filter((p) => panel.test(store.bySeq(p.seq)!)).map((p) => p.seq);
      assert.deepEqual(inPanel, pick(bar(f)), JSON.stringify(f));
    }
  });
});
