/**
 * The DevTools panel's decoder of in-page captures (extension/src/panel/capture-decoder.ts): raw
 * observations as the relay forwards them (polling bodies, WebSocket frames, a new document) in,
 * the panel's events out. Engine.IO v4 and v3, and input that is not what it should be.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type {
  AckEvent,
  AttemptEvent,
  CloseEvent,
  ConnectEvent,
  DisconnectEvent,
  ErrorEvent,
  HttpEvent,
  PacketEvent,
  ProxyEvent,
  SessionEvent,
  UpgradeEvent,
} from '../../shared/events.js';
import type { Capture } from '../../extension/src/capture/protocol.js';
import { CaptureDecoder, SERVER_UNKNOWN } from '../../extension/src/panel/capture-decoder.js';

type Unsent<C> = C extends Capture ? Omit<C, 'doc' | 'n' | 'ts'> : never;

const HOST = 'app.test:3000';
const ORIGIN = `http://${HOST}`;
const OPEN4 =
  '0{"sid":"S1","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}';
const OPEN3 = '0{"sid":"S3","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":5000}';

/** One document of a page, as its capture script numbers and times what it reports. */
class Doc {
  n = 0;
  t = 1_000;
  private conns = 0;
  constructor(
    readonly doc = 'doc-one-abc',
    readonly frame?: number,
  ) {}

  cap(c: Unsent<Capture>, after = 10): Capture {
    this.t += after;
    return {
      ...c,
      doc: this.doc,
      n: ++this.n,
      ts: this.t,
      ...(this.frame ? { frame: this.frame } : {}),
    } as Capture;
  }
  load(url = `${ORIGIN}/`): Capture {
    return this.cap({ k: 'doc', url });
  }
  /** A polling exchange that took `took` ms; `body` is the request's (POST) or the response's (GET). */
  poll(
    method: 'GET' | 'POST',
    query: string,
    body: string | undefined,
    opts: { status?: number; b64?: boolean; took?: number; error?: string; headers?: boolean } = {},
  ): Capture {
    const took = opts.took ?? 5;
    const startedAt = this.t + 10;
    const b64 = opts.b64 ? { [method === 'POST' ? 'requestB64' : 'responseB64']: true } : {};
    return this.cap(
      {
        k: 'http',
        conn: ++this.conns,
        via: 'xhr',
        method,
        url: `${ORIGIN}/socket.io/?${query}`,
        origin: ORIGIN,
        status: opts.status ?? 200,
        startedAt,
        ...(body === undefined
          ? {}
          : method === 'POST'
            ? { requestBody: body, responseBody: 'ok' }
            : { responseBody: body }),
        ...b64,
        ...(opts.error ? { error: opts.error } : {}),
        ...(opts.headers
          ? {
              requestHeaders: { 'content-type': 'text/plain;charset=UTF-8' },
              responseHeaders: { 'content-type': 'text/html' },
            }
          : {}),
      },
      10 + took,
    );
  }
  wsOpen(query: string): { open: Capture; conn: number } {
    const conn = ++this.conns;
    return {
      conn,
      open: this.cap({ k: 'ws-open', conn, url: `ws://${HOST}/socket.io/?${query}`, origin: ORIGIN }),
    };
  }
  frame_(conn: number, dir: 'c2s' | 's2c', data: string | Uint8Array, after = 10): Capture {
    return this.cap(
      typeof data === 'string'
        ? { k: 'ws-frame', conn, dir, text: data }
        : { k: 'ws-frame', conn, dir, b64: Buffer.from(data).toString('base64') },
      after,
    );
  }
  wsClose(conn: number, code = 1000): Capture {
    return this.cap({ k: 'ws-close', conn, code, reason: '', wasClean: code === 1000 });
  }
}

const of = <T extends ProxyEvent['type']>(events: ProxyEvent[], type: T) =>
  events.filter((e): e is Extract<ProxyEvent, { type: T }> => e.type === type);
const packets = (events: ProxyEvent[]) => of(events, 'packet') as PacketEvent[];

