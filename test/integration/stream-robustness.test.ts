/**
 * The dashboard server and its event stream under abuse: bad seqs, huge and malformed request
 * targets, HEAD and other methods on every route, the token everywhere, observers that leave in the
 * middle of the history, many observers at once, an observer that never reads (bounded backlog, no
 * slower relay), `--history 10` and a `--record` path that cannot be opened.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { fullEvents, HarPlugin } from '../../proxy/stream/har-plugin.js';
import { searchPlugin } from '../../proxy/stream/search-plugin.js';
import { DEFAULT_LIMITS } from '../../proxy/stream/ws-observer.js';
import type { DroppedEvent, ProxyEvent } from '../../shared/events.js';
import { banner, cliArgs, runCli } from '../support/cli-process.js';
import { serveEcho, sleep, startTarget, waitFor, type Target } from '../support/harness.js';
import {
  startStreamEnv,
  TOKEN,
  upgradeStatus,
  type Observer,
  type StreamEnv,
} from '../support/stream-env.js';
import { connected } from '../support/v4-helpers.js';

/** One raw HTTP/1.1 request (the target sent as given), resolving with the status line and body. */
function rawRequest(
  origin: string,
  method: string,
  target: string,
  headers = '',
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () =>
      socket.write(`${method} ${target} HTTP/1.1\r\nHost: x\r\n${headers || 'Connection: close\r\n'}\r\n`),
    );
    let out = '';
    socket.on('data', (d: Buffer) => (out += d.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(out)?.[1] ?? 0);
      resolve({ status, body: out.slice(out.indexOf('\r\n\r\n') + 4) });
    });
  });
}

const ROUTES = [
  '/api/packets/1',
  '/api/capture',
  '/api/har',
  '/api/search?q=x',
  '/api/sessions',
  '/api/events',
  '/',
  '/api/nope',
];

