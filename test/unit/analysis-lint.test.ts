/**
 * The protocol-lint detectors of issue #17 (shared/analysis/detectors): each finds its mistake from
 * the events alone, names the packets, says how sure it is and how to fix it, and stays quiet on the
 * well-behaved variant of the same traffic.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Analyzer, DEFAULT_ACK_TIMEOUT_MS } from '../../shared/analysis/analyzer.js';
import type { AnalysisOptions, ProblemReport } from '../../shared/analysis/detector.js';
import { allDetectors } from '../../shared/analysis/detectors/index.js';
import { MAX_PENDING_ACKS } from '../../shared/analysis/detectors/ack-timeout.js';
import type { ProxyEvent, SessionEvent, UnstampedEvent } from '../../shared/events.js';
import { EventFactory } from '../support/panel-events.js';

function analyse(events: readonly ProxyEvent[], options: Partial<AnalysisOptions> = {}, now?: number) {
  const found: ProblemReport[] = [];
  const analyzer = new Analyzer((p) => found.push(p), allDetectors(), options);
  for (const e of events) analyzer.observe(e);
  if (now !== undefined) analyzer.tick(now);
  return found;
}

const kinds = (found: ProblemReport[]) => found.map((p) => p.kind);

const ackOf = (f: EventFactory, sid: string, ev: ProxyEvent, ans: ProxyEvent, latency: number) =>
  f.ev({
    type: 'ack',
    sessionId: sid,
    nsp: '/',
    id: (ev as { sio: { id: number } }).sio.id,
    direction: (ev as { direction: 'c2s' | 's2c' }).direction,
    event: (ev as { sio: { event: string } }).sio.event,
    latency,
    eventSeq: ev.seq,
    ackSeq: ans.seq,
  });

/** A WebSocket session (no upgrade to judge) connected to `/`. */
function wsSession(f: EventFactory, sid = 'S'): ProxyEvent[] {
  return [
    f.session(sid, 'k', { transport: 'websocket' }),
    f.ev({ type: 'connect', sessionId: sid, nsp: '/', socketId: `${sid}-s`, recovered: false }),
  ];
}