/** An EIO4 session opened over polling, its namespace connected, then upgraded to WebSocket. */
function eio4Session(d = new Doc()) {
  const q = 'EIO=4&transport=polling';
  const captures = [
    d.load(),
    d.poll('GET', `${q}&t=a`, OPEN4, { headers: true }),
    d.poll('POST', `${q}&t=b&sid=S1`, '40{"token":"t"}'),
    d.poll('GET', `${q}&t=c&sid=S1`, '40{"sid":"sock1"}'),
  ];
  const ws = d.wsOpen('EIO=4&transport=websocket&sid=S1');
  captures.push(
    ws.open,
    d.frame_(ws.conn, 'c2s', '2probe'),
    d.frame_(ws.conn, 's2c', '3probe'),
    d.frame_(ws.conn, 'c2s', '5'),
  );
  return { d, ws: ws.conn, captures };
}

test('EIO4: the handshake, the namespace connect, the upgrade, as the panel’s events', () => {
  const { captures } = eio4Session();
  const { events, documents } = new CaptureDecoder().push(captures);
  assert.deepEqual(documents, [`${ORIGIN}/`]);
  assert.deepEqual(
    events.map((e) => e.seq),
    events.map((_, i) => i + 1),
    'seq numbers in order',
  );

  const [session] = of(events, 'session') as SessionEvent[];
  assert.equal(session?.sessionId, 'S1');
  assert.equal(session?.eio, 4);
  assert.equal(session?.transport, 'polling');
  assert.equal(session?.target, ORIGIN);
  assert.deepEqual(session?.open, {
    pingInterval: 25000,
    pingTimeout: 20000,
    upgrades: ['websocket'],
    maxPayload: 1000000,
  });
  assert.equal(session?.handshake.xdomain, false);
  assert.deepEqual(session?.handshake.query, { EIO: '4', transport: 'polling', t: 'a' });
  // The headers the page set on the handshake request are the handshake's headers it can know.
  assert.deepEqual(session?.handshake.headers, { 'content-type': 'text/plain;charset=UTF-8' });

  // Every http exchange, with the headers the page set and could read.
  const http = of(events, 'http') as HttpEvent[];
  assert.equal(http.length, 3);
  assert.deepEqual(http[0]?.requestHeaders, { 'content-type': 'text/plain;charset=UTF-8' });
  assert.deepEqual(http[0]?.responseHeaders, { 'content-type': 'text/html' });
  assert.deepEqual(http[1]?.responseHeaders, {});
  assert.equal(http[0]?.duration, 5);
  assert.ok(http.every((h) => h.sessionId === 'S1'));

  const ps = packets(events);
  assert.deepEqual(
    ps.map((p) => [p.direction, p.transport, p.engine, p.sio?.type ?? p.data ?? '']),
    [
      ['s2c', 'polling', 'open', OPEN4.slice(1)],
      ['c2s', 'polling', 'message', 'CONNECT'],
      ['s2c', 'polling', 'message', 'CONNECT'],
      ['c2s', 'websocket', 'ping', 'probe'],
      ['s2c', 'websocket', 'pong', 'probe'],
      ['c2s', 'websocket', 'upgrade', ''],
    ],
  );
  // A POST's packets are timed when the request started, a GET's when its answer came.
  assert.equal(ps[1]?.ts, http[1]?.startedAt);
  assert.equal(ps[0]?.ts, (http[0]?.startedAt ?? 0) + 5);

  const [connect] = of(events, 'connect') as ConnectEvent[];
  assert.deepEqual(
    { nsp: connect?.nsp, socketId: connect?.socketId, auth: connect?.auth },
    { nsp: '/', socketId: 'sock1', auth: { token: 't' } },
  );
  assert.deepEqual(
    (of(events, 'upgrade') as UpgradeEvent[]).map((u) => [u.stage, u.leg]),
    [
      ['probe', 'client'],
      ['success', 'client'],
    ],
  );
  const [attempt] = of(events, 'attempt') as AttemptEvent[];
  assert.deepEqual(
    { attempt: attempt?.attempt, outcome: attempt?.outcome, sessionId: attempt?.sessionId },
    { attempt: 0, outcome: 'connected', sessionId: 'S1' },
  );
  assert.equal(attempt?.clientKey, session?.clientKey);
});

