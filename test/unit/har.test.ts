/**
 * HAR export and import (shared/har.ts): the export of a hand-built event list (as the proxy emits it
 * for an EIO4 polling session that upgrades to WebSocket and an EIO3 WebSocket-only session), the
 * import of that export, and the import of a HAR written the way Chrome DevTools writes "Save all as
 * HAR with content" (polling XHRs, a WebSocket entry with `_webSocketMessages`, unrelated entries).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as eio3 from 'engine.io-parser-v3';
import type { V3EncodablePacket } from 'engine.io-parser-v3';
import type {
  HttpEvent,
  PacketEvent,
  ProxyEvent,
  RoomEvent,
  SessionEvent,
  UnstampedEvent,
  UpgradeEvent,
} from '../../shared/events.js';
import { eventsToHar, harToEvents, type Har, type HarEntry } from '../../shared/har.js';
import { plain } from '../support/plain.js';

const T0 = Date.parse('2024-05-01T10:00:00.000Z');
const SID = 'AAAAsid1xyz';
const SID3 = 'BBBBsid2xyz';
const OPEN4 = `{"sid":"${SID}","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`;
const OPEN3 = `{"sid":"${SID3}","upgrades":[],"pingInterval":25000,"pingTimeout":5000}`;
const HOST = 'localhost:8080';

function build(): ProxyEvent[] {
  const out: ProxyEvent[] = [];
  const at = (ms: number, e: UnstampedEvent) =>
    out.push({ ...e, seq: out.length + 1, ts: T0 + ms } as ProxyEvent);
  const reqHeaders = { host: HOST, accept: '*/*', cookie: 'io=abc; theme=dark' };
  const http = (
    ms: number,
    e: Partial<HttpEvent> & Pick<HttpEvent, 'method' | 'url' | 'status'>,
  ): UnstampedEvent => ({
    type: 'http',
    requestHeaders: reqHeaders,
    responseHeaders: { 'content-type': 'text/plain; charset=UTF-8' },
    startedAt: T0 + ms - 2,
    duration: 2,
    ...e,
  });
  const packet = (
    e: Omit<PacketEvent, 'type' | 'seq' | 'ts' | 'size'> & { size?: number },
  ): UnstampedEvent => ({
    type: 'packet',
    size: 1 + (e.data?.length ?? 0),
    ...e,
  });

  // EIO4: polling handshake, CONNECT over polling, upgrade to WebSocket, an ack, a binary event.
  at(0, {
    type: 'session',
    sessionId: SID,
    clientKey: 'client-1',
    eio: 4,
    transport: 'polling',
    target: 'http://127.0.0.1:3000',
    handshake: {
      headers: reqHeaders,
      query: { EIO: '4', transport: 'polling', t: 'abc' },
      url: '/socket.io/?EIO=4&transport=polling&t=abc',
      address: '127.0.0.1',
      xdomain: false,
      secure: false,
      issued: T0,
      time: new Date(T0).toString(),
    },
    open: { pingInterval: 25000, pingTimeout: 20000, maxPayload: 1000000, upgrades: ['websocket'] },
    hiddenUpgrades: [],
  });
  at(0.2, packet({ sessionId: SID, direction: 's2c', transport: 'polling', engine: 'open', data: OPEN4 }));
  at(
    1,
    http(1, {
      sessionId: SID,
      method: 'GET',
      url: '/socket.io/?EIO=4&transport=polling&t=abc',
      status: 200,
      responseBody: `0${OPEN4}`,
    }),
  );
  at(
    10.3,
    packet({
      sessionId: SID,
      direction: 'c2s',
      transport: 'polling',
      engine: 'message',
      data: '0',
      sio: { type: 'CONNECT', nsp: '/' },
    }),
  );
  at(
    11,
    http(11, {
      sessionId: SID,
      method: 'POST',
      url: `/socket.io/?EIO=4&transport=polling&t=b&sid=${SID}`,
      status: 200,
      requestBody: '40',
      responseBody: 'ok',
    }),
  );
  at(
    20.5,
    packet({
      sessionId: SID,
      direction: 's2c',
      transport: 'polling',
      engine: 'message',
      data: '0{"sid":"sock1"}',
      sio: { type: 'CONNECT', nsp: '/', args: { sid: 'sock1' } },
    }),
  );
  at(
    21,
    http(21, {
      sessionId: SID,
      method: 'GET',
      url: `/socket.io/?EIO=4&transport=polling&t=c&sid=${SID}`,
      status: 200,
      responseBody: '40{"sid":"sock1"}',
    }),
  );
  at(
    30,
    http(30, {
      sessionId: SID,
      method: 'GET',
      url: `/socket.io/?EIO=4&transport=websocket&sid=${SID}`,
      status: 101,
      requestHeaders: { ...reqHeaders, upgrade: 'websocket', connection: 'Upgrade' },
      responseHeaders: { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-accept': 'x=' },
    }),
  );
  at(31, { type: 'upgrade', sessionId: SID, leg: 'client', stage: 'probe' });
  at(31, packet({ sessionId: SID, direction: 'c2s', transport: 'websocket', engine: 'ping', data: 'probe' }));
  at(32, packet({ sessionId: SID, direction: 's2c', transport: 'websocket', engine: 'pong', data: 'probe' }));
  at(33, { type: 'upgrade', sessionId: SID, leg: 'client', stage: 'success' });
  at(33, { type: 'upgrade', sessionId: SID, leg: 'server', stage: 'success' });
  at(33, packet({ sessionId: SID, direction: 'c2s', transport: 'websocket', engine: 'upgrade' }));
  at(33.4, packet({ sessionId: SID, direction: 's2c', transport: 'polling', engine: 'noop' }));
  at(
    34,
    http(34, {
      sessionId: SID,
      method: 'GET',
      url: `/socket.io/?EIO=4&transport=polling&t=d&sid=${SID}`,
      status: 200,
      responseBody: '6',
    }),
  );
  at(
    40,
    packet({
      sessionId: SID,
      direction: 'c2s',
      transport: 'websocket',
      engine: 'message',
      data: '21["chat","hi"]',
      sio: { type: 'EVENT', nsp: '/', id: 1, event: 'chat', args: ['chat', 'hi'] },
    }),
  );
  at(
    41,
    packet({
      sessionId: SID,
      direction: 's2c',
      transport: 'websocket',
      engine: 'message',
      data: '31["ok"]',
      sio: { type: 'ACK', nsp: '/', id: 1, args: ['ok'] },
    }),
  );
  at(
    50,
    packet({
      sessionId: SID,
      direction: 'c2s',
      transport: 'websocket',
      engine: 'message',
      data: '51-["file",{"_placeholder":true,"num":0}]',
    }),
  );
  at(
    50.1,
    packet({
      sessionId: SID,
      direction: 'c2s',
      transport: 'websocket',
      engine: 'message',
      size: 3,
      data: '<3 bytes>',
      binary: 'AQID',
      sio: {
        type: 'BINARY_EVENT',
        nsp: '/',
        event: 'file',
        args: ['file', Buffer.from([1, 2, 3])],
        attachments: [3],
      },
    }),
  );
  at(60, packet({ sessionId: SID, direction: 's2c', transport: 'websocket', engine: 'ping' }));
  at(60.2, packet({ sessionId: SID, direction: 'c2s', transport: 'websocket', engine: 'pong' }));

  // EIO3, WebSocket only: the session starts with the open frame; a binary frame carries its type byte.
  const wsHeaders = { host: HOST, upgrade: 'websocket', connection: 'Upgrade' };
  at(100, {
    type: 'session',
    sessionId: SID3,
    clientKey: 'client-2',
    eio: 3,
    transport: 'websocket',
    target: 'http://127.0.0.1:3000',
    handshake: {
      headers: wsHeaders,
      query: { EIO: '3', transport: 'websocket' },
      url: '/socket.io/?EIO=3&transport=websocket',
      address: '127.0.0.1',
      xdomain: false,
      secure: false,
      issued: T0 + 100,
      time: new Date(T0 + 100).toString(),
    },
    open: { pingInterval: 25000, pingTimeout: 5000, upgrades: [] },
    hiddenUpgrades: [],
  });
  at(
    100,
    http(100, {
      sessionId: SID3,
      method: 'GET',
      url: '/socket.io/?EIO=3&transport=websocket',
      status: 101,
      requestHeaders: wsHeaders,
      responseHeaders: { upgrade: 'websocket' },
    }),
  );
  at(
    100.1,
    packet({ sessionId: SID3, direction: 's2c', transport: 'websocket', engine: 'open', data: OPEN3 }),
  );
  at(
    100.2,
    packet({
      sessionId: SID3,
      direction: 's2c',
      transport: 'websocket',
      engine: 'message',
      data: '0',
      sio: { type: 'CONNECT', nsp: '/' },
    }),
  );
  at(
    101,
    packet({
      sessionId: SID3,
      direction: 's2c',
      transport: 'websocket',
      engine: 'message',
      data: '51-["img",{"_placeholder":true,"num":0}]',
    }),
  );
  at(
    101.1,
    packet({
      sessionId: SID3,
      direction: 's2c',
      transport: 'websocket',
      engine: 'message',
      size: 3,
      data: '<3 bytes>',
      binary: 'AAEC',
      sio: {
        type: 'BINARY_EVENT',
        nsp: '/',
        event: 'img',
        args: ['img', Buffer.from([0, 1, 2])],
        attachments: [3],
      },
    }),
  );
  return out;
}

