/**
 * The protocol-lint detectors of issue #17 added last (shared/analysis/detectors): payloads near the
 * target's limit, pongs never sent, binary attachments announced and not sent, reconnect storms
 * across clients. Each finds its mistake from the events alone, with its evidence, and stays quiet on
 * the well-behaved variant; and no detector keeps anything of a session after its close.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Analyzer } from '../../shared/analysis/analyzer.js';
import type { Detector, ProblemReport } from '../../shared/analysis/detector.js';
import { allDetectors } from '../../shared/analysis/detectors/index.js';
import { NEAR_LIMIT } from '../../shared/analysis/detectors/payload-too-large.js';
import { STORM_CLIENTS, STORM_WINDOW_MS } from '../../shared/analysis/detectors/reconnect-storm.js';
import type { PacketEvent, ProxyEvent, UnstampedEvent } from '../../shared/events.js';
import { EventFactory } from '../support/panel-events.js';

function analyse(events: readonly ProxyEvent[], now?: number, detectors: Detector[] = allDetectors()) {
  const found: ProblemReport[] = [];
  const analyzer = new Analyzer((p) => found.push(p), detectors);
  for (const e of events) analyzer.observe(e);
  if (now !== undefined) analyzer.tick(now);
  return found;
}

const ws = { transport: 'websocket' as const };

const packet = (f: EventFactory, sid: string, fields: Partial<PacketEvent>, advance = 1) =>
  f.ev(
    {
      type: 'packet',
      sessionId: sid,
      direction: 'c2s',
      transport: 'websocket',
      engine: 'message',
      size: 10,
      ...fields,
    } as UnstampedEvent,
    advance,
  ) as PacketEvent;

describe('payload-near-limit', () => {
  test(`a client packet of ${NEAR_LIMIT * 100} % of maxPayload or more, once per session, with where the limit came from`, () => {
    const f = new EventFactory();
    const near = f.emit('S', 'c2s', 'save', ['x'.repeat(940)]);
    const events = [f.session('S', 'k', ws), near, f.emit('S', 'c2s', 'save', ['x'.repeat(960)])];
    assert.equal(near.size, 953);
    const found = analyse(events);
    assert.deepEqual(
      found.map((p) => [p.kind, p.severity, p.title, p.seqs, p.confidence, p.sessionId]),
      [
        [
          'payload-near-limit',
          'warning',
          "a 953-byte packet is 95.3 % of the target's maxPayload (1000 bytes)",
          [near.seq],
          'certain',
          'S',
        ],
      ],
    );
    assert.match(found[0]!.evidence.join('\n'), /maxPayload 1000, comes from the target's open packet/);
    assert.match(found[0]!.fix, /maxHttpBufferSize: 5e6/);
  });

  test('not at 91 %, not from the server, not without a known limit; over it is payload-too-large only', () => {
    const f = new EventFactory();
    const eio3 = { eio: 3 as const, open: { pingInterval: 25000, pingTimeout: 5000, upgrades: [] } };
    const over = f.emit('S', 'c2s', 'save', ['x'.repeat(1000)]);
    const events = [
      f.session('S', 'k', ws),
      f.emit('S', 'c2s', 'chat', ['x'.repeat(900)]),
      f.emit('S', 's2c', 'chat', ['x'.repeat(970)]),
      over,
      f.session('T', 'k', eio3),
      f.emit('T', 'c2s', 'chat', ['x'.repeat(99_000)]),
    ];
    assert.deepEqual(
      analyse(events).map((p) => [p.kind, p.seqs]),
      [['payload-too-large', [over.seq]]],
    );
  });
});

describe('missed-pong', () => {
  const beat = (
    f: EventFactory,
    sid: string,
    engine: 'ping' | 'pong',
    direction: 'c2s' | 's2c',
    advance = 1,
  ) => packet(f, sid, { engine, direction, size: 1 }, advance);

  test('a ping left unanswered until the session ends with "ping timeout", naming who missed it', () => {
    const f = new EventFactory();
    const events: ProxyEvent[] = [
      f.session('S', 'k', ws),
      beat(f, 'S', 'ping', 's2c'),
      beat(f, 'S', 'pong', 'c2s'),
    ];
    const ping = beat(f, 'S', 'ping', 's2c', 25_000);
    f.ts += 20_000;
    const end = f.transportClose('S', {
      first: 'server',
      serverReason: 'ping timeout',
      description: 'the client did not answer the heartbeat in time',
    });
    const found = analyse([...events, ping, end]);
    const missed = found.filter((p) => p.kind === 'missed-pong');
    assert.deepEqual(
      missed.map((p) => [p.title, p.seqs, p.confidence, p.sessionId]),
      [
        [
          `the client never answered ping #${ping.seq}: the session ended with "ping timeout" 20.0 s later`,
          [ping.seq, end.seq],
          'likely',
          'S',
        ],
      ],
    );
    assert.match(missed[0]!.evidence.join('\n'), /pingTimeout is 20000 ms \(the target's open packet\)/);
    assert.match(missed[0]!.fix, /event loop blocked/);
  });

  test('Engine.IO 3: the client pings, the server missed the pong, the client gave up', () => {
    const f = new EventFactory();
    const open = { pingInterval: 25000, pingTimeout: 5000, upgrades: [] };
    const ping = beat(f, 'S', 'ping', 'c2s');
    const events = [f.session('S', 'k', { eio: 3, open, ...ws }), ping];
    f.ts += 5199;
    const end = f.transportClose('S', { first: 'client', clientReason: 'ping timeout' });
    const found = analyse([...events, end]);
    assert.deepEqual(
      found.map((p) => p.title),
      [`the server never answered ping #${ping.seq}: the session ended with "ping timeout" 5.2 s later`],
    );
  });

  test('not when the last ping was answered, nor for another reason with a ping in flight', () => {
    const f = new EventFactory();
    const answered = [f.session('A', 'k', ws), beat(f, 'A', 'ping', 's2c'), beat(f, 'A', 'pong', 'c2s')];
    const a = analyse([...answered, f.transportClose('A', { serverReason: 'ping timeout' })]);
    assert.deepEqual(a, []);
    const g = new EventFactory();
    const b = analyse([g.session('B', 'k', ws), beat(g, 'B', 'ping', 's2c'), g.transportClose('B')]);
    assert.deepEqual(b, []);
  });
});

describe('attachments-missing', () => {
  const header = (f: EventFactory, sid: string, data: string, direction: 'c2s' | 's2c' = 'c2s') =>
    packet(f, sid, { data, direction });
  const attachment = (f: EventFactory, sid: string, n: number, direction: 'c2s' | 's2c' = 'c2s') =>
    packet(f, sid, {
      data: `<${n} bytes>`,
      binary: Buffer.alloc(n).toString('base64'),
      direction,
      size: n + 1,
    });
  const done = (f: EventFactory, sid: string, n: number) =>
    packet(f, sid, {
      data: `<${n} bytes>`,
      binary: Buffer.alloc(n).toString('base64'),
      size: n + 1,
      sio: { type: 'BINARY_EVENT', nsp: '/', event: 'upload', attachments: [n, n] },
    });

  test('a header announcing two attachments, one sent, then a text packet: named, with both packets', () => {
    const f = new EventFactory();
    const head = header(f, 'S', '52-["upload",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
    const next = f.emit('S', 'c2s', 'next', []);
    const found = analyse([
      f.session('S', 'k', ws),
      head,
      attachment(f, 'S', 4),
      { ...next, raw: true, sio: undefined } as never,
    ]);
    assert.deepEqual(
      found.map((p) => [p.kind, p.severity, p.title, p.seqs, p.confidence]),
      [
        [
          'attachments-missing',
          'error',
          '"upload" BINARY_EVENT from the client announced 2 attachments, 1 sent before the next packet',
          [head.seq, next.seq],
          'certain',
        ],
      ],
    );
    assert.match(found[0]!.evidence.join('\n'), /header announcing 2 binary attachments/);
    assert.match(found[0]!.fix, /got plaintext data when reconstructing a packet/);
  });

  test('a BINARY_ACK from the server left incomplete by the close, on a namespace', () => {
    const f = new EventFactory();
    const head = header(f, 'S', '61-/admin,4[{"_placeholder":true,"num":0}]', 's2c');
    const end = f.transportClose('S');
    const found = analyse([f.session('S', 'k', ws), head, end]);
    assert.deepEqual(
      found.map((p) => [p.title, p.detail, p.seqs]),
      [
        [
          'BINARY_ACK from the server announced 1 attachment, 0 sent before the close',
          'the client cannot rebuild the packet on /admin',
          [head.seq, end.seq],
        ],
      ],
    );
  });

  test('not when every attachment comes, interleaved heartbeats and the other direction included', () => {
    const f = new EventFactory();
    const events = [
      f.session('S', 'k', ws),
      header(f, 'S', '52-["upload",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]'),
      f.emit('S', 's2c', 'news', []),
      packet(f, 'S', { engine: 'pong', size: 1 }),
      attachment(f, 'S', 3),
      done(f, 'S', 3),
      f.emit('S', 'c2s', 'next', []),
      f.transportClose('S'),
    ];
    assert.deepEqual(analyse(events), []);
  });
});

describe('reconnect-storm', () => {
  /** `n` clients' first reconnect attempts, `gap` ms apart, each `delay` ms after the drop (plus `jitter(i)`). */
  function wave(f: EventFactory, n: number, gap: number, delay = 1000, jitter = (_i: number) => 0) {
    return Array.from({ length: n }, (_, i) =>
      f.ev(
        {
          type: 'attempt',
          clientKey: `c${i}`,
          attempt: 1,
          delay: delay + jitter(i),
          cause: 'transport close',
          outcome: 'connected',
          sessionId: `S${i}`,
        } as UnstampedEvent,
        gap,
      ),
    );
  }

  test(`${STORM_CLIENTS}+ clients within ${STORM_WINDOW_MS} ms: one problem for the wave, with its count and span`, () => {
    const f = new EventFactory();
    const attempts = wave(f, 30, 3);
    const found = analyse(attempts, f.ts + STORM_WINDOW_MS + 1);
    assert.deepEqual(
      found.map((p) => [p.kind, p.severity, p.title, p.confidence, p.sessionId]),
      [
        [
          'reconnect-storm',
          'warning',
          '30 clients reconnected within 0.09 s after "transport close": a reconnect storm',
          'likely',
          undefined,
        ],
      ],
    );
    assert.deepEqual(
      found[0]!.seqs,
      attempts.map((a) => a.seq),
    );
    assert.match(found[0]!.evidence.join('\n'), /30 reconnect attempts of 30 clients/);
    assert.match(
      found[0]!.evidence.join('\n'),
      /span 0 ms \(1000 to 1000 ms\): the same delay for every client, no jitter/,
    );
    assert.match(found[0]!.fix, /randomizationFactor: 0\.5/);
  });

  test('judged when the wave is over: not before, and two waves are two problems', () => {
    const f = new EventFactory();
    const first = wave(f, 12, 2);
    assert.deepEqual(analyse(first, f.ts + 10), [], 'still coming');
    f.ts += 2000;
    const second = wave(f, 12, 2, 2000);
    assert.deepEqual(
      analyse([...first, ...second], f.ts + STORM_WINDOW_MS + 1).map((p) => p.title),
      [
        '12 clients reconnected within 0.02 s after "transport close": a reconnect storm',
        '12 clients reconnected within 0.02 s after "transport close": a reconnect storm',
      ],
    );
  });

  test('not with the default jitter, not first connects, not one client retrying, not fewer clients', () => {
    const f = new EventFactory();
    // 20 clients spread over a second, as randomizationFactor 0.5 spreads them.
    const jittered = wave(f, 20, 50, 500, (i) => i * 50);
    assert.deepEqual(analyse(jittered, f.ts + 5000), []);
    const g = new EventFactory();
    const firsts = wave(g, 30, 1).map((e) => ({ ...e, attempt: 0 }) as ProxyEvent);
    assert.deepEqual(analyse(firsts, g.ts + 5000), []);
    const h = new EventFactory();
    const oneClient = wave(h, 30, 1).map((e) => ({ ...e, clientKey: 'same' }) as ProxyEvent);
    assert.deepEqual(analyse(oneClient, h.ts + 5000), []);
    const k = new EventFactory();
    assert.deepEqual(analyse(wave(k, STORM_CLIENTS - 1, 1), k.ts + 5000), []);
  });

  test('a wave whose drops the proxy saw no reason for says so', () => {
    const f = new EventFactory();
    const attempts = wave(f, 10, 1).map((e) => ({ ...e, cause: undefined }) as ProxyEvent);
    const found = analyse(attempts, f.ts + 1000);
    assert.deepEqual(
      found.map((p) => p.title),
      ['10 clients reconnected within 0.01 s: a reconnect storm'],
    );
    assert.match(found[0]!.evidence.join('\n'), /the reason of 10 of the drops is not known/);
  });
});