test('EIO4: emits with args, an ack with its latency both ways, binary attachments', () => {
  const { d, ws, captures } = eio4Session();
  const dec = new CaptureDecoder();
  dec.push(captures);
  const { events } = dec.push([
    d.frame_(ws, 'c2s', '42["hello",{"n":1},"two"]'),
    d.frame_(ws, 'c2s', '421["echo","x"]'),
    d.frame_(ws, 's2c', '431["x"]', 37),
    d.frame_(ws, 's2c', '4212["job"]'),
    d.frame_(ws, 'c2s', '4312[]', 20),
    d.frame_(ws, 's2c', '451-["file",{"_placeholder":true,"num":0}]'),
    d.frame_(ws, 's2c', new Uint8Array([1, 2, 3])),
  ]);
  const ps = packets(events);
  assert.deepEqual(ps[0]?.sio, { type: 'EVENT', nsp: '/', event: 'hello', args: ['hello', { n: 1 }, 'two'] });

  const acks = of(events, 'ack') as AckEvent[];
  assert.equal(acks.length, 2);
  const echo = ps.find((p) => p.sio?.event === 'echo');
  const ackPacket = ps.find((p) => p.sio?.type === 'ACK' && p.direction === 's2c');
  assert.deepEqual(
    { ...acks[0], seq: 0, ts: 0 },
    {
      type: 'ack',
      seq: 0,
      ts: 0,
      sessionId: 'S1',
      nsp: '/',
      id: 1,
      direction: 'c2s',
      event: 'echo',
      latency: 37,
      eventSeq: echo?.seq,
      ackSeq: ackPacket?.seq,
    },
  );
  // The server asked, the client answered.
  assert.deepEqual(
    [acks[1]?.direction, acks[1]?.event, acks[1]?.id, acks[1]?.latency],
    ['s2c', 'job', 12, 20],
  );

  // The binary event: its header frame, then the attachment frame that completes it.
  const bin = ps.at(-1);
  assert.equal(bin?.sio?.type, 'BINARY_EVENT');
  assert.equal(bin?.sio?.event, 'file');
  assert.deepEqual(bin?.sio?.attachments, [3]);
  assert.equal(bin?.binary, Buffer.from([1, 2, 3]).toString('base64'));
  assert.equal(bin?.data, '<3 bytes>');
});

test('EIO4: a client disconnect, then the WebSocket close, as the session’s end', () => {
  const { d, ws, captures } = eio4Session();
  const dec = new CaptureDecoder();
  dec.push(captures);
  const { events } = dec.push([d.frame_(ws, 'c2s', '41'), d.wsClose(ws)]);
  const [disconnect] = of(events, 'disconnect') as DisconnectEvent[];
  assert.deepEqual(
    [disconnect?.nsp, disconnect?.socketId, disconnect?.clientReason, disconnect?.active],
    ['/', 'sock1', 'io client disconnect', false],
  );
  const [close] = of(events, 'close') as CloseEvent[];
  assert.deepEqual(
    [close?.sessionId, close?.reason, close?.serverReason, close?.leg],
    ['S1', 'io client disconnect', SERVER_UNKNOWN, 'client'],
  );
  assert.match(close?.description ?? '', /code 1000/);
});

test('attempts: a dropped session and failed handshakes are grouped as one client’s reconnects', () => {
  const { d, ws, captures } = eio4Session();
  const dec = new CaptureDecoder();
  dec.push(captures);
  const q = 'EIO=4&transport=polling';
  const { events } = dec.push([
    d.wsClose(ws, 1006), // the server went away
    d.poll('GET', `${q}&t=x`, undefined, { status: 0, error: 'request failed or aborted', took: 1 }),
    d.poll('GET', `${q}&t=y`, OPEN4.replace('S1', 'S2'), { took: 1 }),
  ]);
  const [close] = of(events, 'close') as CloseEvent[];
  assert.equal(close?.reason, 'transport close');
  const attempts = of(events, 'attempt') as AttemptEvent[];
  assert.deepEqual(
    attempts.map((a) => [a.attempt, a.outcome, a.cause, a.sessionId, a.error]),
    [
      [1, 'failed', 'transport close', undefined, 'request failed or aborted'],
      [2, 'connected', 'transport close', 'S2', undefined],
    ],
  );
  assert.ok(attempts.every((a) => a.clientKey === attempts[0]?.clientKey && a.delay > 0));
  // The failed handshake is an http event of no session.
  assert.ok((of(events, 'http') as HttpEvent[]).some((h) => h.status === 0 && h.sessionId === undefined));
});

