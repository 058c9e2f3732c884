/**
 * Intervention over polling with socket.io@2 and socket.io-client@2 (Engine.IO v3: length-prefixed
 * payloads, the client pings, binary as `b4<base64>` or XHR2 payloads), the client forced to
 * `transports: ['polling']`. Checked from what the real v2 client and server report.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import type { Intervention } from '../../proxy/intervene/intervention.js';
import { once, startProxy, waitFor, type Proxy } from '../support/harness.js';
import { pairV2, removeRules, serveRecordingV2, type ServerLog } from '../support/intervene-app.js';
import {
  closeClients,
  closeSuite,
  emitWithAckV2,
  startV2Target,
  type V2Target,
} from '../support/v2-helpers.js';

let target: V2Target;
let proxy: Proxy;
let intervention: Intervention;
let app: ServerLog;

before(async () => {
  target = await startV2Target({ pingInterval: 1000, pingTimeout: 1000 });
  app = serveRecordingV2(target.io);
  proxy = await startProxy(target.url, { pauseTimeoutMs: 600 });
  intervention = proxy.proxy.intervention;
});

afterEach(() => {
  closeClients();
  removeRules(intervention);
  app.clear();
});

after(() => closeSuite(proxy, target));

async function pair(opts: Record<string, unknown> = {}) {
  const { client, sid } = await pairV2(target.io, proxy.url, { transports: ['polling'], ...opts });
  return { client, sid };
}

for (const forceBase64 of [false, true]) {
  test(`v2 polling${forceBase64 ? ' (base64)' : ''}: emit to the client, and to the server with binary args and an ack`, async () => {
    const { client, sid } = await pair({ forceBase64 });
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
    // Binary to the client too, and the client's own acks still work afterwards.
    const blob = once<Buffer>(client, 'blob');
    await intervention.emit(sid, {
      direction: 's2c',
      event: 'blob',
      args: [{ _binary: Buffer.from([9, 8]).toString('base64'), size: 2 }],
    });
    assert.deepEqual([...Buffer.from(await blob)], [9, 8]);
    assert.deepEqual(await emitWithAckV2(client, 'echo', 'still mine'), ['still mine']);
    assert.equal(client.io.engine.transport.name, 'polling');
  });
}

test('v2 polling: a rewrite rule edits the event the server receives; a pause holds the later ones', async () => {
  const { client } = await pair();
  intervention.addRule({
    match: { event: 'echo', text: 'as sent' },
    action: { kind: 'rewrite', args: ['rewritten'] },
  });
  assert.deepEqual(await emitWithAckV2(client, 'echo', 'as sent'), ['rewritten']);
  intervention.addRule({ match: { event: 'echo', text: 'hold' }, action: { kind: 'pause' } });
  const first = emitWithAckV2(client, 'echo', 'hold');
  const second = emitWithAckV2(client, 'echo', 'next');
  await waitFor(() => intervention.paused().length === 1, 3000, 'a held packet');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(app.received.length, 1, 'only the rewritten one reached the server');
  intervention.decide(intervention.paused()[0]!.id, { verdict: 'forward', args: ['edited'] });
  assert.deepEqual(await first, ['edited']);
  assert.deepEqual(await second, ['next']);
});

test('v2 polling: a stream both ways with a rule armed: nothing lost, duplicated or reordered', async () => {
  const { client } = await pair();
  intervention.addRule({ match: { event: 'never' }, action: { kind: 'drop' } });
  const got: number[] = [];
  client.on('tock', (n: number) => got.push(n));
  const N = 150;
  for (let i = 0; i < N; i++) client.emit('tick', i);
  for (let i = 0; i < N; i++) client.emit('say', 'tock', i);
  await waitFor(() => got.length >= N && app.received.length >= N, 10_000, 'every packet');
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(
    app.received.map((r) => r.args[0]),
    [...Array(N).keys()],
  );
  assert.deepEqual(got, [...Array(N).keys()]);
});

const FAULTS: Array<{ kind: string; client: string; server?: string }> = [
  // Each side gets the close packet a cut transport would give it.
  { kind: 'close-transport', client: 'transport close', server: 'transport close' },
  { kind: 'client-ping-timeout', client: 'ping timeout', server: 'transport close' },
  // The server gives up first and closes the session with a close packet on the client's poll.
  { kind: 'server-ping-timeout', client: 'transport close', server: 'ping timeout' },
  { kind: 'stall', client: 'ping timeout', server: 'ping timeout' },
  { kind: 'transport-error', client: 'transport error', server: 'transport close' },
  { kind: 'disconnect', client: 'io server disconnect', server: 'client namespace disconnect' },
];

for (const { kind, client: clientReason, server: serverReason } of FAULTS) {
  test(`v2 polling fault ${kind}: the client reports ${clientReason}${serverReason ? `, the server ${serverReason}` : ''}`, async () => {
    const { client, sid } = await pair();
    const reason = once<string>(client, 'disconnect', 6000);
    await intervention.addSessionFault(sid, { kind });
    assert.equal(await reason, clientReason);
    if (serverReason) {
      await waitFor(() => app.reasonsOf(sid).length > 0, 6000, 'the server reason');
      assert.deepEqual(app.reasonsOf(sid), [serverReason]);
    }
    for (const f of intervention.faultBook.list(sid)) intervention.faultBook.remove(f.id);
  });
}