describe('dashboard server: bad requests get clear 4xx answers', () => {
  let env: StreamEnv;
  before(async () => {
    env = await startStreamEnv();
    serveEcho(env.target.io);
    env.ui.use(searchPlugin(env.stream.payloads));
    env.ui.use(new HarPlugin(() => fullEvents(env.stream.history.events(), env.stream.payloads)));
    const client = env.client();
    await connected(client);
    await client.timeout(2000).emitWithAck('echo', 'x'.repeat(6000)); // something cut
  });
  after(() => env.close());

  test('a missing or wrong token is a 401 on every route; Authorization: Bearer works', async () => {
    for (const route of ROUTES) {
      for (const token of [null, 'wrong', '']) {
        const res = await fetch(env.url(route, token));
        assert.equal(res.status, 401, `${route} with token ${token}`);
        assert.equal(res.headers.get('www-authenticate'), 'Bearer');
        assert.match(await res.text(), /missing or wrong token/);
      }
      for (const auth of [`Bearer ${TOKEN}`, `bearer ${TOKEN}`]) {
        const res = await fetch(env.url(route, null), { headers: { Authorization: auth } });
        assert.notEqual(res.status, 401, `${route} with ${auth}`);
        await res.arrayBuffer();
      }
      const wrong = await fetch(env.url(route, null), { headers: { Authorization: 'Bearer nope' } });
      assert.equal(wrong.status, 401);
      const basic = await fetch(env.url(route, null), { headers: { Authorization: `Basic ${TOKEN}` } });
      assert.equal(basic.status, 401);
    }
    const ws = env.url('/api/events', null, 'ws');
    assert.equal(await upgradeStatus(ws), 401);
    assert.equal(await upgradeStatus(env.url('/api/events', 'wrong', 'ws')), 401);
    assert.equal(await upgradeStatus(ws, { Authorization: `Bearer ${TOKEN}` }), 101);
    // /api/hello alone needs none.
    assert.equal((await fetch(env.url('/api/hello', null))).status, 200);
  });

  test('a seq that is not one is a 400 that says so; an unknown one a 404 that says why', async () => {
    for (const bad of ['abc', '-1', '1.5', '1e3', '0x10', '+1', '%20', '99999999999999999999', '']) {
      const res = await fetch(env.url(`/api/packets/${bad}`));
      assert.equal(res.status, 400, `seq "${bad}"`);
      const body = (await res.json()) as { error: string };
      assert.match(body.error, /is not an event seq/);
    }
    for (const seq of ['0', '999999']) {
      const res = await fetch(env.url(`/api/packets/${seq}`));
      assert.equal(res.status, 404);
      assert.deepEqual(Object.keys((await res.json()) as object).sort(), ['error', 'evicted', 'seq']);
    }
    assert.equal((await fetch(env.url('/api/packets/1/2'))).status, 404);
    for (const query of ['', 'q=', 'q=%20%20', 'q=/(/', 'q=x&from=a', 'q=x&to=-3', 'q=x&from=1e9']) {
      const res = await fetch(env.url(`/api/search?${query}`));
      assert.equal(res.status, 400, `search ${query}`);
      assert.ok(((await res.json()) as { error: string }).error.length > 0);
    }
  });

  test('huge and malformed request targets: a 4xx or the normal answer, never a crash', async () => {
    const huge = await fetch(env.url(`/api/capture?junk=${'j'.repeat(20_000)}`));
    assert.equal(huge.status, 431, 'over the header limit');
    const big = await fetch(env.url(`/api/capture?junk=${'j'.repeat(8000)}`));
    assert.equal(big.status, 200, 'long, but under the limit');
    await big.text();
    for (const target of ['//[', 'http://[::1', '//[/api/capture']) {
      const { status } = await rawRequest(env.origin, 'GET', target);
      assert.equal(status, 400, `GET ${target}`);
    }
    const malformed = [
      `/api/capture?token=${TOKEN}&%`,
      `/api/capture?token=${TOKEN}&%zz=%E0%A4%A`,
      `/api/capture?token=${TOKEN}&token=other`,
      `/api/search?q=%E0%A4%A&token=${TOKEN}`,
      `/api/packets/%E0?token=${TOKEN}`,
      `/api/har?session=%00%ff&token=${TOKEN}`,
    ];
    for (const target of malformed) {
      const { status } = await rawRequest(env.origin, 'GET', target);
      assert.ok(status >= 200 && status < 500, `GET ${target}: ${status}`);
    }
    // A WebSocket upgrade with an unparseable target: refused, not a crash.
    const upgrade =
      'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';
    assert.equal((await rawRequest(env.origin, 'GET', `//[?token=${TOKEN}`, upgrade)).status, 400);
    // Still serving.
    assert.equal((await fetch(env.url('/api/capture'))).status, 200);
  });

  test('HEAD answers like GET without a body; other methods get 405 with Allow', async () => {
    for (const route of ROUTES.filter((r) => r !== '/api/nope' && r !== '/api/events')) {
      const get = await fetch(env.url(route));
      await get.arrayBuffer();
      const head = await fetch(env.url(route), { method: 'HEAD' });
      assert.equal(head.status, get.status, `HEAD ${route}`);
      assert.equal((await head.arrayBuffer()).byteLength, 0);
    }
    for (const route of [...ROUTES.filter((r) => r !== '/api/nope'), '/api/hello']) {
      for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
        const res = await fetch(env.url(route), { method });
        assert.equal(res.status, 405, `${method} ${route}`);
        assert.equal(res.headers.get('allow'), 'GET, HEAD');
        await res.arrayBuffer();
      }
    }
    // /api/events over plain HTTP: told it is a WebSocket.
    const plain = await fetch(env.url('/api/events'));
    assert.equal(plain.status, 426);
    assert.match(await plain.text(), /WebSocket/);
  });
});