/** What a round trip must keep of each packet. */
const packetShape = (p: PacketEvent) =>
  plain({
    sessionId: p.sessionId,
    direction: p.direction,
    transport: p.transport,
    engine: p.engine,
    data: p.data,
    binary: p.binary,
    sioType: p.sio?.type,
    nsp: p.sio?.nsp,
    id: p.sio?.id,
    event: p.sio?.event,
    args: p.sio?.args,
  });

const packets = (events: ProxyEvent[]) => events.filter((e): e is PacketEvent => e.type === 'packet');
const sessions = (events: ProxyEvent[]) => events.filter((e): e is SessionEvent => e.type === 'session');
const withoutStamp = ({ seq: _s, ts: _t, importedFrom: _i, ...rest }: ProxyEvent) => rest;

describe('eventsToHar', () => {
  const events = build();
  const har = eventsToHar(events, { version: '9.9.9' });
  const entries = har.log.entries;

  test('a HAR 1.2 log, plain JSON', () => {
    assert.equal(har.log.version, '1.2');
    assert.deepEqual(har.log.creator, { name: 'sio-proxy', version: '9.9.9' });
    assert.deepEqual(JSON.parse(JSON.stringify(har)), har);
    assert.match(har.log.comment ?? '', /client leg/);
  });

  test('one entry per polling exchange and per WebSocket, in start order, with absolute URLs', () => {
    assert.deepEqual(
      entries.map((e) => `${e.request.method} ${e.response.status} ${e._resourceType} ${e.request.url}`),
      [
        `GET 200 xhr http://${HOST}/socket.io/?EIO=4&transport=polling&t=abc`,
        `POST 200 xhr http://${HOST}/socket.io/?EIO=4&transport=polling&t=b&sid=${SID}`,
        `GET 200 xhr http://${HOST}/socket.io/?EIO=4&transport=polling&t=c&sid=${SID}`,
        `GET 101 websocket ws://${HOST}/socket.io/?EIO=4&transport=websocket&sid=${SID}`,
        `GET 200 xhr http://${HOST}/socket.io/?EIO=4&transport=polling&t=d&sid=${SID}`,
        `GET 101 websocket ws://${HOST}/socket.io/?EIO=3&transport=websocket`,
      ],
    );
  });

  test('polling entries: headers, cookies, query, bodies, times', () => {
    const [handshake, post] = entries as [HarEntry, HarEntry];
    assert.equal(handshake.startedDateTime, new Date(T0 - 1).toISOString());
    assert.equal(handshake.time, 2);
    assert.deepEqual(handshake.timings, {
      blocked: -1,
      dns: -1,
      connect: -1,
      ssl: -1,
      send: 0,
      wait: 2,
      receive: 0,
    });
    assert.deepEqual(handshake.request.queryString, [
      { name: 'EIO', value: '4' },
      { name: 'transport', value: 'polling' },
      { name: 't', value: 'abc' },
    ]);
    assert.deepEqual(handshake.request.cookies, [
      { name: 'io', value: 'abc' },
      { name: 'theme', value: 'dark' },
    ]);
    assert.ok(handshake.request.headers.some((h) => h.name === 'host' && h.value === HOST));
    assert.equal(handshake.request.headersSize, -1, 'header sizes are not known');
    assert.equal(handshake.response.content.text, `0${OPEN4}`);
    assert.equal(handshake.response.statusText, 'OK');
    assert.equal(post.request.postData?.text, '40');
    assert.equal(post.request.bodySize, 2);
    assert.equal(post.response.content.text, 'ok');
  });

  test('the handshake entry carries the session; polling entries when their packets were seen', () => {
    const [handshake, post] = entries as [HarEntry, HarEntry];
    assert.equal(handshake._sioProxy?.session?.sessionId, SID);
    assert.equal(handshake._sioProxy?.session?.handshake.address, '127.0.0.1');
    assert.equal(handshake._sioProxy?.responsePacketsAt, T0 + 0.2);
    assert.equal(post._sioProxy?.requestPacketsAt, T0 + 10.3);
    assert.equal(post._sioProxy?.session, undefined, 'only once per session');
    assert.equal(entries[5]?._sioProxy?.session?.sessionId, SID3);
  });

  test('WebSocket entries: Chrome _webSocketMessages, text frames rebuilt, binary as base64', () => {
    const ws = entries[3]!;
    assert.deepEqual(
      ws._webSocketMessages?.map(({ type, opcode, data }) => ({ type, opcode, data })),
      [
        { type: 'send', opcode: 1, data: '2probe' },
        { type: 'receive', opcode: 1, data: '3probe' },
        { type: 'send', opcode: 1, data: '5' },
        { type: 'send', opcode: 1, data: '421["chat","hi"]' },
        { type: 'receive', opcode: 1, data: '431["ok"]' },
        { type: 'send', opcode: 1, data: '451-["file",{"_placeholder":true,"num":0}]' },
        { type: 'send', opcode: 2, data: 'AQID' },
        { type: 'receive', opcode: 1, data: '2' },
        { type: 'send', opcode: 1, data: '3' },
      ],
    );
    assert.equal(ws._webSocketMessages?.[0]?.time, (T0 + 31) / 1000, 'epoch seconds');
    assert.equal(ws.response.statusText, 'Switching Protocols');
    assert.ok(ws.response.headers.some((h) => h.name === 'sec-websocket-accept'));
    const ws3 = entries[5]!;
    assert.deepEqual(
      ws3._webSocketMessages?.map(({ type, opcode, data }) => ({ type, opcode, data })),
      [
        { type: 'receive', opcode: 1, data: `0${OPEN3}` },
        { type: 'receive', opcode: 1, data: '40' },
        { type: 'receive', opcode: 1, data: '451-["img",{"_placeholder":true,"num":0}]' },
        { type: 'receive', opcode: 2, data: Buffer.from([4, 0, 1, 2]).toString('base64') },
      ],
      'EIO3 binary frames start with the message type byte',
    );
  });

  test('a WebSocket whose handshake was cut from the history: an entry that says so', () => {
    const cut = build().filter((e) => !(e.type === 'http' && e.status === 101 && e.sessionId === SID));
    const ws = eventsToHar(cut).log.entries.find(
      (e) => e._resourceType === 'websocket' && e.request.url.includes('EIO=4'),
    );
    assert.ok(ws);
    assert.equal(ws.request.url, `ws://${HOST}/socket.io/?EIO=4&transport=websocket&sid=${SID}`);
    assert.deepEqual(ws.request.headers, []);
    assert.match(ws.comment ?? '', /not captured/);
    assert.equal(ws._webSocketMessages?.length, 9);
  });

  test('without the extension, no _sioProxy', () => {
    const bare = eventsToHar(events, { extensions: false });
    assert.ok(bare.log.entries.every((e) => e._sioProxy === undefined));
  });
});

