/**
 * One recorded run, three readers: real socket.io@4 clients through the proxy (polling upgraded to
 * WebSocket with three namespaces, WebSocket only, polling only; acks both ways, a refused namespace,
 * disconnects by either side), read by
 *   - the proxy, live (its own events),
 *   - HAR import, from the HAR the proxy exports (GET /api/har builds it the same way),
 *   - the extension's capture decoder, from the page captures that traffic makes (the HAR's bodies
 *     and frames replayed as the page script reports them),
 * which must tell the same sessions, namespaces, socket ids, acks (with their keys) and reasons: all
 * three read it with the protocol core (shared/protocol/). Each adapter sees the client leg at least,
 * and everything compared here crossed it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Socket } from 'socket.io-client';
import type { Capture } from '../../extension/src/capture/protocol.js';
import { CaptureDecoder } from '../../extension/src/panel/capture-decoder.js';
import { parseCapture } from '../../panel/src/source/parse-capture.js';
import { applyEvents, createModel } from '../../panel/src/store/reduce.js';
import type {
  AckEvent,
  ConnectErrorEvent,
  ConnectEvent,
  DisconnectEvent,
  ProxyEvent,
  SessionEvent,
} from '../../shared/events.js';
import { eventsToHar, harToEvents, type Har, type HarEntry } from '../../shared/har.js';
import { ackKey } from '../../shared/protocol/sockets.js';
import { waitFor } from '../support/harness.js';
import { closeEvents, connected, startEnv, upgraded, type Env } from '../support/v4-helpers.js';

type Ack = (...args: unknown[]) => void;

const of = <T extends ProxyEvent['type']>(events: ProxyEvent[], type: T) =>
  events.filter((e): e is Extract<ProxyEvent, { type: T }> => e.type === type);

/** What every reader can know of the run, in a comparable form. */
function reading(events: ProxyEvent[]) {
  return {
    sessions: of(events, 'session')
      .map((s: SessionEvent) => `${s.sessionId} ${s.eio} ${s.transport}`)
      .sort(),
    connects: of(events, 'connect')
      .map((c: ConnectEvent) => `${c.sessionId} ${c.nsp} ${c.socketId} ${c.recovered}`)
      .sort(),
    connectErrors: of(events, 'connect_error')
      .map((c: ConnectErrorEvent) => `${c.sessionId} ${c.nsp} ${c.message}`)
      .sort(),
    disconnects: of(events, 'disconnect')
      .map(
        (d: DisconnectEvent) =>
          `${d.sessionId} ${d.nsp} ${d.socketId} ${d.clientReason} / ${d.serverReason} ${d.leg} ${d.active}`,
      )
      .sort(),
    acks: of(events, 'ack')
      .map((a: AckEvent) => `${a.sessionId} ${ackKey(a.direction, a.nsp, a.id)} ${a.event}`)
      .sort(),
  };
}

/**
 * The captures the page script would have sent for this traffic: a document, then each polling
 * exchange when its answer is complete, each WebSocket's open, frames and close, in time order.
 */
function capturesOf(har: Har): Capture[] {
  const doc = 'D0C';
  // `n` (the page's counter) is set once they are in order.
  const out: Capture[] = [];
  let first = Infinity;
  har.log.entries.forEach((e: HarEntry, conn) => {
    const start = Date.parse(e.startedDateTime);
    first = Math.min(first, start);
    const url = new URL(e.request.url);
    const origin = `http://${url.host}`;
    if (e._resourceType === 'websocket') {
      out.push({ k: 'ws-open', doc, n: 0, ts: start, conn, url: e.request.url, origin });
      let last = start;
      for (const m of e._webSocketMessages ?? []) {
        last = m.time * 1000;
        const frame = m.opcode === 2 ? { b64: m.data } : { text: m.data };
        out.push({
          k: 'ws-frame',
          doc,
          n: 0,
          ts: last,
          conn,
          dir: m.type === 'send' ? 'c2s' : 's2c',
          ...frame,
        });
      }
      out.push({ k: 'ws-close', doc, n: 0, ts: last + 0.5, conn, code: 1000, reason: '', wasClean: true });
      return;
    }
    const binary = (mime: string | undefined) => String(mime).startsWith('application/octet-stream');
    const post = e.request.postData;
    const content = e.response.content;
    out.push({
      k: 'http',
      doc,
      n: 0,
      ts: start + e.time,
      conn,
      via: 'xhr',
      method: e.request.method,
      url: e.request.url,
      origin,
      status: e.response.status,
      startedAt: start,
      ...(post?.text !== undefined
        ? binary(post.mimeType)
          ? { requestBody: Buffer.from(post.text, 'latin1').toString('base64'), requestB64: true }
          : { requestBody: post.text }
        : {}),
      ...(content.text !== undefined
        ? binary(content.mimeType)
          ? { responseBody: content.text, responseB64: true }
          : { responseBody: content.encoding === 'base64' ? atob(content.text) : content.text }
        : {}),
    });
  });
  out.sort((a, b) => a.ts - b.ts);
  return [
    { k: 'doc', doc, n: 0, ts: first - 1, url: 'http://page.test/' },
    ...out.map((c, i) => ({ ...c, n: i + 1 })),
  ];
}