for (const readerThread of [false, true])
  describe(`event stream: many, leaving and stalled observers${readerThread ? ' (served by the reader thread)' : ''}`, () => {
    let env: StreamEnv;
    const LIMITS = {
      maxQueue: 200,
      maxQueueChars: 256 * 1024,
      maxBuffered: 64 * 1024,
      resumeBuffered: 16 * 1024,
    };
    before(async () => {
      env = await startStreamEnv({ plugin: { limits: { ...LIMITS, chunkChars: 4096 } }, readerThread });
      serveEcho(env.target.io);
    });
    after(() => env.close());

    const batchSinks = () => (env.stream as unknown as { batchSinks: Set<unknown> }).batchSinks.size;

    test('an observer that leaves in the middle of the history costs nothing', async () => {
      const client = env.client({ transports: ['websocket'] });
      await connected(client);
      for (let i = 0; i < 300; i++) await client.timeout(2000).emitWithAck('echo', `${i} ${'h'.repeat(200)}`);
      await sleep(50);
      const held = env.stream.history.size;
      assert.ok(held > 600, `a history of many chunks (${held} events)`);
      for (let i = 0; i < 5; i++) {
        const ws = new WebSocket(env.url('/api/events', TOKEN, 'ws'));
        await new Promise<void>((resolve) => ws.once('message', () => resolve()));
        if (i % 2) ws.terminate();
        else ws.close();
      }
      await waitFor(
        async () => (await env.backlogs()).length === 0 && batchSinks() === 0,
        3000,
        'the observers gone',
      );
      // The next observer gets the whole history and live events.
      const observer = await env.observe();
      await waitFor(() => observer.events.length >= held, 3000, 'the whole history');
      assert.equal(await client.timeout(2000).emitWithAck('echo', 'after'), 'after');
      await waitFor(() => observer.events.length === env.proxy.events.length, 3000, 'live events');
      assert.deepEqual(
        observer.events.map((e) => e.seq),
        env.proxy.events.map((e) => e.seq),
      );
      observer.close();
      client.close();
    });

    test('20 observers at once each get every event, in order', async () => {
      const client = env.client({ transports: ['websocket'] });
      await connected(client);
      const traffic = (async () => {
        for (let i = 0; i < 50; i++) await client.timeout(2000).emitWithAck('echo', i);
      })();
      const observers: Observer[] = await Promise.all(Array.from({ length: 20 }, () => env.observe()));
      await traffic;
      await waitFor(
        () => observers.every((o) => o.events.length === env.proxy.events.length),
        5000,
        'every observer complete',
      );
      const seqs = env.proxy.events.map((e) => e.seq);
      for (const o of observers) {
        assert.ok(o.framingOk);
        assert.deepEqual(
          o.events.map((e) => e.seq),
          seqs,
        );
      }
      for (const o of observers) o.close();
      client.close();
    });

    test('an observer that never reads: bounded backlog, dropped markers, and the relay stays fast', async () => {
      const stalled = await env.observe();
      await waitFor(() => stalled.events.length >= env.proxy.events.length, 3000, 'its history');
      const tcp = (stalled.ws as unknown as { _socket: net.Socket })._socket;
      tcp.pause();
      const flood = env.client({ transports: ['websocket'] });
      const probe = env.client({ transports: ['websocket'] });
      await Promise.all([connected(flood), connected(probe)]);

      let flooding = true;
      let maxEvents = 0;
      let maxChars = 0;
      const watch = setInterval(async () => {
        for (const b of await env.backlogs()) {
          maxEvents = Math.max(maxEvents, b.events);
          maxChars = Math.max(maxChars, b.chars);
        }
      }, 2);
      const payload = 'f'.repeat(2048);
      const floodDone = (async () => {
        for (let round = 0; round < 40; round++)
          await Promise.all(
            Array.from({ length: 50 }, () => flood.timeout(5000).emitWithAck('echo', payload)),
          );
        flooding = false;
      })();
      const rtts: number[] = [];
      while (flooding) {
        const t0 = performance.now();
        await probe.timeout(2000).emitWithAck('echo', 'ping');
        rtts.push(performance.now() - t0);
        await sleep(5);
      }
      await floodDone;
      clearInterval(watch);

      // 2000 echoes of 2 KB: about 8000 events and 10 MB of JSON that the stalled observer could not take.
      const backlog = (await env.backlogs()).find((b) => b.dropped > 0);
      assert.ok(backlog, 'the stalled observer is dropping');
      const oneBatch = 500; // a batch may take the queue past its bound once (DEFAULT_BATCH_EVENTS)
      assert.ok(maxEvents <= LIMITS.maxQueue + oneBatch, `queue bounded in events: ${maxEvents}`);
      assert.ok(maxChars <= LIMITS.maxQueueChars + 64 * 1024, `queue bounded in characters: ${maxChars}`);
      rtts.sort((a, b) => a - b);
      const median = rtts[Math.floor(rtts.length / 2)]!;
      assert.ok(rtts.length >= 5, `probes made: ${rtts.length}`);
      assert.ok(median < 100, `echo median ${median.toFixed(1)} ms while an observer lags`);

      tcp.resume();
      await waitFor(
        () => stalled.events.length > 0 && stalled.events.at(-1)!.seq === env.proxy.events.at(-1)!.seq,
        5000,
        'the stalled observer caught up',
      );
      const markers = stalled.events.filter((e): e is DroppedEvent => e.type === 'dropped');
      assert.ok(markers.length > 0, 'dropped markers');
      // Every seq is there once, or stood for by a marker: seq - count + 1 .. seq.
      const seen = new Set<number>();
      for (const e of stalled.events) {
        const from = e.type === 'dropped' ? e.seq - e.count + 1 : e.seq;
        for (let s = from; s <= e.seq; s++) {
          assert.ok(!seen.has(s), `seq ${s} once`);
          seen.add(s);
        }
      }
      for (const e of env.proxy.events) assert.ok(seen.has(e.seq), `seq ${e.seq} accounted for`);
      flood.close();
      probe.close();
      stalled.close();
    });

    test('what an observer sends is ignored; over 64 KB closes it', async () => {
      const observer = await env.observe();
      observer.ws.send('hello?');
      observer.ws.send(JSON.stringify({ type: 'subscribe' }));
      const client = env.client({ transports: ['websocket'] });
      await connected(client);
      await waitFor(() => observer.events.length === env.proxy.events.length, 3000, 'live events still');
      const closed = new Promise<number>((resolve) => observer.ws.once('close', (code) => resolve(code)));
      observer.ws.send('x'.repeat(65 * 1024));
      assert.equal(await closed, 1009, 'message too big');
      assert.equal(await client.timeout(2000).emitWithAck('echo', 'still'), 'still');
      client.close();
    });

    test('the documented observer limits are the defaults', () => {
      assert.deepEqual(
        {
          maxQueue: DEFAULT_LIMITS.maxQueue,
          maxQueueChars: DEFAULT_LIMITS.maxQueueChars,
          maxBuffered: DEFAULT_LIMITS.maxBuffered,
          resumeBuffered: DEFAULT_LIMITS.resumeBuffered,
          chunkChars: DEFAULT_LIMITS.chunkChars,
        },
        {
          maxQueue: 20_000,
          maxQueueChars: 16 * 1024 * 1024,
          maxBuffered: 4 * 1024 * 1024,
          resumeBuffered: 1024 * 1024,
          chunkChars: 64 * 1024,
        },
      );
    });
  });