describe('harToEvents of our own export', () => {
  const events = build();
  const har = JSON.parse(JSON.stringify(eventsToHar(events))) as Har;
  const imported = harToEvents(har);

  test('the same packets, in the same order', () => {
    assert.deepEqual(packets(imported).map(packetShape), packets(events).map(packetShape));
  });

  test('the same sessions', () => {
    assert.deepEqual(sessions(imported).map(withoutStamp), sessions(events).map(withoutStamp));
  });

  test('http events and upgrades; every event marked, seq from 1, time order', () => {
    const http = imported.filter((e): e is HttpEvent => e.type === 'http');
    assert.equal(http.length, 6);
    assert.equal(http[1]?.requestBody, '40');
    assert.equal(http[0]?.url, '/socket.io/?EIO=4&transport=polling&t=abc');
    assert.deepEqual(
      imported.filter((e): e is UpgradeEvent => e.type === 'upgrade').map((u) => `${u.leg} ${u.stage}`),
      ['client probe', 'client success', 'server success'],
    );
    assert.ok(imported.every((e, i) => e.seq === i + 1 && e.importedFrom === 'har'));
    assert.ok(imported.every((e, i) => i === 0 || e.ts >= imported[i - 1]!.ts));
  });

  test('what the packets mean at the Socket.IO level: the socket connected, the ack with its latency', () => {
    const connects = imported.filter((e) => e.type === 'connect');
    assert.deepEqual(
      connects.map((c) => [c.sessionId, c.nsp, c.socketId]),
      // Protocol v4 (EIO3) names the socket after the engine id.
      [
        [SID, '/', 'sock1'],
        [SID3, '/', SID3],
      ],
    );
    const [ack, ...more] = imported.filter((e) => e.type === 'ack');
    assert.equal(more.length, 0);
    assert.deepEqual(
      [ack?.sessionId, ack?.nsp, ack?.id, ack?.direction, ack?.event],
      [SID, '/', 1, 'c2s', 'chat'],
    );
    assert.ok(Math.abs((ack?.latency ?? NaN) - 1) < 0.01, `latency ${ack?.latency}`);
    const bySeq = (seq: number | undefined) => imported.find((e) => e.seq === seq);
    assert.deepEqual(
      [bySeq(ack?.eventSeq), bySeq(ack?.ackSeq)].map((e) => (e?.type === 'packet' ? e.data : e?.type)),
      ['21["chat","hi"]', '31["ok"]'],
    );
  });

  test('without the extension, sessions are rebuilt from the handshake and the open packet', () => {
    const bare = harToEvents(JSON.parse(JSON.stringify(eventsToHar(events, { extensions: false }))) as Har);
    assert.deepEqual(
      packets(bare).map((p) => [p.direction, p.engine, p.sio?.type, p.sio?.event]),
      packets(events).map((p) => [p.direction, p.engine, p.sio?.type, p.sio?.event]),
    );
    const [s4, s3] = sessions(bare);
    assert.equal(s4?.sessionId, SID);
    assert.equal(s4?.eio, 4);
    assert.equal(s4?.transport, 'polling');
    assert.deepEqual(s4?.open, {
      pingInterval: 25000,
      pingTimeout: 20000,
      maxPayload: 1000000,
      upgrades: ['websocket'],
    });
    assert.equal(s4?.handshake.url, '/socket.io/?EIO=4&transport=polling&t=abc');
    assert.equal(s4?.handshake.address, '', 'not in a HAR');
    assert.equal(s3?.sessionId, SID3);
    assert.equal(s3?.eio, 3);
    assert.equal(s3?.transport, 'websocket');
  });
});

