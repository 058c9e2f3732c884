/**
 * Engine.IO v3 edge cases found by running socket.io@2 <-> socket.io-client@2 scenarios directly and
 * through the proxy and comparing what both peers and the proxy's events say.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { V2ServerSocket } from 'socket.io-v2';
import type { CloseEvent } from '../../shared/events.js';
import { sleep, startProxy, waitFor, type Proxy } from '../support/harness.js';
import {
  closeSuite,
  connectPair,
  describeEvents,
  emitWithAckV2,
  nextEvent,
  packetEvents,
  startV2Target,
  type V2Target,
} from '../support/v2-helpers.js';

type Ack = (...args: unknown[]) => void;

const closeEvents = (proxy: Proxy, sid: string) =>
  proxy.events.filter((e): e is CloseEvent => e.type === 'close' && e.sessionId === sid);

describe('Engine.IO v3: socket.io@2 cuts a polling POST over maxHttpBufferSize', () => {
  // engine.io@3 answers no 413: it destroys the request's connection, then closes the session
  // ('parse error' when the body came in one read, else 'transport error') with a close packet on
  // the pending poll. The target is up all along.
  const LIMIT = 10_000;
  let target: V2Target;
  let proxy: Proxy;

  before(async () => {
    target = await startV2Target({ maxHttpBufferSize: LIMIT });
    target.io.on('connection', (socket: V2ServerSocket) =>
      socket.on('size', (v: string, ack: Ack) => ack(v.length)),
    );
    proxy = await startProxy(target.url);
  });

  after(() => closeSuite(proxy, target));

  async function overflow(url: string) {
    const { client, server } = await connectPair(target.io.sockets, url, { transports: ['polling'] });
    const sid = client.io.engine.id;
    assert.deepEqual(await emitWithAckV2(client, 'size', 'x'.repeat(LIMIT - 100)), [LIMIT - 100]);
    const clientReason = nextEvent(client, 'disconnect');
    const serverReason = nextEvent(server, 'disconnect');
    client.emit('size', 'x'.repeat(2 * LIMIT));
    const reasons = { client: (await clientReason)[0], server: (await serverReason)[0] };
    client.close();
    return { sid, reasons };
  }

  test('the peers hear the same reasons as directly, and the proxy names them', async () => {
    const direct = await overflow(target.url);
    const through = await overflow(proxy.url);
    assert.deepEqual(through.reasons, direct.reasons, 'reasons through the proxy');

    const closes = await waitFor(
      () => (closeEvents(proxy, through.sid).length === 2 ? closeEvents(proxy, through.sid) : undefined),
      2000,
      'both legs closed',
    );
    const session = proxy.events.filter((e) => 'sessionId' in e && e.sessionId === through.sid);
    for (const close of closes) {
      assert.equal(close.first, 'server', `the target ended the session:\n${describeEvents(session)}`);
      assert.equal(close.clientReason, through.reasons.client, 'the client reason the client heard');
      assert.equal(close.serverReason, through.reasons.server, 'the server reason the server heard');
      assert.doesNotMatch(close.description ?? '', /could not be reached/, 'the target was up');
      assert.match(close.description ?? '', /maxHttpBufferSize/);
    }
    assert.ok(
      proxy.events.some(
        (e) => e.type === 'error' && e.sessionId === through.sid && /cut the POST/.test(e.message),
      ),
      `an error event says the target cut the request:\n${describeEvents(session)}`,
    );
    const serverClose = packetEvents(proxy.events, through.sid).find(
      (e) => e.direction === 's2c' && e.engine === 'close',
    );
    assert.ok(serverClose, "the target's close packet on the pending poll was observed");
  });
});

describe('Engine.IO v3: requests of a polling session the target dropped', () => {
  let target: V2Target;
  let proxy: Proxy;

  before(async () => {
    target = await startV2Target();
    proxy = await startProxy(target.url);
  });

  after(() => closeSuite(proxy, target));

  test('the client\'s close packet after "xhr poll error" is observed, not an unknown sid', async () => {
    const { client } = await connectPair(target.io.sockets, proxy.url, {
      transports: ['polling'],
      reconnection: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 200,
      randomizationFactor: 0,
    });
    const sid = client.io.engine.id;
    const attempts: number[] = [];
    client.on('reconnect_attempt', (n: number) => attempts.push(n));
    const dropped = nextEvent(client, 'disconnect');
    const port = target.port;
    await target.close();
    assert.deepEqual(await dropped, ['transport error']);
    await sleep(300);
    target = await startV2Target({}, port);
    await nextEvent(client, 'connect', 5000);
    client.close();

    const session = proxy.events.filter((e) => 'sessionId' in e && e.sessionId === sid);
    const errors = proxy.events.filter((e) => e.type === 'error' && e.message.includes(sid));
    assert.deepEqual(
      errors.map((e) => e.type === 'error' && e.message),
      [],
      `no error about the session the proxy saw end:\n${describeEvents(session)}`,
    );
    const closePacket = packetEvents(proxy.events, sid).find(
      (e) => e.direction === 'c2s' && e.engine === 'close',
    );
    assert.ok(closePacket, `the client's close packet is one of the session's:\n${describeEvents(session)}`);
    const numbered = proxy.events.flatMap((e) => (e.type === 'attempt' && e.attempt > 0 ? [e.attempt] : []));
    assert.deepEqual(numbered, attempts, 'the proxy numbers the attempts as the client does');
  });
});
