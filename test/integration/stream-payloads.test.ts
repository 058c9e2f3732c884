/**
 * What the stream does with payloads: big Socket.IO args (and Engine.IO data, HTTP bodies) are cut in
 * the stream and kept whole at GET /api/packets/<seq>; Buffers read as `{ _binary, size }`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { waitFor } from '../support/harness.js';
import { startStreamEnv, type Observer, type StreamEnv } from '../support/stream-env.js';
import { connected } from '../support/v4-helpers.js';
import type { HttpEvent, PacketEvent } from '../../shared/events.js';

const packets = (o: Observer, event: string, direction: 'c2s' | 's2c') =>
  o.events.filter(
    (e): e is PacketEvent => e.type === 'packet' && e.direction === direction && e.sio?.event === event,
  );

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('event stream: payloads', () => {
  let env: StreamEnv;
  let observer: Observer;
  before(async () => {
    env = await startStreamEnv({ stream: { limit: 4096, storeBytes: 300_000 } });
    env.target.io.on('connection', (socket) => {
      socket.on('big', (v: unknown, ack: (v: number) => void) => ack(JSON.stringify(v).length));
      socket.on('file', (name: string, buf: Buffer, ack: (v: unknown) => void) =>
        ack({ name, back: Buffer.from(buf).reverse() }),
      );
    });
    observer = await env.observe();
  });
  after(() => env.close());

  test('large args are cut in the stream and whole at /api/packets/<seq>', async () => {
    const client = env.client({ transports: ['polling'] });
    await connected(client);
    const big = { text: 'x'.repeat(10_000), list: Array.from({ length: 500 }, (_, i) => i) };
    const length = await client.timeout(2000).emitWithAck('big', big);
    assert.equal(length, JSON.stringify(big).length);
    const [packet] = await waitFor(
      () => packets(observer, 'big', 'c2s').length > 0 && packets(observer, 'big', 'c2s'),
    );
    assert.ok(packet);
    assert.equal(packet.truncated, true);
    assert.equal(typeof packet.sio?.args, 'string', 'cut args are a preview string');
    const preview = packet.sio?.args as string;
    assert.equal(preview.length, 4097);
    assert.ok(preview.startsWith('["big",{"text":"xxx') && preview.endsWith('…'));
    assert.ok(packet.data!.length <= 4097 && packet.data!.endsWith('…'), 'data is cut too');

    const { status, body } = await getJson(env.url(`/api/packets/${packet.seq}`));
    assert.equal(status, 200);
    assert.equal(body.seq, packet.seq);
    assert.deepEqual(body.args, ['big', big]);
    assert.equal(body.data, `2${packet.sio?.id}${JSON.stringify(['big', big])}`);

    // The polling bodies that carried it are cut the same way, with their own full copy.
    // Its `http` event comes when the target answered the POST, which may be after the ack came back.
    const cutPost = () =>
      observer.events.find((e): e is HttpEvent => e.type === 'http' && e.method === 'POST' && !!e.truncated);
    const post = await waitFor(cutPost).catch(() => undefined);
    assert.ok(post, 'the POST that carried it is cut');
    assert.ok(post.requestBody!.length <= 4097);
    const fullHttp = await getJson(env.url(`/api/packets/${post.seq}`));
    assert.equal(fullHttp.status, 200);
    assert.ok((fullHttp.body.requestBody as string).includes(big.text));

    // Small events are not cut and have no stored copy.
    const small = observer.events.find((e) => e.type === 'packet' && e.sio?.type === 'ACK')!;
    assert.equal((small as PacketEvent).truncated, undefined);
    const none = await getJson(env.url(`/api/packets/${small.seq}`));
    assert.equal(none.status, 404);
    assert.match(String(none.body.error), /was not cut/);
    assert.equal((await getJson(env.url('/api/packets/abc'))).status, 400);
    client.close();
  });

  test('the payload store is bounded: evicted payloads get a 404 that says so', async () => {
    const client = env.client({ transports: ['polling'] });
    await connected(client);
    const first = observer.events.length;
    // 300 000 characters of store, ~50 000 per payload (args, data and the polling body each): the
    // first of eight such emits is evicted by the last.
    for (let i = 0; i < 8; i++) await client.timeout(2000).emitWithAck('big', 'y'.repeat(25_000));
    const cut = () => observer.events.slice(first).filter((e) => e.type === 'packet' && e.truncated);
    await waitFor(() => cut().length >= 8, 2000, 'eight cut packets');
    const oldest = cut()[0]!;
    const newest = cut().at(-1)!;
    const gone = await getJson(env.url(`/api/packets/${oldest.seq}`));
    assert.equal(gone.status, 404);
    assert.equal(gone.body.evicted, true);
    assert.match(String(gone.body.error), /no longer held: evicted/);
    assert.equal((await getJson(env.url(`/api/packets/${newest.seq}`))).status, 200);
    assert.ok(env.stream.payloads.bytes <= 300_000);
    client.close();
  });

  test('binary args serialise as { _binary, size }, in the stream and at /api/packets', async () => {
    const client = env.client({ transports: ['polling'] });
    await connected(client);
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    const reply = (await client.timeout(2000).emitWithAck('file', 'a.bin', bytes)) as { back: ArrayBuffer };
    assert.deepEqual([...new Uint8Array(reply.back)], [255, 250, 2, 1, 0]);

    const [sent] = await waitFor(
      () => packets(observer, 'file', 'c2s').length > 0 && packets(observer, 'file', 'c2s'),
    );
    assert.equal(sent!.sio?.type, 'BINARY_EVENT');
    assert.deepEqual(sent!.sio?.args, ['file', 'a.bin', { _binary: bytes.toString('base64'), size: 5 }]);
    const answer = await waitFor(() =>
      observer.events.find((e): e is PacketEvent => e.type === 'packet' && e.sio?.type === 'BINARY_ACK'),
    );
    assert.deepEqual(answer.sio?.args, [
      { name: 'a.bin', back: { _binary: Buffer.from([255, 250, 2, 1, 0]).toString('base64'), size: 5 } },
    ]);

    // A big attachment is cut like any args, and whole at /api/packets with the same encoding.
    const blob = Buffer.alloc(20_000, 7);
    await client.timeout(2000).emitWithAck('file', 'big.bin', blob);
    const bigSent = await waitFor(() =>
      packets(observer, 'file', 'c2s').find((p) => p.truncated && p.sio?.type === 'BINARY_EVENT'),
    );
    const full = await getJson(env.url(`/api/packets/${bigSent.seq}`));
    assert.deepEqual(full.body.args, ['file', 'big.bin', { _binary: blob.toString('base64'), size: 20_000 }]);
    client.close();
  });
});