describe('per-session state', () => {
  /** Every Map or Set a detector holds, one level of records included. */
  function collections(d: Detector): (Map<unknown, unknown> | Set<unknown>)[] {
    const out: (Map<unknown, unknown> | Set<unknown>)[] = [];
    for (const v of Object.values(d as object)) {
      if (v instanceof Map || v instanceof Set) out.push(v);
      else if (v && typeof v === 'object' && !Array.isArray(v))
        for (const w of Object.values(v as object)) if (w instanceof Map || w instanceof Set) out.push(w);
    }
    return out;
  }

  test('no detector keeps anything keyed by a session after its close', () => {
    const f = new EventFactory();
    const detectors = allDetectors();
    const sid = 'S';
    const events = [
      f.session(sid, 'k', ws),
      f.ev({ type: 'connect', sessionId: sid, nsp: '/', socketId: 's', recovered: false }),
      packet(f, sid, { engine: 'ping', direction: 's2c', size: 1 }),
      f.emit(sid, 'c2s', 'save', ['x'.repeat(960)], { id: 1 }),
      packet(f, sid, { data: '51-["upload",{"_placeholder":true,"num":0}]' }),
      packet(f, sid, { data: '61-2[{"_placeholder":true,"num":0}]', direction: 's2c' }),
      f.transportClose(sid, { serverReason: 'ping timeout' }),
    ];
    const found = analyse(events, undefined, detectors);
    assert.ok(
      found.some((p) => p.kind === 'payload-near-limit'),
      'the session was tracked',
    );
    for (const d of detectors)
      for (const c of collections(d))
        assert.ok(!c.has(sid), `${d.constructor.name} still holds ${sid} after its close`);
  });
});