describe('ack-timeout and ack-late', () => {
  test('an EVENT with an ack id and no ACK within the window names the event and who should answer', () => {
    const f = new EventFactory();
    const ask = f.emit('S', 'c2s', 'save', [{ n: 1 }], { id: 7 });
    const asked = f.emit('S', 's2c', 'confirm', [], { id: 3 });
    const events = [...wsSession(f), ask, asked];
    // Just before the window: nothing yet.
    assert.deepEqual(analyse(events, {}, ask.ts + DEFAULT_ACK_TIMEOUT_MS - 10), []);
    const found = analyse(events, {}, asked.ts + DEFAULT_ACK_TIMEOUT_MS + 1);
    assert.deepEqual(
      found.map((p) => [p.kind, p.title, p.seqs, p.confidence, p.sessionId]),
      [
        ['ack-timeout', 'no ACK for "save" within 5.0 s: the server should answer', [ask.seq], 'likely', 'S'],
        [
          'ack-timeout',
          'no ACK for "confirm" within 5.0 s: the client should answer',
          [asked.seq],
          'likely',
          'S',
        ],
      ],
    );
    assert.match(found[0]!.fix, /callback\(/);
    assert.match(found[0]!.evidence.join(' '), /ack id 7/);
  });

  test('the window is configurable; an ACK in time, or a session that ends, is no problem', () => {
    const f = new EventFactory();
    const ask = f.emit('S', 'c2s', 'save', [], { id: 1 });
    const answer = f.ack('S', 's2c', 1, ['ok']);
    const events = [...wsSession(f), ask, answer, ackOf(f, 'S', ask, answer, 40)];
    assert.deepEqual(analyse(events, { ackTimeoutMs: 100 }, ask.ts + 10_000), []);
    const g = new EventFactory();
    const lost = g.emit('S', 'c2s', 'save', [], { id: 1 });
    const closed = g.ev({
      type: 'close',
      sessionId: 'S',
      leg: 'client',
      first: 'client',
      reason: 'transport close',
      clientReason: 'transport close',
      serverReason: 'transport close',
    } as UnstampedEvent);
    assert.deepEqual(analyse([...wsSession(g), lost, closed], { ackTimeoutMs: 100 }, lost.ts + 10_000), []);
    // With a 100 ms window, the same unanswered EVENT is a problem at 100 ms.
    const h = new EventFactory();
    const slow = h.emit('S', 'c2s', 'save', [], { id: 1 });
    assert.match(
      analyse([...wsSession(h), slow], { ackTimeoutMs: 100 }, slow.ts + 101)[0]?.title ?? '',
      /within 0\.1 s/,
    );
  });

  test('an ACK after the window is ack-late, linked to both packets', () => {
    const f = new EventFactory();
    const ask = f.emit('S', 'c2s', 'report', [], { id: 2 });
    f.ts += 7000;
    const answer = f.ack('S', 's2c', 2, []);
    const found = analyse([...wsSession(f), ask, answer, ackOf(f, 'S', ask, answer, 7000)]);
    assert.deepEqual(
      found.map((p) => [p.kind, p.seqs]),
      [['ack-late', [ask.seq, answer.seq]]],
    );
    assert.equal(found[0]!.title, 'the ACK for "report" came after 7.0 s, later than 5.0 s');
    assert.match(found[0]!.fix, /socket\.timeout\(30000\)/);
  });

  test('bounded: past MAX_PENDING_ACKS the oldest are let go unjudged', () => {
    const f = new EventFactory();
    const events = [...wsSession(f)];
    for (let i = 0; i < MAX_PENDING_ACKS + 5; i++) events.push(f.emit('S', 'c2s', 'e', [], { id: i }));
    const found = analyse(events, { ackTimeoutMs: 1e12 }, f.ts + 2e12);
    assert.equal(found.length, MAX_PENDING_ACKS);
    assert.equal(found[0]!.seqs[0], events[2 + 5]!.seq, 'the five oldest were dropped');
  });
});

describe('stuck-on-polling', () => {
  const upgrade = (f: EventFactory, stage: 'probe' | 'success' | 'failure') =>
    f.ev({ type: 'upgrade', sessionId: 'P', leg: 'client', stage });

  test('no probe, a probe that never completes, and a target that offers no upgrade', () => {
    const f = new EventFactory();
    const open = f.session('P', 'k');
    let found = analyse([open], {}, open.ts + 6000);
    assert.deepEqual(
      found.map((p) => [p.kind, p.title, p.seqs, p.confidence]),
      [['stuck-on-polling', 'stuck on polling: no WebSocket probe in 6 s', [open.seq], 'likely']],
    );
    assert.match(found[0]!.fix, /transports: \['polling'\]/);

    const g = new EventFactory();
    const open2 = g.session('P', 'k');
    const probe = upgrade(g, 'probe');
    found = analyse([open2, probe], {}, open2.ts + 6000);
    assert.deepEqual(
      found.map((p) => [p.title, p.seqs]),
      [['stuck on polling: the WebSocket probe never completed in 6 s', [open2.seq, probe.seq]]],
    );

    const h = new EventFactory();
    const open3 = h.session('P', 'k', {
      open: { pingInterval: 25000, pingTimeout: 20000, maxPayload: 1000, upgrades: [] },
    });
    found = analyse([open3], {}, open3.ts + 6000);
    assert.deepEqual(
      found.map((p) => [p.title, p.confidence]),
      [['stuck on polling: the target offers no upgrade', 'certain']],
    );
  });

  test('not for an upgrade that succeeded or failed (upgrade-failed says it), a WebSocket session, a short session, or one the proxy hid', () => {
    const f = new EventFactory();
    const events = [f.session('P', 'k'), upgrade(f, 'probe'), upgrade(f, 'success')];
    assert.deepEqual(analyse(events, {}, f.ts + 60_000), []);
    const g = new EventFactory();
    assert.deepEqual(
      kinds(analyse([g.session('P', 'k'), upgrade(g, 'probe'), upgrade(g, 'failure')], {}, g.ts + 60_000)),
      ['upgrade-failed'],
    );
    const h = new EventFactory();
    assert.deepEqual(analyse([h.session('P', 'k', { transport: 'websocket' })], {}, h.ts + 60_000), []);
    const i = new EventFactory();
    assert.deepEqual(analyse([i.session('P', 'k')], { upgradeWindowMs: 10_000 }, i.ts + 6000), []);
    const j = new EventFactory();
    const hidden = j.session('P', 'k', {
      open: { pingInterval: 1, pingTimeout: 1, upgrades: [] },
      hiddenUpgrades: ['websocket'],
    });
    assert.deepEqual(analyse([hidden], {}, j.ts + 60_000), []);
  });
});

describe('protocol-mismatch', () => {
  const http = (f: EventFactory, url: string, status: number, body: string, sessionId?: string) =>
    f.ev({
      type: 'http',
      ...(sessionId ? { sessionId } : {}),
      method: 'GET',
      url,
      status,
      requestHeaders: { host: 'localhost:8080' },
      responseHeaders: {},
      responseBody: body,
      startedAt: f.ts,
      duration: 1,
    } as UnstampedEvent);

  /** socket.io@4's answer to a socket.io@2 client's handshake. */
  const unsupported = (f: EventFactory) =>
    http(
      f,
      '/socket.io/?EIO=3&transport=polling&t=x',
      400,
      '{"code":5,"message":"Unsupported protocol version"}',
    );

  test('a v2 client against a server without allowEIO3', () => {
    const f = new EventFactory();
    const refused = unsupported(f);
    const found = analyse([refused]);
    assert.deepEqual(
      found.map((p) => [p.kind, p.severity, p.seqs, p.confidence]),
      [['protocol-mismatch', 'error', [refused.seq], 'certain']],
    );
    assert.match(found[0]!.title, /Engine\.IO 3 .*Unsupported protocol version/);
    assert.match(found[0]!.fix, /allowEIO3: true/);
    assert.match(found[0]!.fix, /socket\.io-client@4/);
  });

  test('the failed attempt of that handshake is not also handshake-refused (one problem, one fix)', () => {
    const f = new EventFactory();
    const error = 'the target answered 400: {"code":5,"message":"Unsupported protocol version"}';
    const events = [
      f.ev({ type: 'attempt', clientKey: 'k', attempt: 0, delay: 0, cause: error, outcome: 'failed', error }),
      unsupported(f),
    ];
    assert.deepEqual(kinds(analyse(events)), ['protocol-mismatch']);
  });

  test('a v3/v4 client against socket.io@2: an Engine.IO 3 answer over polling, a CONNECT without sid over WebSocket', () => {
    const f = new EventFactory();
    const answer = http(
      f,
      '/socket.io/?EIO=4&transport=polling&t=x',
      200,
      '97:0{"sid":"abc","upgrades":["websocket"]}2:40',
    );
    let found = analyse([answer]);
    assert.deepEqual(
      found.map((p) => [p.kind, p.seqs]),
      [['protocol-mismatch', [answer.seq]]],
    );
    assert.match(found[0]!.fix, /upgrade the server to socket\.io@4/);

    const g = new EventFactory();
    const session = g.session('W', 'k', { transport: 'websocket' });
    const connect = g.ev({
      type: 'packet',
      sessionId: 'W',
      direction: 's2c',
      transport: 'websocket',
      engine: 'message',
      size: 2,
      data: '0',
      sio: { type: 'CONNECT', nsp: '/' },
    } as UnstampedEvent);
    const connected = g.ev({ type: 'connect', sessionId: 'W', nsp: '/', socketId: 'W', recovered: false });
    found = analyse([session, connect, connected]);
    assert.deepEqual(
      found.map((p) => [p.kind, p.seqs]),
      [['protocol-mismatch', [connect.seq, connected.seq]]],
    );
    assert.match(found[0]!.detail ?? '', /v2\.x with a v3\.x client/);
  });

  test('not for a v4 CONNECT with sid, a v2 session, or another 400', () => {
    const f = new EventFactory();
    const v4 = [
      f.session('A', 'k', { transport: 'websocket' }),
      f.ev({
        type: 'packet',
        sessionId: 'A',
        direction: 's2c',
        transport: 'websocket',
        engine: 'message',
        size: 20,
        sio: { type: 'CONNECT', nsp: '/', args: { sid: 'x' } },
      } as UnstampedEvent),
      f.ev({ type: 'connect', sessionId: 'A', nsp: '/', socketId: 'x', recovered: false }),
      f.session('B', 'k', { eio: 3, transport: 'websocket' }),
      f.ev({
        type: 'packet',
        sessionId: 'B',
        direction: 's2c',
        transport: 'websocket',
        engine: 'message',
        size: 2,
        sio: { type: 'CONNECT', nsp: '/' },
      } as UnstampedEvent),
      f.ev({ type: 'connect', sessionId: 'B', nsp: '/', socketId: 'B', recovered: false }),
      http(f, '/socket.io/?EIO=4&transport=polling', 400, '{"code":3,"message":"Bad request"}'),
    ];
    assert.deepEqual(kinds(analyse(v4)), []);
  });
});

describe('namespace-void', () => {
  test('an event on a namespace never connected, refused, or disconnected; once each', () => {
    const f = new EventFactory();
    const events = [...wsSession(f)];
    const never = f.emit('S', 'c2s', 'hello', [], { nsp: '/admin' });
    const again = f.emit('S', 'c2s', 'hello', [], { nsp: '/admin' });
    const refused = f.ev({ type: 'connect_error', sessionId: 'S', nsp: '/secure', message: 'no' });
    const afterRefusal = f.emit('S', 'c2s', 'x', [], { nsp: '/secure' });
    const gone = f.ev({
      type: 'disconnect',
      sessionId: 'S',
      nsp: '/',
      clientReason: 'io server disconnect',
      serverReason: 'server namespace disconnect',
      leg: 'server',
      active: false,
      description: '',
    } as UnstampedEvent);
    const afterDisconnect = f.emit('S', 'c2s', 'y', []);
    const found = analyse([...events, never, again, refused, afterRefusal, gone, afterDisconnect]);
    assert.deepEqual(
      found.map((p) => [p.kind, p.title, p.seqs]),
      [
        [
          'namespace-void',
          '"hello" sent on /admin, never connected in this session: the server drops it',
          [never.seq],
        ],
        ['connect_error', 'namespace /secure refused the client: no', [refused.seq]],
        [
          'namespace-void',
          '"x" sent on /secure, which refused the client: the server drops it',
          [afterRefusal.seq],
        ],
        [
          'namespace-void',
          '"y" sent on /, which was disconnected: the server drops it',
          [afterDisconnect.seq],
        ],
      ],
    );
    assert.match(found[0]!.fix, /emit from the connect handler/);
  });

  test('not on connected namespaces, nor in a capture that shows no connect', () => {
    const f = new EventFactory();
    const events = [
      ...wsSession(f),
      f.emit('S', 'c2s', 'a', []),
      f.ev({ type: 'connect', sessionId: 'S', nsp: '/admin', socketId: 'z', recovered: false }),
      f.emit('S', 'c2s', 'b', [], { nsp: '/admin' }),
      f.session('T', 'k', { transport: 'websocket' }),
      f.emit('T', 'c2s', 'c', []),
    ];
    assert.deepEqual(analyse(events), []);
  });
});

describe('sticky-session', () => {
  test('"Session ID unknown" for a session the capture saw open; once; not for a sid never seen', () => {
    const f = new EventFactory();
    const open = f.session('S', 'k');
    const err = f.ev({
      type: 'error',
      sessionId: 'S',
      message: 'the target answered 400 {"code":1,"message":"Session ID unknown"}',
    });
    const stale = f.ev({
      type: 'error',
      sessionId: 'OLD',
      message: 'the target answered 400 {"code":1,"message":"Session ID unknown"}',
    });
    const found = analyse([open, err, err, stale]).filter((p) => p.kind !== 'error');
    assert.deepEqual(
      found.map((p) => [p.kind, p.seqs, p.confidence]),
      [['sticky-session', [open.seq, err.seq], 'likely']],
    );
    // The evidence names the handshake and the refusal.
    assert.match(
      found[0]!.evidence[0]!,
      new RegExp(`session S was handshook by the target \\(#${open.seq}, `),
    );
    assert.match(
      found[0]!.evidence[1]!,
      new RegExp(`ms after its handshake, error #${err.seq}: .*Session ID unknown`),
    );
    assert.match(found[0]!.fix, /sticky sessions/);
    assert.match(found[0]!.fix, /transports: \['websocket'\]/);
  });
});

describe('cors', () => {
  const poll = (f: EventFactory, req: Record<string, string>, res: Record<string, string>, sessionId = 'S') =>
    f.ev({
      type: 'http',
      sessionId,
      method: 'GET',
      url: '/socket.io/?EIO=4&transport=polling',
      status: 200,
      requestHeaders: { host: 'api.example:8080', ...req },
      responseHeaders: res,
      startedAt: f.ts,
      duration: 1,
    } as UnstampedEvent);

  test('a cross-origin answer without Access-Control-Allow-Origin, or credentials without credentials: true', () => {
    const f = new EventFactory();
    const bare = poll(f, { origin: 'http://app.example:5173' }, {});
    const cookie = poll(
      f,
      { origin: 'http://app.example:5173', cookie: 'io=1' },
      { 'access-control-allow-origin': 'http://app.example:5173' },
      'T',
    );
    const found = analyse([f.session('S', 'k'), f.session('T', 'k'), bare, bare, cookie]);
    assert.deepEqual(
      found.map((p) => [p.kind, p.title, p.seqs]),
      [
        [
          'cors',
          'CORS: the answer to http://app.example:5173 has no Access-Control-Allow-Origin',
          [bare.seq],
        ],
        [
          'cors',
          'CORS: a request with credentials from http://app.example:5173 answered without Access-Control-Allow-Credentials: true',
          [cookie.seq],
        ],
      ],
    );
    assert.match(found[0]!.fix, /cors: \{ origin: /);
    assert.match(found[1]!.fix, /credentials: true/);
  });

  test('not same-origin, allowed, allowed with credentials, without Origin, or a WebSocket', () => {
    const f = new EventFactory();
    const events = [
      poll(f, { origin: 'http://api.example:8080' }, {}),
      poll(f, { origin: 'http://app.example' }, { 'access-control-allow-origin': 'http://app.example' }),
      poll(f, { origin: 'http://app.example' }, { 'access-control-allow-origin': '*' }),
      poll(
        f,
        { origin: 'http://app.example', cookie: 'a=1' },
        { 'access-control-allow-origin': 'http://app.example', 'access-control-allow-credentials': 'true' },
      ),
      poll(f, {}, {}),
      f.ev({
        type: 'http',
        method: 'GET',
        url: '/socket.io/?EIO=4&transport=websocket',
        status: 101,
        requestHeaders: { origin: 'http://elsewhere' },
        responseHeaders: {},
        startedAt: f.ts,
        duration: 1,
      } as UnstampedEvent),
    ];
    assert.deepEqual(analyse(events), []);
  });
});

describe('connect-loop', () => {
  const { handshake } = new EventFactory().session('x', 'x') as SessionEvent;
  const refuse = (f: EventFactory, sid: string, advance = 100) =>
    f.ev({ type: 'connect_error', sessionId: sid, nsp: '/', message: 'not authorized' }, advance);

  test('five refusals of one namespace for one client within 10 s, across its sessions; once', () => {
    const f = new EventFactory();
    // Two sessions clientKey does not link (k1, k2): one peer (address, user agent) all the same.
    const events: ProxyEvent[] = [f.session('A', 'k1'), f.session('B', 'k2')];
    const refusals = [
      refuse(f, 'A'),
      refuse(f, 'A'),
      refuse(f, 'A'),
      refuse(f, 'B'),
      refuse(f, 'B'),
      refuse(f, 'B'),
    ];
    const found = analyse([...events, ...refusals]).filter((p) => p.kind === 'connect-loop');
    assert.deepEqual(
      found.map((p) => [p.title, p.seqs, p.sessionId]),
      [
        [
          'refused 5 times in 0.4 s on /, and the client keeps trying: not authorized',
          refusals.slice(0, 5).map((e) => e.seq),
          'B',
        ],
      ],
    );
    assert.match(found[0]!.fix, /socket\.auth = \{ token: await refresh\(\) \}/);
  });

  test('not when the refusals are slow, from different clients, or broken by a successful connect', () => {
    const f = new EventFactory();
    const slow = [f.session('A', 'k'), ...Array.from({ length: 6 }, () => refuse(f, 'A', 3000))];
    assert.deepEqual(
      kinds(analyse(slow)).filter((k) => k === 'connect-loop'),
      [],
    );
    const g = new EventFactory();
    const many = Array.from({ length: 6 }, (_, i) => [
      g.session(`S${i}`, `k${i}`, { handshake: { ...handshake, address: `10.0.0.${i}` } }),
      refuse(g, `S${i}`),
    ]).flat();
    assert.deepEqual(
      kinds(analyse(many)).filter((k) => k === 'connect-loop'),
      [],
    );
    const h = new EventFactory();
    const broken = [
      h.session('A', 'k'),
      refuse(h, 'A'),
      refuse(h, 'A'),
      refuse(h, 'A'),
      h.ev({ type: 'connect', sessionId: 'A', nsp: '/', socketId: 'x', recovered: false }),
      refuse(h, 'A'),
      refuse(h, 'A'),
    ];
    assert.deepEqual(
      kinds(analyse(broken)).filter((k) => k === 'connect-loop'),
      [],
    );
  });
});

describe('slow-heartbeat', () => {
  /** `n` heartbeats of `sid`, each answered `rtt` ms after its ping. */
  const beats = (f: EventFactory, sid: string, n: number, rtt: number, eio4 = true) =>
    Array.from({ length: n }, () => {
      const ping = f.heartbeat(sid, 'ping', eio4 ? 's2c' : 'c2s');
      f.ts += rtt - 1;
      return [ping, f.heartbeat(sid, 'pong', eio4 ? 'c2s' : 's2c')];
    }).flat();
  const ws = { transport: 'websocket' } as const;

  test('a round trip ten times the median and over a second, once per session, naming who answered late', () => {
    const f = new EventFactory();
    const events = [f.session('A', 'k', ws), f.session('B', 'k', ws), ...beats(f, 'A', 12, 3)];
    const slow = beats(f, 'B', 2, 2500);
    const found = analyse([...events, ...slow]);
    assert.deepEqual(
      found.map((p) => [p.kind, p.title, p.seqs, p.sessionId]),
      [
        [
          'slow-heartbeat',
          'a heartbeat took 2.5 s; the median is 3 ms: the client answered late',
          [slow[0]!.seq, slow[1]!.seq],
          'B',
        ],
      ],
    );
    assert.match(found[0]!.fix, /ping timeout/);
  });

  test('not when every heartbeat is slow alike, under a second, or with few samples', () => {
    const f = new EventFactory();
    assert.deepEqual(analyse([f.session('A', 'k', ws), ...beats(f, 'A', 20, 1500)]), []);
    const g = new EventFactory();
    assert.deepEqual(
      analyse([g.session('A', 'k', ws), ...beats(g, 'A', 20, 3), ...beats(g, 'A', 1, 900)]),
      [],
    );
    const h = new EventFactory();
    assert.deepEqual(
      analyse([h.session('A', 'k', ws), ...beats(h, 'A', 3, 3), ...beats(h, 'A', 1, 5000)]),
      [],
    );
  });

  test('Engine.IO 3: the client pings and the server answers', () => {
    const f = new EventFactory();
    const events = [
      f.session('A', 'k', { eio: 3, ...ws }),
      ...beats(f, 'A', 12, 3, false),
      ...beats(f, 'A', 1, 3000, false),
    ];
    assert.match(analyse(events)[0]?.title ?? '', /the server answered late$/);
  });
});

describe('binary-base64', () => {
  const b64Session = (f: EventFactory, sid: string, b64: boolean) => {
    // Engine.IO 3 open packets have no maxPayload.
    const open = { pingInterval: 25000, pingTimeout: 5000, upgrades: ['websocket'] };
    const s = f.session(sid, 'k', { eio: 3, open }) as SessionEvent;
    if (b64) s.handshake.query = { ...s.handshake.query, b64: '1' };
    return s;
  };
  const attachment = (f: EventFactory, sid: string, size: number, transport = 'polling') =>
    f.ev({
      type: 'packet',
      sessionId: sid,
      direction: 'c2s',
      transport,
      engine: 'message',
      size,
      sio: { type: 'BINARY_EVENT', nsp: '/', event: 'up', args: ['up', { _placeholder: true, num: 0 }] },
    } as UnstampedEvent);

  test('a large attachment over polling in a b64=1 Engine.IO 3 session, once', () => {
    const f = new EventFactory();
    const big = attachment(f, 'A', 93_338);
    const found = analyse([b64Session(f, 'A', true), big, attachment(f, 'A', 93_338)]);
    assert.deepEqual(
      found.map((p) => [p.kind, p.title, p.seqs]),
      [['binary-base64', '91 KB of binary sent as base64 over polling by the client', [big.seq]]],
    );
    assert.match(found[0]!.fix, /forceBase64/);
  });

  test('not a small one, not without b64=1, not over WebSocket', () => {
    const f = new EventFactory();
    const events = [
      b64Session(f, 'A', true),
      attachment(f, 'A', 1000),
      attachment(f, 'A', 93_338, 'websocket'),
      b64Session(f, 'B', false),
      attachment(f, 'B', 93_338),
    ];
    assert.deepEqual(analyse(events), []);
  });
});
