/**
 * GET /api/search: the panel's text filter over the full payloads the stream cut. A real socket.io@4
 * target and client through the proxy; a 10 KB message whose needle lies past the stream's 4 KB
 * preview is found by text and by regex (with the panel's case rules), within `from`/`to`; binary
 * messages are searched by their args' JSON; evicted payloads are counted; a bad regex is a 400, a
 * regex that backtracks without end a 422 that leaves the relay running; the token is required.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SLICE_TIMEOUT_MS } from '../../proxy/stream/payload-search.js';
import { searchPlugin } from '../../proxy/stream/search-plugin.js';
import type { PacketEvent } from '../../shared/events.js';
import { waitFor } from '../support/harness.js';
import { startStreamEnv, type Observer, type StreamEnv } from '../support/stream-env.js';
import { connected } from '../support/v4-helpers.js';

interface SearchAnswer {
  seqs: number[];
  searched: number;
  evicted: number;
  error?: string;
}

const NEEDLE = 'Needle-7f3a';
/** 10 KB of JSON with the needle at character 10 000 of the args. */
const LONG = { text: `${'x'.repeat(10_000 - 18)}${NEEDLE}`, tail: 'y'.repeat(100) };

describe('GET /api/search', () => {
  let env: StreamEnv;
  let observer: Observer;
  let long: PacketEvent;

  const search = async (params: Record<string, string | number>, token?: string | null) => {
    const url = new URL(env.url('/api/search', token));
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
    const res = await fetch(url);
    return { status: res.status, body: (await res.json()) as SearchAnswer };
  };

  const cutPackets = (event: string) =>
    observer.events.filter(
      (e): e is PacketEvent => e.type === 'packet' && e.truncated === true && e.sio?.event === event,
    );

  before(async () => {
    env = await startStreamEnv({ stream: { limit: 4096, storeBytes: 400_000 } });
    env.ui.use(searchPlugin(env.stream.payloads));
    env.target.io.on('connection', (socket) => {
      socket.on('save', (_doc: unknown, ack: () => void) => ack());
      socket.on('file', (_name: string, _buf: Buffer, ack: () => void) => ack());
      socket.on('echo', (v: unknown, ack: (v: unknown) => void) => ack(v));
    });
    observer = await env.observe();
    const client = env.client({ transports: ['websocket'] });
    await connected(client);
    await client.timeout(2000).emitWithAck('save', LONG);
    long = await waitFor(() => cutPackets('save')[0], 2000, 'the cut packet');
    client.close();
  });
  after(() => env.close());

  test('the needle is past the preview the stream sends', () => {
    assert.ok(long, 'the message was cut');
    const index = JSON.stringify(['save', LONG]).indexOf(NEEDLE);
    assert.ok(index > 9_000, `needle at character ${index}`);
    assert.ok(!String(long.sio?.args).includes(NEEDLE) && !long.data?.includes(NEEDLE));
  });

  test('text: found in the full payload, case-insensitive like the filter bar', async () => {
    for (const q of [NEEDLE, NEEDLE.toLowerCase(), `  ${NEEDLE.toUpperCase()} `, 'needle-7f3a", "tail']) {
      const { status, body } = await search({ q });
      assert.equal(status, 200, q);
      if (q.includes('tail')) {
        // Spaces count in text: the args' JSON has none after the comma.
        assert.deepEqual(body.seqs, [], q);
        continue;
      }
      assert.deepEqual(body.seqs, [long.seq], q);
      assert.ok(body.searched >= 1);
      assert.equal(body.evicted, 0);
    }
    assert.deepEqual((await search({ q: 'not-in-any-payload' })).body.seqs, []);
  });

  test('regex: /re/flags as the filter bar reads it, case-sensitive unless /i', async () => {
    assert.deepEqual((await search({ q: '/Needle-\\d[a-f0-9]+/' })).body.seqs, [long.seq]);
    assert.deepEqual((await search({ q: '/needle-\\d[a-f0-9]+/' })).body.seqs, []);
    assert.deepEqual((await search({ q: '/needle-\\d[a-f0-9]+/i' })).body.seqs, [long.seq]);
    // The text searched is the packet as encoded: `20["save",{...` (`data`: EVENT, ack id 0).
    assert.deepEqual((await search({ q: '/^2\\d*\\["save",\\{"text":"x+Needle/' })).body.seqs, [long.seq]);
    assert.deepEqual((await search({ q: '/y{100}"\\}\\]$/' })).body.seqs, [long.seq]);
  });

  test('from and to bound the seqs searched', async () => {
    const none = await search({ q: NEEDLE, to: long.seq - 1 });
    assert.deepEqual(none.body, { seqs: [], searched: 0, evicted: 0 });
    assert.deepEqual((await search({ q: NEEDLE, from: long.seq + 1 })).body.seqs, []);
    const exact = await search({ q: NEEDLE, from: long.seq, to: long.seq });
    assert.deepEqual(exact.body, { seqs: [long.seq], searched: 1, evicted: 0 });
    assert.equal((await search({ q: NEEDLE, from: 'x' })).status, 400);
  });

  test('a binary message is searched by its args as JSON, attachments as { _binary }', async () => {
    const client = env.client({ transports: ['websocket'] });
    await connected(client);
    const name = `${'n'.repeat(6000)}bin-needle`;
    await client.timeout(2000).emitWithAck('file', name, Buffer.from([1, 2, 3]));
    const attachment = await waitFor(() =>
      cutPackets('file').find((p) => p.binary !== undefined && p.sio?.type === 'BINARY_EVENT'),
    );
    const { body } = await search({ q: '/bin-needle",\\{"_binary":"AQID","size":3\\}/' });
    assert.ok(body.seqs.includes(attachment.seq), `${JSON.stringify(body)} has ${attachment.seq}`);
    client.close();
  });

  test('payloads the store evicted are counted, not searched', async () => {
    const client = env.client({ transports: ['websocket'] });
    await connected(client);
    const first = observer.events.length;
    // 400 000 characters of store, ~40 000 per payload: the first of twelve is evicted by the last.
    for (let i = 0; i < 12; i++)
      await client.timeout(2000).emitWithAck('save', { i, text: 'z'.repeat(36_000) });
    const cut = () => observer.events.slice(first).filter((e) => e.type === 'packet' && e.truncated);
    await waitFor(() => cut().length >= 12, 2000, 'twelve cut packets');
    const from = cut()[0]!.seq;
    const to = cut().at(-1)!.seq;
    const { body } = await search({ q: '/"i":\\d+/', from, to });
    assert.ok(body.evicted > 0, `evicted ${body.evicted}`);
    assert.equal(body.searched + body.evicted, 12);
    assert.equal(body.seqs.length, body.searched, 'every held one matched');
    assert.deepEqual(
      body.seqs,
      cut()
        .slice(body.evicted)
        .map((e) => e.seq),
      'the newest are held, the oldest evicted',
    );
    assert.ok(!body.seqs.includes(long.seq) && (await search({ q: NEEDLE })).body.evicted > 0);
    client.close();
  });

  test('a bad regex, or no query, is a 400 with the reason', async () => {
    const bad = await search({ q: '/([a-/' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error ?? '', /^invalid regex: /);
    for (const q of ['', '   ']) {
      const empty = await search({ q });
      assert.equal(empty.status, 400);
      assert.match(empty.body.error ?? '', /q is missing/);
    }
    assert.equal((await search({})).status, 400);
  });

  test('a regex that backtracks without end stops at the slice timeout; relaying goes on', async () => {
    const client = env.client({ transports: ['websocket'] });
    await connected(client);
    await client.timeout(2000).emitWithAck('save', { text: `${'a'.repeat(5000)}!` });
    const started = Date.now();
    const [slow, echoMs] = await Promise.all([
      search({ q: '/(a+)+$/' }),
      (async () => {
        const t = Date.now();
        await client.timeout(3000).emitWithAck('echo', 'still relaying');
        return Date.now() - t;
      })(),
    ]);
    assert.equal(slow.status, 422);
    assert.match(slow.body.error ?? '', new RegExp(`took over ${SLICE_TIMEOUT_MS} ms`));
    assert.ok(Date.now() - started < 2000, `answered in ${Date.now() - started} ms`);
    assert.ok(echoMs < 1000, `an echo through the proxy took ${echoMs} ms meanwhile`);
    client.close();
  });

  test('the token is required', async () => {
    for (const token of [null, 'wrong']) {
      const res = await fetch(env.url(`/api/search?q=${NEEDLE}`, token));
      assert.equal(res.status, 401);
      await res.body?.cancel();
    }
    const bearer = await fetch(env.url(`/api/search?q=${NEEDLE}`, null), {
      headers: { Authorization: 'Bearer test-token' },
    });
    assert.equal(bearer.status, 200);
    await bearer.body?.cancel();
  });

  test('HEAD answers as a GET would, without searching', async () => {
    const client = env.client({ transports: ['websocket'] });
    await connected(client);
    // What a search for the regex below would spend its whole time budget on, then answer 422.
    await client.timeout(2000).emitWithAck('save', { text: `${'a'.repeat(5000)}!` });
    client.close();
    const head = async (q: string) => {
      const url = new URL(env.url('/api/search'));
      url.searchParams.set('q', q);
      const res = await fetch(url, { method: 'HEAD' });
      return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
    };
    assert.deepEqual(await head('/(a+)+$/'), { status: 200, type: 'application/json', body: '' });
    // What the GET would refuse without searching, the HEAD refuses too.
    assert.equal((await head('/(unclosed/')).status, 400);
  });

  test('only GET and HEAD', async () => {
    const res = await fetch(env.url(`/api/search?q=${NEEDLE}`), { method: 'POST' });
    assert.equal(res.status, 405);
    await res.body?.cancel();
  });
});