describe('one recorded run through the proxy, HAR import and the extension decoder', () => {
  let env: Env;
  let live: ProxyEvent[];
  let har: Har;

  before(async () => {
    env = await startEnv();
    const io = env.target.io;
    io.on('connection', (socket) => socket.on('chat', (text: string, ack: Ack) => ack(`re: ${text}`)));
    io.of('/chat').on('connection', (socket) => {
      socket.on('ready', () => {
        socket.emit('ask', 'name?', () => socket.disconnect());
      });
    });
    io.of('/locked').use((_socket, next) => next(new Error('not allowed')));

    const sids: string[] = [];
    const finish = async (client: Socket) => {
      client.disconnect();
      await waitFor(() => closeEvents(env.proxy.events, sids.at(-1)).length > 0, 3000, 'the close');
    };

    // Polling upgraded to WebSocket: '/' acks the client's event, '/chat' the server's (and the
    // server then disconnects it), '/locked' is refused.
    const main = env.client('proxy', { transports: ['polling', 'websocket'] });
    await connected(main);
    await upgraded(main);
    sids.push(main.io.engine.id!);
    assert.equal(await main.timeout(3000).emitWithAck('chat', 'hi'), 're: hi');
    // A Manager's socket connects by itself (autoConnect): a connect() more would send a second CONNECT.
    const chat = main.io.socket('/chat');
    const serverLeft = new Promise<void>((resolve) => chat.on('disconnect', () => resolve()));
    chat.on('ask', (_q: string, ack: Ack) => ack('alice'));
    await connected(chat);
    chat.emit('ready');
    await serverLeft;
    const locked = main.io.socket('/locked');
    const refused = new Promise<void>((resolve) => locked.on('connect_error', () => resolve()));
    await refused;
    await finish(main);

    for (const transports of [['websocket'], ['polling']]) {
      const client = env.client('proxy', { transports });
      await connected(client);
      sids.push(client.io.engine.id!);
      assert.equal(await client.timeout(3000).emitWithAck('chat', transports[0]), `re: ${transports[0]}`);
      await finish(client);
    }

    live = [...env.proxy.events];
    har = JSON.parse(JSON.stringify(eventsToHar(live))) as Har;
  });
  after(() => env?.close());

  test('the run has what the comparison is about', () => {
    const r = reading(live);
    assert.equal(r.sessions.length, 3);
    assert.equal(r.connects.length, 4, 'three sessions on /, one on /chat');
    assert.equal(r.acks.length, 4, 'three client events acked, one server event');
    assert.equal(r.connectErrors.length, 1);
    assert.ok(r.disconnects.some((d) => d.includes('/chat') && d.includes('io server disconnect')));
    assert.ok(r.disconnects.some((d) => d.includes(' / ') && d.includes('io client disconnect')));
  });

  test('HAR import reads the same sessions, sockets, acks and reasons as the proxy', () => {
    assert.deepEqual(reading(harToEvents(har)), reading(live));
  });

  test('the extension decoder reads the same from the page captures', () => {
    const { events } = new CaptureDecoder().push(capturesOf(har));
    assert.deepEqual(of(events, 'error'), []);
    assert.deepEqual(reading(events), reading(live));
  });

  test('acks carry a latency in every reader', () => {
    const readers = [live, harToEvents(har), new CaptureDecoder().push(capturesOf(har)).events];
    for (const events of readers) {
      const acks = of(events, 'ack');
      assert.equal(acks.length, 4);
      assert.ok(acks.every((a) => Number.isFinite(a.latency) && a.latency >= 0 && a.eventSeq !== a.ackSeq));
    }
  });

  test('a HAR from the proxy opened in the panel shows sockets, disconnect reasons and ack latencies', () => {
    const { format, events } = parseCapture(JSON.stringify(har));
    assert.equal(format, 'har');
    const model = createModel();
    applyEvents(model, events);
    const sid = of(live, 'session')[0]!.sessionId;
    const session = model.sessions.get(sid);
    const liveConnect = of(live, 'connect').find((c) => c.sessionId === sid && c.nsp === '/chat');
    assert.equal(session?.namespaces['/chat']?.socketId, liveConnect?.socketId);
    assert.equal(session?.namespaces['/chat']?.disconnect?.clientReason, 'io server disconnect');
    assert.equal(session?.namespaces['/']?.disconnect?.clientReason, 'io client disconnect');
    assert.equal(session?.namespaces['/locked']?.state, 'refused');
    const ack = of(events, 'ack').find((a) => a.sessionId === sid && a.nsp === '/chat');
    assert.ok(ack);
    const row = model.packets.bySeq(ack.eventSeq);
    assert.equal(row?.latency, ack.latency);
    assert.equal(typeof row?.latency, 'number');
  });
});