test('a failed poll closes a polling session with socket.io-client’s "transport error"', () => {
  const d = new Doc();
  const q = 'EIO=4&transport=polling';
  const { events } = new CaptureDecoder().push([
    d.load(),
    d.poll('GET', `${q}&t=a`, OPEN4),
    d.poll('GET', `${q}&t=b&sid=S1`, '{"code":1,"message":"Session ID unknown"}', { status: 400 }),
  ]);
  const [close] = of(events, 'close') as CloseEvent[];
  assert.deepEqual([close?.reason, close?.description], ['transport error', 'poll answered HTTP 400']);
});

test('EIO3: length-prefixed text payloads, b64 packets, XHR2 binary payloads, client pings', () => {
  const d = new Doc();
  const q = 'EIO=3&transport=polling';
  const len = (p: string) => `${p.length}:${p}`;
  // XHR2 binary payload: <0 text | 1 binary><length digits><0xff><packet>, per packet.
  const header = '451-["bin",{"_placeholder":true,"num":0}]';
  const digits = (n: number) => [...String(n)].map(Number);
  const binaryBody = Buffer.from([
    0,
    ...digits(header.length),
    0xff,
    ...Buffer.from(header),
    1,
    ...digits(4),
    0xff,
    4,
    7,
    8,
    9,
  ]);
  const { events } = new CaptureDecoder().push([
    d.load(),
    d.poll('GET', `${q}&t=a`, len(OPEN3) + len('40')),
    d.poll('POST', `${q}&t=b&sid=S3`, len('42["hello",1]') + len('2'), { took: 3 }),
    // forceBase64: the attachment as a `b4<base64>` packet
    d.poll('POST', `${q}&t=c&sid=S3&b64=1`, len('451-["up",{"_placeholder":true,"num":0}]') + len('b4AQID')),
    d.poll('GET', `${q}&t=d&sid=S3`, binaryBody.toString('base64'), { b64: true }),
    d.poll('GET', `${q}&t=e&sid=S3`, len('3')),
  ]);
  const [session] = of(events, 'session') as SessionEvent[];
  assert.deepEqual([session?.sessionId, session?.eio, session?.open.pingTimeout], ['S3', 3, 5000]);
  assert.equal(of(events, 'error').length, 0, JSON.stringify(of(events, 'error')));
  const ps = packets(events);
  assert.deepEqual(
    ps.map((p) => [p.direction, p.engine, p.sio?.type ?? p.data ?? '']),
    [
      ['s2c', 'open', OPEN3.slice(1)],
      ['s2c', 'message', 'CONNECT'],
      ['c2s', 'message', 'EVENT'],
      ['c2s', 'ping', ''],
      ['c2s', 'message', header.slice(1).replace('bin', 'up')],
      ['c2s', 'message', 'BINARY_EVENT'],
      ['s2c', 'message', header.slice(1)],
      ['s2c', 'message', 'BINARY_EVENT'],
      ['s2c', 'pong', ''],
    ],
  );
  assert.deepEqual(ps[5]?.sio?.attachments, [3]);
  assert.equal(ps[5]?.binary, Buffer.from([1, 2, 3]).toString('base64'));
  assert.deepEqual(ps[7]?.sio?.attachments, [3]);
  assert.equal(ps[7]?.binary, Buffer.from([7, 8, 9]).toString('base64'));
  // EIO3's CONNECT to `/` carries no socket id: the engine id stands for it in v2, not known here.
  assert.equal((of(events, 'connect') as ConnectEvent[])[0]?.nsp, '/');
});

