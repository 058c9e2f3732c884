/**
 * Intervention with socket.io@2 and socket.io-client@2 (Engine.IO v3, Socket.IO protocol v4) over
 * WebSocket: the client pings, binary attachments carry a type byte. Checked from what the real v2
 * client and server report.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Intervention } from '../../proxy/intervene/intervention.js';
import { once, startProxy, type Proxy } from '../support/harness.js';
import { pairV2, serveRecordingV2, type ServerLog } from '../support/intervene-app.js';
import {
  closeSuite,
  emitWithAckV2,
  startV2Target,
  upgradedPairV2,
  type V2Target,
} from '../support/v2-helpers.js';

let target: V2Target;
let proxy: Proxy;
let intervention: Intervention;
let app: ServerLog;

before(async () => {
  target = await startV2Target({ pingInterval: 300, pingTimeout: 300 });
  app = serveRecordingV2(target.io);
  proxy = await startProxy(target.url);
  intervention = proxy.proxy.intervention;
});

after(() => closeSuite(proxy, target));

async function pair() {
  const { client, server, sid } = await pairV2(target.io, proxy.url, { transports: ['websocket'] });
  await upgradedPairV2(client, server);
  return { client, sid };
}

test('v2: emit to the client, and to the server with binary args and an ack', async () => {
  const { client, sid } = await pair();
  const got = once<string>(client, 'news');
  await intervention.emit(sid, { direction: 's2c', event: 'news', args: ['v2 hello'] });
  assert.equal(await got, 'v2 hello');
  const acked = await intervention.emit(sid, {
    direction: 'c2s',
    event: 'echo',
    args: [{ _binary: Buffer.from([1, 2, 3]).toString('base64'), size: 3 }],
    ack: true,
  });
  const [bytes] = acked.ack as [Buffer];
  assert.deepEqual([...Buffer.from(bytes)], [1, 2, 3]);
  // The client's own acks still work afterwards.
  assert.deepEqual(await emitWithAckV2(client, 'echo', 'still mine'), ['still mine']);
});

test('v2: a rewrite rule edits the event the server receives', async () => {
  const { client } = await pair();
  const rule = intervention.addRule({
    match: { event: 'echo' },
    action: { kind: 'rewrite', args: ['rewritten'] },
  });
  try {
    assert.deepEqual(await emitWithAckV2(client, 'echo', 'as sent'), ['rewritten']);
  } finally {
    intervention.removeRule(rule.id);
  }
});

test('v2: client-ping-timeout makes the v2 client report ping timeout', async () => {
  const { client, sid } = await pair();
  const reason = once<string>(client, 'disconnect', 5000);
  await intervention.addSessionFault(sid, { kind: 'client-ping-timeout' });
  assert.equal(await reason, 'ping timeout');
});

test('v2: disconnect makes the client report io server disconnect and the server client namespace disconnect', async () => {
  app.clear();
  const { client, sid } = await pair();
  const reason = once<string>(client, 'disconnect');
  await intervention.addSessionFault(sid, { kind: 'disconnect' });
  assert.equal(await reason, 'io server disconnect');
  const end = Date.now() + 3000;
  while (!app.reasons.includes('client namespace disconnect') && Date.now() < end)
    await new Promise((r) => setTimeout(r, 20));
  assert.ok(app.reasons.includes('client namespace disconnect'), app.reasons.join());
});