describe('CLI: --history and --record', () => {
  let target: Target;
  const dir = mkdtempSync(join(tmpdir(), 'sio-robust-'));
  before(async () => {
    target = await startTarget();
    serveEcho(target.io);
  });
  after(async () => {
    await target.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('--history 10 keeps only the last 10 events, for the capture and a late observer', async () => {
    const run = runCli(cliArgs(target.url, '--quiet', '--history', '10', '--ui-token', 'tok'));
    try {
      const { proxy, dashboard } = await banner(run);
      const client = io(proxy, { transports: ['websocket'], reconnection: false });
      for (let i = 0; i < 10; i++) assert.equal(await client.timeout(5000).emitWithAck('echo', i), i);
      client.close();
      await sleep(300);
      const capture = await (await fetch(new URL('/api/capture?token=tok', dashboard))).text();
      const events = capture
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as ProxyEvent);
      assert.equal(events.length, 10);
      for (let i = 1; i < 10; i++) assert.equal(events[i]!.seq, events[i - 1]!.seq + 1);
      assert.ok(events[0]!.seq > 30, 'the last ones, not the first');

      const ws = new WebSocket(new URL('/api/events?token=tok', dashboard).href.replace(/^http/, 'ws'));
      // The history comes a held batch a message: on a loaded machine the 10 echoes span several.
      const first = await new Promise<ProxyEvent[]>((resolve) => {
        const got: ProxyEvent[] = [];
        ws.on('message', (d) => {
          got.push(...(JSON.parse(String(d)) as ProxyEvent[]));
          if (got.length >= events.length) resolve(got);
        });
      });
      ws.terminate();
      assert.deepEqual(first, events, 'a late observer gets the same 10');
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  test('a --record file in a directory that does not exist: one clear line and exit 1, at start', async () => {
    const file = join(dir, 'missing', 'run.ndjson');
    const run = runCli(cliArgs(target.url, '--record', file));
    assert.equal(await run.exited, 1);
    const lines = run.stderr().trim().split('\n');
    assert.equal(lines.length, 1, run.stderr());
    assert.equal(
      lines[0],
      `sio-proxy: --record ${file}: ENOENT: the directory ${join(dir, 'missing')} does not exist`,
    );
    assert.equal(run.stdout(), '', 'no banner: it did not start');
  });
});
