/**
 * HAR export and import of real traffic: socket.io@4 clients through the proxy (polling only, polling
 * upgraded to WebSocket, WebSocket only; acks and binary both ways), exported from the events on the
 * bus, imported back, and compared; then the same HAR served by GET /api/har, and built from the
 * event stream's history, whose cut payloads the plugin puts back.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { EventStream } from '../../proxy/stream/event-stream.js';
import { fullEvents, HarPlugin } from '../../proxy/stream/har-plugin.js';
import { UiServer } from '../../proxy/ui/ui-server.js';
import type { HttpEvent, PacketEvent, ProxyEvent, SessionEvent } from '../../shared/events.js';
import { eventsToHar, harToEvents, type Har } from '../../shared/har.js';
import { once, waitFor } from '../support/harness.js';
import { plain } from '../support/plain.js';
import {
  closeEvents,
  connected,
  startEnv,
  toBuffer,
  upgraded,
  type ClientOptions,
  type Env,
} from '../support/v4-helpers.js';

const TOKEN = 'har-token';
type Ack = (...args: unknown[]) => void;

const shape = (p: PacketEvent) =>
  plain([p.sessionId, p.direction, p.transport, p.engine, p.sio?.type, p.sio?.event, p.sio?.args]);
const packets = (events: ProxyEvent[]) => events.filter((e): e is PacketEvent => e.type === 'packet');
const sessions = (events: ProxyEvent[]) => events.filter((e): e is SessionEvent => e.type === 'session');
const https = (events: ProxyEvent[]) => events.filter((e): e is HttpEvent => e.type === 'http');
/** A session as plain JSON, without what an import changes (stamps, the import marker). */
const sessionShape = ({ seq: _s, ts: _t, importedFrom: _i, ...rest }: SessionEvent) =>
  JSON.parse(JSON.stringify(rest)) as unknown;