/** Written after Chrome's "Save all as HAR with content" of a page using socket.io-client 4. */
function chromeHar(): Har {
  const sid = 'Zx1-abcDEF_0000';
  const open = `{"sid":"${sid}","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`;
  const t = (ms: number) => new Date(T0 + ms).toISOString();
  const common = {
    cache: {},
    connection: '48213',
    _initiator: { type: 'script' },
    _priority: 'High',
    serverIPAddress: '[::1]',
  };
  const reqHeaders = (extra: { name: string; value: string }[] = []) => [
    { name: 'Accept', value: '*/*' },
    { name: 'Host', value: 'localhost:3000' },
    { name: 'Referer', value: 'http://localhost:3000/' },
    { name: 'User-Agent', value: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0.0.0 Safari/537.36' },
    ...extra,
  ];
  const timings = {
    blocked: 0.8,
    dns: -1,
    ssl: -1,
    connect: -1,
    send: 0.1,
    wait: 1.9,
    receive: 0.3,
    _blocked_queueing: 0.5,
  };
  const xhr = (
    ms: number,
    method: string,
    query: string,
    responseText: string,
    postText?: string,
  ): Record<string, unknown> => ({
    ...common,
    _resourceType: 'xhr',
    startedDateTime: t(ms),
    time: 3.1,
    request: {
      method,
      url: `http://localhost:3000/socket.io/?${query}`,
      httpVersion: 'HTTP/1.1',
      headers: reqHeaders(
        postText !== undefined ? [{ name: 'Content-Type', value: 'text/plain;charset=UTF-8' }] : [],
      ),
      queryString: [...new URLSearchParams(query).entries()].map(([name, value]) => ({ name, value })),
      cookies: [],
      headersSize: 412,
      bodySize: postText?.length ?? 0,
      ...(postText !== undefined
        ? { postData: { mimeType: 'text/plain;charset=UTF-8', text: postText } }
        : {}),
    },
    response: {
      status: 200,
      statusText: 'OK',
      httpVersion: 'HTTP/1.1',
      headers: [
        { name: 'Content-Type', value: 'text/plain; charset=UTF-8' },
        { name: 'Content-Length', value: String(responseText.length) },
      ],
      cookies: [],
      content: { size: responseText.length, mimeType: 'text/plain', compression: 0, text: responseText },
      redirectURL: '',
      headersSize: 180,
      bodySize: responseText.length,
      _transferSize: 180 + responseText.length,
      _error: null,
    },
    timings,
  });
  const sec = (ms: number) => (T0 + ms) / 1000;
  return {
    log: {
      version: '1.2',
      creator: { name: 'WebInspector', version: '537.36' },
      pages: [
        {
          startedDateTime: t(-500),
          id: 'page_1',
          title: 'http://localhost:3000/',
          pageTimings: { onContentLoad: 120.5, onLoad: 180.2 },
        },
      ],
      entries: [
        {
          ...common,
          _resourceType: 'document',
          pageref: 'page_1',
          startedDateTime: t(-500),
          time: 12.5,
          request: {
            method: 'GET',
            url: 'http://localhost:3000/',
            httpVersion: 'HTTP/1.1',
            headers: reqHeaders(),
            queryString: [],
            cookies: [],
            headersSize: 500,
            bodySize: 0,
          },
          response: {
            status: 200,
            statusText: 'OK',
            httpVersion: 'HTTP/1.1',
            headers: [{ name: 'Content-Type', value: 'text/html' }],
            cookies: [],
            content: { size: 30, mimeType: 'text/html', text: '<script src="/socket.io/socket.io.js">' },
            redirectURL: '',
            headersSize: 100,
            bodySize: 30,
          },
          timings,
        },
        xhr(0, 'GET', 'EIO=4&transport=polling&t=OxA1', `0${open}`),
        xhr(10, 'POST', `EIO=4&transport=polling&t=OxA2&sid=${sid}`, 'ok', '40/chat,{"token":"s3cret"}'),
        xhr(11, 'GET', `EIO=4&transport=polling&t=OxA3&sid=${sid}`, '40/chat,{"sid":"sockA"}'),
        xhr(30, 'GET', `EIO=4&transport=polling&t=OxA4&sid=${sid}`, '6'),
        {
          ...common,
          _resourceType: 'websocket',
          startedDateTime: t(20),
          time: 1.2,
          request: {
            method: 'GET',
            url: `ws://localhost:3000/socket.io/?EIO=4&transport=websocket&sid=${sid}`,
            httpVersion: 'HTTP/1.1',
            headers: reqHeaders([
              { name: 'Connection', value: 'Upgrade' },
              { name: 'Upgrade', value: 'websocket' },
              { name: 'Sec-WebSocket-Version', value: '13' },
              { name: 'Sec-WebSocket-Key', value: 'dGhlIHNhbXBsZSBub25jZQ==' },
              { name: 'Sec-WebSocket-Extensions', value: 'permessage-deflate; client_max_window_bits' },
            ]),
            queryString: [
              { name: 'EIO', value: '4' },
              { name: 'transport', value: 'websocket' },
              { name: 'sid', value: sid },
            ],
            cookies: [],
            headersSize: 520,
            bodySize: 0,
          },
          response: {
            status: 101,
            statusText: 'Switching Protocols',
            httpVersion: 'HTTP/1.1',
            headers: [
              { name: 'Upgrade', value: 'websocket' },
              { name: 'Connection', value: 'Upgrade' },
              { name: 'Sec-WebSocket-Accept', value: 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=' },
            ],
            cookies: [],
            content: { size: 0, mimeType: 'x-unknown' },
            redirectURL: '',
            headersSize: 129,
            bodySize: 0,
            _transferSize: 129,
            _error: null,
          },
          timings: { blocked: -1, dns: -1, ssl: -1, connect: -1, send: 0, wait: 1.2, receive: 0 },
          _webSocketMessages: [
            { type: 'send', time: sec(21), opcode: 1, data: '2probe' },
            { type: 'receive', time: sec(22), opcode: 1, data: '3probe' },
            { type: 'send', time: sec(29), opcode: 1, data: '5' },
            { type: 'send', time: sec(40), opcode: 1, data: '42/chat,7["chat message","hello €"]' },
            { type: 'receive', time: sec(41.5), opcode: 1, data: '43/chat,7[{"ok":true}]' },
            {
              type: 'send',
              time: sec(50),
              opcode: 1,
              data: '451-/chat,["upload",{"_placeholder":true,"num":0}]',
            },
            { type: 'send', time: sec(50.01), opcode: 2, data: 'AQID' },
            { type: 'receive', time: sec(60), opcode: 1, data: '2' },
            { type: 'send', time: sec(60.2), opcode: 1, data: '3' },
            { type: 'receive', time: sec(70), opcode: 1, data: '42/chat,["news",{"n":1}]' },
          ],
        },
        {
          ...common,
          _resourceType: 'script',
          startedDateTime: t(-400),
          time: 2,
          request: {
            method: 'GET',
            url: 'http://localhost:3000/socket.io/socket.io.js',
            httpVersion: 'HTTP/1.1',
            headers: reqHeaders(),
            queryString: [],
            cookies: [],
            headersSize: 300,
            bodySize: 0,
          },
          response: {
            status: 200,
            statusText: 'OK',
            httpVersion: 'HTTP/1.1',
            headers: [],
            cookies: [],
            content: { size: 10, mimeType: 'application/javascript', text: '/* io */' },
            redirectURL: '',
            headersSize: 100,
            bodySize: 10,
          },
          timings,
        },
      ],
    },
  } as unknown as Har;
}

describe('harToEvents of a Chrome DevTools HAR', () => {
  const events = harToEvents(chromeHar());

  test('only Engine.IO entries: http events for the 4 polls and the WebSocket', () => {
    const http = events.filter((e): e is HttpEvent => e.type === 'http');
    assert.deepEqual(
      http.map((h) => `${h.method} ${h.status} ${h.url.replace(/&t=\w+/, '')}`),
      [
        'GET 200 /socket.io/?EIO=4&transport=polling',
        'POST 200 /socket.io/?EIO=4&transport=polling&sid=Zx1-abcDEF_0000',
        'GET 200 /socket.io/?EIO=4&transport=polling&sid=Zx1-abcDEF_0000',
        'GET 101 /socket.io/?EIO=4&transport=websocket&sid=Zx1-abcDEF_0000',
        'GET 200 /socket.io/?EIO=4&transport=polling&sid=Zx1-abcDEF_0000',
      ],
    );
    assert.ok(http.every((h) => h.sessionId === 'Zx1-abcDEF_0000'));
    assert.equal(http[3]?.requestHeaders['sec-websocket-version'], '13', 'header names in lower case');
  });

  test('a session rebuilt from the handshake and the open packet', () => {
    const [session, more] = sessions(events);
    assert.equal(more, undefined);
    assert.ok(session);
    assert.equal(session.sessionId, 'Zx1-abcDEF_0000');
    assert.equal(session.eio, 4);
    assert.equal(session.transport, 'polling');
    assert.equal(session.target, 'http://localhost:3000');
    assert.deepEqual(session.open, {
      pingInterval: 25000,
      pingTimeout: 20000,
      maxPayload: 1000000,
      upgrades: ['websocket'],
    });
    assert.equal(session.handshake.url, '/socket.io/?EIO=4&transport=polling&t=OxA1');
    assert.deepEqual(session.handshake.query, { EIO: '4', transport: 'polling', t: 'OxA1' });
    assert.equal(session.handshake.headers.host, 'localhost:3000');
    assert.equal(session.handshake.issued, T0);
    assert.equal(session.importedFrom, 'har');
    assert.ok(events.indexOf(session) < events.findIndex((e) => e.type === 'packet'), 'before its packets');
  });

  test('packets decoded as Socket.IO, in time order across polling and WebSocket', () => {
    assert.deepEqual(
      packets(events).map((p) =>
        plain([p.direction, p.transport, p.engine, p.sio?.type, p.sio?.nsp, p.sio?.id, p.sio?.args]),
      ),
      plain([
        ['s2c', 'polling', 'open', undefined, undefined, undefined, undefined],
        ['c2s', 'polling', 'message', 'CONNECT', '/chat', undefined, { token: 's3cret' }],
        ['s2c', 'polling', 'message', 'CONNECT', '/chat', undefined, { sid: 'sockA' }],
        ['c2s', 'websocket', 'ping', undefined, undefined, undefined, undefined],
        ['s2c', 'websocket', 'pong', undefined, undefined, undefined, undefined],
        ['c2s', 'websocket', 'upgrade', undefined, undefined, undefined, undefined],
        ['s2c', 'polling', 'noop', undefined, undefined, undefined, undefined],
        ['c2s', 'websocket', 'message', 'EVENT', '/chat', 7, ['chat message', 'hello €']],
        ['s2c', 'websocket', 'message', 'ACK', '/chat', 7, [{ ok: true }]],
        ['c2s', 'websocket', 'message', undefined, undefined, undefined, undefined],
        [
          'c2s',
          'websocket',
          'message',
          'BINARY_EVENT',
          '/chat',
          undefined,
          ['upload', new Uint8Array([1, 2, 3])],
        ],
        ['s2c', 'websocket', 'ping', undefined, undefined, undefined, undefined],
        ['c2s', 'websocket', 'pong', undefined, undefined, undefined, undefined],
        ['s2c', 'websocket', 'message', 'EVENT', '/chat', undefined, ['news', { n: 1 }]],
      ]),
    );
    const all = packets(events);
    assert.equal(all[7]?.sio?.event, 'chat message');
    assert.equal(all[7]?.size, Buffer.byteLength('42/chat,7["chat message","hello €"]'));
    assert.equal(all[10]?.data, '<3 bytes>');
    assert.equal(all[10]?.binary, 'AQID');
    assert.deepEqual(all[10]?.sio?.attachments, [3]);
    assert.equal(all[3]?.data, 'probe');
    assert.equal(all[0]?.ts, T0 + 3.1, 'a poll answer at the end of its exchange');
    assert.equal(all[1]?.ts, T0 + 10, 'a POST body at the start of its exchange');
  });

  test('the upgrade, from the probe and the upgrade packet', () => {
    assert.deepEqual(
      events.filter((e): e is UpgradeEvent => e.type === 'upgrade').map((u) => `${u.leg} ${u.stage}`),
      ['client probe', 'client success', 'server success'],
    );
  });

  test('every event marked as imported, seq from 1', () => {
    assert.ok(events.every((e, i) => e.importedFrom === 'har' && e.seq === i + 1));
  });

  test('a HAR that is not one, or has no Engine.IO traffic, gives no events', () => {
    assert.deepEqual(harToEvents({} as Har), []);
    const har = chromeHar();
    har.log.entries = har.log.entries.filter((e) => !e.request.url.includes('EIO='));
    assert.deepEqual(harToEvents(har), []);
  });
});

describe('harToEvents of EIO3 polling', () => {
  function payload(packets: V3EncodablePacket[], binary: boolean): string | Buffer {
    let out: string | Buffer | undefined;
    if (binary) eio3.encodePayloadAsBinary(packets, (b) => (out = b));
    else eio3.encodePayload(packets, false, (b) => (out = b));
    return out!;
  }
  const sid = 'v3sid';
  const open = `{"sid":"${sid}","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":5000}`;

  function entry(ms: number, query: string, method: string, mime: string, body: string | Buffer): HarEntry {
    const binary = typeof body !== 'string';
    const url = `http://localhost:3000/socket.io/?EIO=3&transport=polling&${query}`;
    return {
      startedDateTime: new Date(T0 + ms).toISOString(),
      time: 1,
      request: {
        method,
        url,
        httpVersion: 'HTTP/1.1',
        cookies: [],
        headers: [{ name: 'Host', value: 'localhost:3000' }],
        queryString: [],
        headersSize: -1,
        bodySize: -1,
        ...(method === 'POST' ? { postData: { mimeType: mime, text: String(body) } } : {}),
      },
      response: {
        status: 200,
        statusText: 'OK',
        httpVersion: 'HTTP/1.1',
        cookies: [],
        headers: [{ name: 'Content-Type', value: mime }],
        content:
          method === 'POST'
            ? { size: 2, mimeType: 'text/html', text: 'ok' }
            : binary
              ? { size: body.length, mimeType: mime, text: body.toString('base64'), encoding: 'base64' }
              : { size: body.length, mimeType: mime, text: body },
        redirectURL: '',
        headersSize: -1,
        bodySize: -1,
      },
      cache: {},
      timings: { send: 0, wait: 1, receive: 0 },
    };
  }

  test('length-prefixed text, base64 binary and XHR2 binary payloads', () => {
    const har: Har = {
      log: {
        version: '1.2',
        creator: { name: 'test', version: '1' },
        entries: [
          entry(
            0,
            't=1',
            'GET',
            'text/plain; charset=UTF-8',
            payload(
              [
                { type: 'open', data: open },
                { type: 'message', data: '0' },
              ],
              false,
            ),
          ),
          entry(
            10,
            `t=2&sid=${sid}&b64=1`,
            'GET',
            'text/plain; charset=UTF-8',
            payload(
              [
                { type: 'message', data: '51-["a",{"_placeholder":true,"num":0}]' },
                { type: 'message', data: Buffer.from([9, 8]) },
              ],
              false,
            ),
          ),
          entry(
            20,
            `t=3&sid=${sid}`,
            'GET',
            'application/octet-stream',
            payload([{ type: 'message', data: '2["é",1]' }, { type: 'ping' }], true),
          ),
        ],
      },
    };
    const events = harToEvents(har);
    assert.equal(sessions(events)[0]?.eio, 3);
    assert.deepEqual(
      packets(events).map((p) => plain([p.engine, p.sio?.type, p.sio?.args, p.size])),
      plain([
        ['open', undefined, undefined, open.length + 1],
        ['message', 'CONNECT', undefined, 2],
        ['message', undefined, undefined, 39],
        ['message', 'BINARY_EVENT', ['a', new Uint8Array([9, 8])], 2 + 4],
        ['message', 'EVENT', ['é', 1], Buffer.byteLength('42["é",1]')],
        ['ping', undefined, undefined, 1],
      ]),
    );
  });
});

/** build() with the proxy's room events among its events: admin-ui facts and an inferred guess. */
function buildWithRooms(): ProxyEvent[] {
  const room = (ms: number, e: Omit<RoomEvent, 'type' | 'seq' | 'ts'>): ProxyEvent =>
    ({ type: 'room', seq: 0, ts: T0 + ms, ...e }) as ProxyEvent;
  const rooms = [
    // The socket's own room and its join, at the instant its CONNECT answer was seen: after it.
    room(20.5, {
      action: 'join',
      source: 'admin-ui',
      nsp: '/',
      room: 'sock1',
      socketId: 'sock1',
      sessionId: SID,
      own: true,
    }),
    room(20.5, {
      action: 'join',
      source: 'admin-ui',
      nsp: '/',
      room: 'blue',
      socketId: 'sock1',
      sessionId: SID,
    }),
    room(45, {
      action: 'group',
      source: 'inferred',
      nsp: '/',
      room: '<inferred #1: chat>',
      members: [SID, SID3],
      confidence: 'guess',
      evidence: ['2 sessions got the same "chat" EVENT text within 1 ms'],
    }),
    room(55, {
      action: 'leave',
      source: 'admin-ui',
      nsp: '/',
      room: 'blue',
      socketId: 'sock1',
      sessionId: SID,
    }),
  ];
  // Stamped as the bus stamps them: seq in the order they happened (a room after its instant's packet).
  const all = [...build(), ...rooms].map((e, i) => ({ e, i }));
  all.sort((a, b) => a.e.ts - b.e.ts || a.i - b.i);
  return all.map(({ e }, i) => ({ ...e, seq: i + 1 }));
}

const rooms = (events: ProxyEvent[]) => events.filter((e): e is RoomEvent => e.type === 'room');

describe('room events through a HAR (log._sioProxyRooms)', () => {
  const events = buildWithRooms();
  const har = JSON.parse(JSON.stringify(eventsToHar(events))) as Har;
  const imported = harToEvents(har);

  test('exported at log level, in seq order, each as the proxy reported it but its type and seq', () => {
    assert.deepEqual(
      har.log._sioProxyRooms,
      rooms(events).map(({ type: _t, seq: _s, ...rest }) => rest),
    );
    assert.ok(
      har.log.entries.every((e) => !JSON.stringify(e).includes('"blue"')),
      'on no entry',
    );
  });

  test('imported: the same room events, source, confidence and evidence included', () => {
    assert.deepEqual(rooms(imported).map(withoutStamp), rooms(events).map(withoutStamp));
    assert.deepEqual(
      rooms(imported).map((r) => r.ts),
      rooms(events).map((r) => r.ts),
    );
    assert.ok(rooms(imported).every((r) => r.importedFrom === 'har'));
  });

  test('in time order among the other events, as the proxy emitted them', () => {
    // Packets and rooms, in order: each room lands between the packets it came between live.
    const order = (list: ProxyEvent[]) =>
      list.flatMap((e) =>
        e.type === 'room' ? [`room ${e.action} ${e.room}`] : e.type === 'packet' ? [`packet ${e.data}`] : [],
      );
    assert.deepEqual(order(imported), order(events));
    assert.ok(imported.every((e, i) => e.seq === i + 1));
    assert.ok(imported.every((e, i) => i === 0 || e.ts >= imported[i - 1]!.ts));
  });

  test('no other event changes: the import equals that of the export without rooms', () => {
    const without = harToEvents(JSON.parse(JSON.stringify(eventsToHar(build()))) as Har);
    const rest = (list: ProxyEvent[]) =>
      list.filter((e) => e.type !== 'room').map(({ seq: _s, ...e }) => e as unknown);
    const unlinked = (list: unknown[]) =>
      list.map((e) => {
        const { eventSeq: _e, ackSeq: _a, ...rest } = e as { eventSeq?: number; ackSeq?: number };
        return plain(rest);
      });
    assert.deepEqual(unlinked(rest(imported)), unlinked(rest(without)));
  });

  test('without the extension, no rooms', () => {
    assert.equal(eventsToHar(events, { extensions: false }).log._sioProxyRooms, undefined);
    assert.equal(eventsToHar(build()).log._sioProxyRooms, undefined, 'none when there were none');
  });

  test('a Chrome HAR has none and imports as before: no room, no error', () => {
    const chrome = harToEvents(chromeHar());
    assert.deepEqual(rooms(chrome), []);
    assert.deepEqual(
      chrome.filter((e) => e.type === 'error'),
      [],
    );
  });

  test('items that are not room events are left out, and counted in an error event', () => {
    const edited = JSON.parse(JSON.stringify(har)) as Har & { log: { _sioProxyRooms: unknown[] } };
    edited.log._sioProxyRooms.push(
      { ts: T0 + 56, action: 'join', source: 'admin-ui', nsp: '/' },
      { ts: T0 + 57, action: 'group', source: 'inferred', nsp: '/', room: 'r', members: 'AB' },
      'join',
    );
    const out = harToEvents(edited);
    assert.deepEqual(rooms(out).map(withoutStamp), rooms(events).map(withoutStamp));
    const errors = out.filter((e) => e.type === 'error');
    assert.deepEqual(
      errors.map((e) => e.message),
      ["3 item(s) of the HAR's _sioProxyRooms could not be read as room events"],
    );
  });
});