test('EIO3 over WebSocket: the probe, binary frames with their type byte, the client’s pings', () => {
  const d = new Doc();
  const q = 'EIO=3&transport=polling';
  const dec = new CaptureDecoder();
  dec.push([d.load(), d.poll('GET', `${q}&t=a`, `${OPEN3.length}:${OPEN3}2:40`)]);
  const ws = d.wsOpen('EIO=3&transport=websocket&sid=S3');
  const { events } = dec.push([
    ws.open,
    d.frame_(ws.conn, 'c2s', '2probe'),
    d.frame_(ws.conn, 's2c', '3probe'),
    d.frame_(ws.conn, 'c2s', '5'),
    d.frame_(ws.conn, 'c2s', '2'),
    d.frame_(ws.conn, 's2c', '3'),
    d.frame_(ws.conn, 'c2s', '451-1["up",{"_placeholder":true,"num":0}]'),
    d.frame_(ws.conn, 'c2s', new Uint8Array([4, 0xaa, 0xbb])),
    d.frame_(ws.conn, 's2c', '431[2]', 15),
  ]);
  assert.deepEqual(
    (of(events, 'upgrade') as UpgradeEvent[]).map((u) => u.stage),
    ['probe', 'success'],
  );
  const ps = packets(events);
  assert.deepEqual(
    ps.slice(3, 5).map((p) => [p.direction, p.engine, p.transport]),
    [
      ['c2s', 'ping', 'websocket'],
      ['s2c', 'pong', 'websocket'],
    ],
  );
  const up = ps.find((p) => p.sio?.type === 'BINARY_EVENT');
  assert.deepEqual([up?.sio?.event, up?.sio?.attachments, up?.binary], ['up', [2], 'qrs=']);
  const [ack] = of(events, 'ack') as AckEvent[];
  assert.deepEqual([ack?.event, ack?.latency, ack?.direction], ['up', 15, 'c2s']);
});

test('malformed input does not throw: error events, raw packets, the rest still decoded', () => {
  const d = new Doc();
  const q = 'EIO=4&transport=polling';
  const dec = new CaptureDecoder();
  dec.push([d.load(), d.poll('GET', `${q}&t=a`, OPEN4)]);
  const ws = d.wsOpen('EIO=4&transport=websocket&sid=S1');
  const batch: Capture[] = [
    // An undecodable polling body, an empty one, a broken EIO3 length prefix.
    d.poll('GET', `${q}&t=b&sid=S1`, 'x-not-engine-io'),
    d.poll('POST', `${q}&t=c&sid=S1`, ''),
    d.poll('GET', 'EIO=3&transport=polling&t=z', '99:0{'),
    ws.open,
    // A frame that is no Engine.IO packet, an empty binary frame in EIO3's sense, not JSON args
    // (after the CONNECT every Socket.IO session opens with).
    d.frame_(ws.conn, 's2c', 'zzz'),
    d.frame_(ws.conn, 's2c', '40{"sid":"x"}'),
    d.frame_(ws.conn, 's2c', '42["ok"]'),
    d.frame_(ws.conn, 's2c', '42{not json'),
    // Frames of a connection never opened, a URL that does not parse.
    d.frame_(99, 's2c', '42["ghost"]'),
    d.cap({ k: 'ws-open', conn: 100, url: 'not a url', origin: ORIGIN }),
    d.cap({
      k: 'http',
      conn: 101,
      via: 'fetch',
      method: 'GET',
      url: '::',
      origin: ORIGIN,
      status: 200,
      startedAt: 0,
    }),
    // Not a capture kind this decoder knows (a newer page script).
    { ...d.cap({ k: 'doc', url: 'x' }), k: 'future' } as unknown as Capture,
    d.frame_(ws.conn, 's2c', '42["still decoded"]'),
  ];
  let out: ReturnType<CaptureDecoder['push']> | undefined;
  assert.doesNotThrow(() => (out = dec.push(batch)));
  const events = out?.events ?? [];
  const errors = (of(events, 'error') as ErrorEvent[]).map((e) => e.message);
  assert.ok(errors.filter((m) => m.startsWith('undecodable polling payload')).length >= 2, errors.join('\n'));
  assert.ok(
    errors.some((m) => m.startsWith('capture not decoded')),
    errors.join('\n'),
  );
  assert.ok(
    errors.some((m) => m.startsWith('invalid Socket.IO packet')),
    errors.join('\n'),
  );
  const ps = packets(events);
  assert.ok(ps.some((p) => p.raw === true && p.data === '2{not json'));
  assert.deepEqual(
    ps.filter((p) => p.sio?.event).map((p) => p.sio?.event),
    ['ok', 'still decoded'],
  );
  assert.ok(!ps.some((p) => p.sio?.event === 'ghost'));
});

