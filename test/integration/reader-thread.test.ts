/**
 * The event stream's observers served from the reader thread (proxy/stream/reader-thread.ts): the
 * dashboard's front door, which serves `/api/events` itself from batches the main thread shares with
 * it and forwards every other request to the dashboard server. What an observer gets must be what it
 * gets from the main thread (every event, in order, no gap, no overlap), the checks at the door the
 * same, and the rest of the dashboard unchanged behind it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serveEcho, waitFor } from '../support/harness.js';
import { startStreamEnv, TOKEN, upgradeStatus, type StreamEnv } from '../support/stream-env.js';
import { connected } from '../support/v4-helpers.js';
import { fillPacket } from '../support/fill-packet.js';

const BYTE_READERS = fileURLToPath(new URL('../support/byte-readers.ts', import.meta.url));

describe('the reader thread serves the event stream', () => {
  let env: StreamEnv;
  before(async () => {
    // Small batches: a history of many more batches than one part of it (256), so that live batches
    // arrive while an observer's history is still coming over.
    env = await startStreamEnv({ stream: { batchEvents: 4 }, readerThread: true });
    serveEcho(env.target.io);
  });
  after(() => env.close());

  test('an observer that joins under traffic gets every event once, in order', async () => {
    const client = env.client({ transports: ['websocket'] });
    await connected(client);
    for (let i = 0; i < 800; i++) client.emit('echo', i, () => {}); // 1600 events
    await waitFor(() => env.stream.history.size > 1500, 5000, 'a history of ~400 batches');
    let sending = true;
    const traffic = (async () => {
      for (let i = 0; sending; i++) await client.timeout(2000).emitWithAck('echo', `during ${i}`);
    })();
    const observers = await Promise.all([env.observe(), env.observe(), env.observe()]);
    await new Promise((r) => setTimeout(r, 300));
    sending = false;
    await traffic;
    await waitFor(
      () => observers.every((o) => o.events.at(-1)?.seq === env.proxy.events.at(-1)?.seq),
      5000,
      'every observer up to the last event',
    );
    const seqs = env.proxy.events.map((e) => e.seq);
    for (const o of observers) {
      assert.ok(o.framingOk, 'every message a non-empty JSON array');
      assert.deepEqual(
        o.events.map((e) => e.seq),
        seqs,
      );
    }
    for (const o of observers) o.close();
  });

  test('the same checks at the door: token, origin', async () => {
    const ws = env.url('/api/events', TOKEN, 'ws');
    assert.equal(await upgradeStatus(env.url('/api/events', null, 'ws')), 401);
    assert.equal(await upgradeStatus(env.url('/api/events', 'wrong', 'ws')), 401);
    assert.equal(await upgradeStatus(ws, { Origin: 'http://evil.example' }), 403);
    assert.equal(await upgradeStatus(ws, { Origin: 'http://127.0.0.1:1' }), 403, 'another port');
    assert.equal(await upgradeStatus(ws, { Origin: env.origin }), 101, 'its own origin');
    assert.equal(await upgradeStatus(ws, { Origin: 'chrome-extension://abcdefgh' }), 101, 'the DevTools tab');
    assert.equal(await upgradeStatus(ws), 101, 'no Origin (scripts)');
  });

  test('every other route is the dashboard server behind it, as it answers', async () => {
    const sessions = await fetch(env.url('/api/sessions'));
    assert.equal(sessions.status, 200);
    assert.ok(Array.isArray(((await sessions.json()) as { sessions: unknown[] }).sessions));
    assert.equal((await fetch(env.url('/api/sessions', null))).status, 401);
    const plain = await fetch(env.url('/api/events'));
    assert.equal(plain.status, 426, 'not a WebSocket handshake: said by the dashboard server');
    await plain.arrayBuffer();
    const capture = await fetch(env.url('/api/capture'));
    assert.equal(capture.status, 200);
    const lines = (await capture.text()).trim().split('\n');
    assert.equal(lines.length, env.stream.history.size, 'the capture has every held event');
    // Captures whose clients leave before the history comes over take no place among the two allowed.
    for (let i = 0; i < 3; i++) await abandonedGet(env.url('/api/capture'));
    const again = await fetch(env.url('/api/capture'));
    assert.equal(again.status, 200, 'a capture after three abandoned ones');
    await again.arrayBuffer();
    // A HAR export, served on the reader thread with the cut payloads asked for on the main one.
    const big = 'b'.repeat(10_000);
    const client = env.client({ transports: ['websocket'] });
    await connected(client);
    assert.equal(await client.timeout(2000).emitWithAck('echo', big), big);
    const har = await fetch(env.url('/api/har'));
    assert.equal(har.status, 200);
    const text = await har.text();
    assert.ok(text.includes(big), 'the 10 KB message is whole in the HAR (cut to 4 KB in the stream)');
    assert.equal((await fetch(env.url('/api/har', null))).status, 401);
    assert.equal((await fetch(env.url('/api/capture'), { method: 'POST' })).status, 405);
    // A WebSocket to a route that has none: the dashboard server's 404, through the door.
    assert.equal(await upgradeStatus(env.url('/api/nope', TOKEN, 'ws')), 404);
    // A target no URL parser takes (`//[`): the dashboard server's 400, the target passed as it came.
    const res = await rawGet(env.origin, '//[');
    assert.match(res, /^HTTP\/1\.1 400/);
  });

  test("the observers' sending and replays run on the reader thread, not the relay's", async () => {
    // 20 000 events of about 1.2 KB held (put on the bus: the relay's cost of making them is not
    // what this measures).
    const data = `42["fill","${'x'.repeat(1100)}"]`;
    for (let i = 0; i < 20_000; i++) env.proxy.proxy.bus.emit(fillPacket(data));
    env.stream.flush();
    const lastSeq = env.proxy.events.at(-1)!.seq;
    const start = performance.eventLoopUtilization();
    // Ten readers in a process of their own, so that what this thread does is what serving them costs.
    await readInChild(env.url('/api/events', TOKEN, 'ws'), 10, `"seq":${lastSeq},`);
    const busy = performance.eventLoopUtilization(start).utilization;
    // Ten replays of ~20 MB (200 MB written to sockets, framed by ws) on the reader thread; this
    // thread posted the batches' handles and read the readers' end of the sockets.
    assert.ok(busy < 0.5, `the relay's thread was busy ${(busy * 100).toFixed(0)}% of the replays' time`);
  });

  test('closing the dashboard closes the observers and ends the thread', async () => {
    const observer = await env.observe();
    const code = new Promise<number>((resolve) => observer.ws.once('close', (c) => resolve(c)));
    await env.ui.close();
    assert.equal(await code, 1001);
    assert.equal(env.ui.listening, false);
  });
});

/** Runs test/support/byte-readers.ts and waits for it to say `done`. */
async function readInChild(url: string, count: number, last: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', BYTE_READERS, url, String(count), last], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  assert.equal(out.trim(), 'done', `the readers ended (${code})`);
}

/** A GET whose client hangs up as soon as it is sent. */
async function abandonedGet(href: string): Promise<void> {
  const { connect } = await import('node:net');
  const url = new URL(href);
  await new Promise<void>((resolve) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(`GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
      socket.destroy();
      resolve();
    });
  });
  await new Promise((r) => setTimeout(r, 50));
}

/** A GET with exactly `target` on the request line (fetch would normalise it). */
async function rawGet(origin: string, target: string): Promise<string> {
  const { connect } = await import('node:net');
  const url = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () =>
      socket.write(`GET ${target} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`),
    );
    let text = '';
    socket.on('data', (d) => (text += d));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}