describe('HAR of real traffic', () => {
  let env: Env;
  let stream: EventStream;
  let ui: UiServer;
  let uiUrl: string;
  const sids: string[] = [];

  before(async () => {
    env = await startEnv();
    // A tiny payload limit: the history cuts the big messages, the store keeps them whole.
    stream = new EventStream(env.proxy.proxy.bus, { limit: 64 });
    env.target.io.on('connection', (socket) => {
      socket.on('chat', (text: string, ack: Ack) => ack({ ok: true, echo: text }));
      socket.on('file', (name: string, data: unknown, ack: Ack) => {
        socket.emit('file-back', name, toBuffer(data).reverse());
        ack(toBuffer(data).length);
      });
    });

    const session = async (opts: ClientOptions, upgrade: boolean) => {
      const client = env.client('proxy', opts);
      await connected(client);
      if (upgrade) await upgraded(client);
      sids.push(client.io.engine.id!);
      assert.deepEqual(await client.timeout(3000).emitWithAck('chat', `hello é ${sids.length}`), {
        ok: true,
        echo: `hello é ${sids.length}`,
      });
      const back = once<[string, unknown]>(client, 'file-back');
      assert.equal(await client.timeout(3000).emitWithAck('file', 'f.bin', Buffer.from([1, 2, 3, 4])), 4);
      await back;
      client.emit('big', 'x'.repeat(500)); // cut by the history's limit
      client.disconnect();
      await waitFor(() => closeEvents(env.proxy.events, sids.at(-1)).length > 0, 3000, 'the close');
    };
    // One after the other, so that the order across sessions is the order of the wire too.
    await session({ transports: ['polling'] }, false);
    await session({ transports: ['polling', 'websocket'] }, true);
    await session({ transports: ['websocket'] }, false);

    ui = new UiServer(env.proxy.proxy, TOKEN);
    ui.use(new HarPlugin(() => fullEvents(stream.history.events(), stream.payloads), { version: '1.2.3' }));
    const address: AddressInfo = await ui.listen(0, '127.0.0.1');
    uiUrl = `http://127.0.0.1:${address.port}`;
  });
  after(async () => {
    await ui?.close();
    stream?.close();
    await env?.close();
  });

  test('the traffic took the paths the test means: polling, an upgrade, WebSocket only', () => {
    const transports = (sid: string | undefined) =>
      [
        ...new Set(
          packets(env.proxy.events)
            .filter((p) => p.sessionId === sid)
            .map((p) => p.transport),
        ),
      ].join(' ');
    assert.deepEqual(sids.map(transports), ['polling', 'polling websocket', 'websocket']);
    assert.ok(packets(env.proxy.events).some((p) => p.sio?.type === 'BINARY_EVENT' && p.direction === 's2c'));
    assert.ok(packets(env.proxy.events).some((p) => p.sio?.type === 'BINARY_EVENT' && p.direction === 'c2s'));
    assert.ok(packets(env.proxy.events).some((p) => p.sio?.type === 'ACK'));
  });

  test('export then import: the same packets, in the same order, and the same sessions', () => {
    const live = env.proxy.events;
    const har = JSON.parse(JSON.stringify(eventsToHar(live))) as Har;
    const imported = harToEvents(har);
    assert.deepEqual(packets(imported).map(shape), packets(live).map(shape));
    assert.deepEqual(sessions(imported).map(sessionShape), sessions(live).map(sessionShape));
    const exchanges = (events: ProxyEvent[]) =>
      https(events)
        .map((h) => `${h.sessionId} ${h.method} ${h.status} ${h.url} ${h.requestBody} ${h.responseBody}`)
        .sort();
    assert.deepEqual(exchanges(imported), exchanges(live), 'one http event per entry, bodies whole');
    assert.ok(imported.every((e) => e.importedFrom === 'har'));
  });

  test('the HAR itself: absolute URLs, WebSocket entries with Chrome messages, binary frames', () => {
    const har = eventsToHar(env.proxy.events);
    const proxyHost = new URL(env.url('proxy')).host;
    assert.ok(har.log.entries.every((e) => e.request.url.includes(`://${proxyHost}/socket.io/?EIO=4`)));
    const ws = har.log.entries.filter((e) => e._resourceType === 'websocket');
    assert.equal(ws.length, 2, 'the upgrade and the WebSocket-only session');
    assert.ok(ws.every((e) => e.request.url.startsWith('ws://') && e.response.status === 101));
    const upgradeFrames = ws[0]!._webSocketMessages!.map((m) => m.data).slice(0, 3);
    assert.deepEqual(upgradeFrames, ['2probe', '3probe', '5']);
    const binary = ws.flatMap((e) => e._webSocketMessages!).filter((m) => m.opcode === 2);
    assert.deepEqual(
      binary.map((m) => `${m.type} ${Buffer.from(m.data, 'base64').toString('hex')}`),
      ['send 01020304', 'receive 04030201', 'send 01020304', 'receive 04030201'],
    );
    const polling = har.log.entries.filter((e) => e._resourceType === 'xhr');
    assert.ok(polling.some((e) => e.request.method === 'POST' && e.request.postData?.text?.startsWith('40')));
    assert.ok(polling.some((e) => e.response.content.text?.startsWith('0{"sid":')));
    assert.ok(
      polling.every((e) => typeof e.time === 'number' && !Number.isNaN(Date.parse(e.startedDateTime))),
    );
  });

  test('without our extension the packets still come back; sessions are rebuilt from the wire', () => {
    const live = env.proxy.events;
    const bare = harToEvents(JSON.parse(JSON.stringify(eventsToHar(live, { extensions: false }))) as Har);
    // Without our extension a polling response's packets are timed at the response's end, in whole
    // milliseconds (as in Chrome's HAR), and WebSocket frames at their own instants: while a session
    // upgrades, its two transports' packets within a millisecond or so of each other cannot be put
    // in order from the file. So: every packet back, in order on each transport.
    const perTransport = (events: ProxyEvent[], sid: string, transport: string) =>
      packets(events)
        .filter((p) => p.sessionId === sid && p.transport === transport)
        .map(shape);
    for (const sid of sids)
      for (const transport of ['polling', 'websocket'])
        assert.deepEqual(perTransport(bare, sid, transport), perTransport(live, sid, transport), sid);
    const sessionKeys = (events: ProxyEvent[]) =>
      sessions(events).map((s) => [
        s.sessionId,
        s.eio,
        s.transport,
        s.open,
        s.handshake.url,
        s.handshake.query,
      ]);
    assert.deepEqual(sessionKeys(bare), sessionKeys(live));
  });

  test('GET /api/har: the HAR of the history, cut payloads put back, behind the token', async () => {
    const res = await fetch(`${uiUrl}/api/har?token=${TOKEN}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="sio-proxy-.*\.har"/);
    const har = (await res.json()) as Har;
    assert.equal(har.log.creator.version, '1.2.3');
    const direct = JSON.parse(JSON.stringify(eventsToHar(env.proxy.events, { version: '1.2.3' }))) as Har;
    assert.deepEqual(
      har.log.entries.map((e) => [
        e.request.url,
        e.request.postData?.text,
        e.response.content.text,
        e._webSocketMessages,
      ]),
      direct.log.entries.map((e) => [
        e.request.url,
        e.request.postData?.text,
        e.response.content.text,
        e._webSocketMessages,
      ]),
      'the same entries as from the live events: the 500-character message is whole',
    );
    assert.ok(JSON.stringify(har).includes('x'.repeat(500)));
    assert.equal((await fetch(`${uiUrl}/api/har`)).status, 401);
    assert.equal((await fetch(`${uiUrl}/api/har?token=wrong`)).status, 401);
    assert.equal((await fetch(`${uiUrl}/api/har?token=${TOKEN}`, { method: 'POST' })).status, 405);
  });

  test('GET /api/har?session=: one session only', async () => {
    const sid = sids[1]!;
    const res = await fetch(`${uiUrl}/api/har?token=${TOKEN}&session=${encodeURIComponent(sid)}`);
    const har = (await res.json()) as Har;
    assert.ok(har.log.entries.length > 0);
    assert.ok(
      har.log.entries.every((e) => e.request.url.includes(`sid=${sid}`) || e._sioProxy?.sessionId === sid),
    );
    const imported = harToEvents(har);
    assert.deepEqual([...new Set(packets(imported).map((p) => p.sessionId))], [sid]);
  });
});