test('captures seen twice (the worker’s replay after a reconnect) are skipped', () => {
  const { captures } = eio4Session();
  const dec = new CaptureDecoder();
  const first = dec.push(captures.slice(0, 3)).events;
  const again = dec.push(captures).events;
  assert.equal(of(first, 'session').length, 1);
  assert.equal(of(again, 'session').length, 0);
  assert.equal(packets(first).length + packets(again).length, 6);
  assert.ok((again[0]?.seq ?? 0) > (first.at(-1)?.seq ?? 0), 'seq goes on');
});

test('a new top document ends the sessions of every frame; an iframe’s reload, its own only', () => {
  const top = new Doc('top-doc-1');
  const frame = new Doc('frm-doc-1', 7);
  const q = 'EIO=4&transport=polling';
  const dec = new CaptureDecoder();
  const first = dec.push([
    top.load(`${ORIGIN}/`),
    top.poll('GET', `${q}&t=a`, OPEN4),
    frame.load(`${ORIGIN}/frame.html`),
    frame.poll('GET', `${q}&t=b`, OPEN4.replace('S1', 'F1')),
  ]);
  // Only the top document is a reload of the tab for the panel.
  assert.deepEqual(first.documents, [`${ORIGIN}/`]);
  const sessions = of(first.events, 'session') as SessionEvent[];
  assert.deepEqual(
    sessions.map((s) => s.sessionId),
    ['S1', 'F1'],
  );
  assert.doesNotMatch(sessions[0]?.clientKey ?? '', /iframe/);
  assert.match(sessions[1]?.clientKey ?? '', /\(iframe http:\/\/app\.test:3000\/frame\.html\)$/);

  // The iframe reloads (same frame id, new document): its session ends, the top's goes on.
  const reloaded = new Doc('frm-doc-2', 7);
  reloaded.t = frame.t;
  const second = dec.push([reloaded.load(`${ORIGIN}/frame.html`)]);
  assert.deepEqual(second.documents, []);
  const closes = of(second.events, 'close') as CloseEvent[];
  assert.deepEqual(
    closes.map((c) => [c.sessionId, c.reason, c.description]),
    [['F1', 'transport close', 'the iframe was reloaded or navigated away']],
  );
  // Another iframe's new document leaves them be too.
  assert.equal(of(dec.push([new Doc('other-frm', 9).load(`${ORIGIN}/x`)]).events, 'close').length, 0);

  // The tab navigates: the top's session ends.
  const next = new Doc('top-doc-2');
  next.t = reloaded.t;
  const third = dec.push([next.load(`${ORIGIN}/next`)]);
  assert.deepEqual(third.documents, [`${ORIGIN}/next`]);
  assert.deepEqual(
    (of(third.events, 'close') as CloseEvent[]).map((c) => [c.sessionId, c.description]),
    [['S1', 'the page was reloaded or navigated away']],
  );
});

/* Two socket.io-client Managers of one page on one endpoint (`forceNew`, `multiplex: false`): the
 * capture sees their sockets, not the Managers, so which one reconnected is said with its confidence. */

/** A WebSocket-only session `sid` of `d`, its namespace connected. */
function wsOnly(d: Doc, sid: string): { conn: number; captures: Capture[] } {
  const ws = d.wsOpen('EIO=4&transport=websocket');
  return {
    conn: ws.conn,
    captures: [
      ws.open,
      d.frame_(ws.conn, 's2c', OPEN4.replace('S1', sid)),
      d.frame_(ws.conn, 'c2s', '40'),
      d.frame_(ws.conn, 's2c', `40{"sid":"sock-${sid}"}`),
    ],
  };
}

const attemptsOf = (events: ProxyEvent[]) =>
  (of(events, 'attempt') as AttemptEvent[]).map((a) => ({
    sid: a.sessionId,
    key: a.clientKey,
    attempt: a.attempt,
    confidence: a.confidence,
    evidence: a.evidence?.join(' | ') ?? '',
  }));

test('one client of an endpoint: its first session and its reconnect are certain', () => {
  const d = new Doc();
  const a = wsOnly(d, 'A1');
  const dec = new CaptureDecoder();
  dec.push([d.load(), ...a.captures, d.wsClose(a.conn, 1006)]);
  const again = wsOnly(d, 'A2');
  const { events } = dec.push(again.captures);
  const [reconnect] = attemptsOf(events);
  assert.deepEqual([reconnect?.sid, reconnect?.attempt, reconnect?.confidence], ['A2', 1, 'certain']);
  assert.match(reconnect?.evidence ?? '', /only client of this endpoint/);
  assert.doesNotMatch(reconnect?.evidence ?? '', /Manager/);
});

test('two concurrent clients of one endpoint: each its own key, a reconnect beside the other not certain', () => {
  const d = new Doc();
  const a = wsOnly(d, 'A1');
  const b = wsOnly(d, 'B1');
  const dec = new CaptureDecoder();
  const first = attemptsOf(dec.push([d.load(), ...a.captures, ...b.captures]).events);
  assert.deepEqual(
    first.map((x) => [x.sid, x.attempt]),
    [
      ['A1', 0],
      ['B1', 0],
    ],
  );
  const [ka, kb] = [first[0]?.key ?? '', first[1]?.key ?? ''];
  assert.notEqual(ka, kb, 'a handshake while another session of the endpoint is open is another client');
  assert.equal(kb, `${ka} #2`);
  assert.equal(first[0]?.confidence, 'certain');
  assert.equal(first[1]?.confidence, 'likely');
  assert.match(first[1]?.evidence ?? '', /other session of this endpoint open/);

  // A drops and reconnects while B stays open: filed under A, and not stated as certain.
  const again = wsOnly(d, 'A2');
  const { events } = dec.push([d.wsClose(a.conn, 1006), ...again.captures]);
  const [reconnect] = attemptsOf(events);
  assert.deepEqual([reconnect?.sid, reconnect?.key, reconnect?.attempt], ['A2', ka, 1]);
  assert.notEqual(reconnect?.confidence, 'certain');
  const sessions = (of(events, 'session') as SessionEvent[]).map((s) => [s.sessionId, s.clientKey]);
  assert.deepEqual(sessions, [['A2', ka]]);
});

test('two clients of one endpoint both waiting to reconnect: each reconnect is a guess naming both', () => {
  const d = new Doc();
  const a = wsOnly(d, 'A1');
  const b = wsOnly(d, 'B1');
  const dec = new CaptureDecoder();
  dec.push([d.load(), ...a.captures, ...b.captures]);
  // The server restarts: both drop, then both come back (which first, the capture cannot see).
  const a2 = wsOnly(d, 'X1');
  const b2 = wsOnly(d, 'X2');
  const { events } = dec.push([
    d.wsClose(a.conn, 1006),
    d.wsClose(b.conn, 1006),
    ...a2.captures,
    ...b2.captures,
  ]);
  const attempts = attemptsOf(events);
  assert.deepEqual(
    attempts.map((x) => [x.sid, x.attempt]),
    [
      ['X1', 1],
      ['X2', 1],
    ],
  );
  assert.notEqual(attempts[0]?.key, attempts[1]?.key, 'each series continued once');
  assert.equal(attempts[0]?.confidence, 'guess');
  assert.match(attempts[0]?.evidence ?? '', /2 clients of this endpoint are waiting to reconnect \(#1, #2\)/);
  // The last one waiting is the only series left, but only because of the guess before it.
  assert.equal(attempts[1]?.confidence, 'guess');
  assert.match(attempts[1]?.evidence ?? '', /picked by a guess/);
  assert.ok(attempts.every((x) => !/Manager/.test(x.evidence)));
});

test('a new session after disconnect() starts a new series, not a reconnect', () => {
  const d = new Doc();
  const a = wsOnly(d, 'A1');
  const dec = new CaptureDecoder();
  dec.push([d.load(), ...a.captures, d.frame_(a.conn, 'c2s', '41'), d.wsClose(a.conn)]);
  const again = wsOnly(d, 'A2');
  const [next] = attemptsOf(dec.push(again.captures).events);
  assert.deepEqual([next?.sid, next?.attempt, next?.confidence], ['A2', 0, 'certain']);
});
