/**
 * Captures: GET /api/capture downloads the history as NDJSON, and `--record FILE` appends every event
 * to a file while the CLI runs (bounded: a slow disk costs `dropped` lines, never the relay).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { io } from 'socket.io-client';
import { Recorder } from '../../proxy/stream/recorder.js';
import { banner, cliArgs, runCli } from '../support/cli-process.js';
import { serveEcho, sleep, startTarget, waitFor, type Target } from '../support/harness.js';
import { startStreamEnv } from '../support/stream-env.js';
import { connected } from '../support/v4-helpers.js';
import type { DroppedEvent, ProxyEvent } from '../../shared/events.js';

const parseNdjson = (text: string) =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as ProxyEvent);

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sio-proxy-stream-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('GET /api/capture', () => {
  test('downloads the history as NDJSON that parses back to the same events', async () => {
    const env = await startStreamEnv();
    try {
      serveEcho(env.target.io);
      const observer = await env.observe();
      const client = env.client({ transports: ['polling'] });
      await connected(client);
      assert.deepEqual(await client.timeout(2000).emitWithAck('echo', { a: [1, 'two'] }), { a: [1, 'two'] });
      client.disconnect();
      await waitFor(() => observer.events.some((e) => e.type === 'close'), 3000, 'the close');
      await waitFor(() => observer.events.length === env.proxy.events.length, 2000, 'every event');

      const res = await fetch(env.url('/api/capture'));
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/x-ndjson');
      assert.match(
        res.headers.get('content-disposition') ?? '',
        /^attachment; filename="sio-proxy-.*\.ndjson"$/,
      );
      const text = await res.text();
      assert.ok(text.endsWith('\n'), 'one event per line, each ended');
      const captured = parseNdjson(text);
      // The same events the bus published (as JSON: undefined fields dropped) and the stream sent.
      assert.deepEqual(captured, JSON.parse(JSON.stringify(env.proxy.events.slice(0, captured.length))));
      assert.deepEqual(captured.slice(0, observer.events.length), observer.events);
      assert.ok(captured.length >= observer.events.length);
      assert.deepEqual([...new Set(captured.map((e) => e.type))].sort(), [
        'ack',
        'attempt',
        'close',
        'connect',
        'disconnect',
        'drain',
        'http',
        'packet',
        'session',
      ]);
    } finally {
      await env.close();
    }
  });
});

describe('Recorder', () => {
  test('a disk slower than the events gets dropped lines, and every event is accounted for', async () => {
    const env = await startStreamEnv();
    const file = join(dir, 'slow.ndjson');
    const warnings: string[] = [];
    const log = { info: () => {}, warn: (m: string) => warnings.push(m) };
    // A buffer of 1 character: every event that arrives while a write is pending is dropped.
    const recorder = new Recorder(file, env.stream, { maxBuffered: 1, log });
    let published: number;
    try {
      env.target.io.on('connection', (s) => {
        for (let i = 0; i < 200; i++) s.emit('burst', i);
      });
      const client = env.client({ transports: ['polling'] });
      let got = 0;
      client.on('burst', () => got++);
      await connected(client);
      await waitFor(() => got === 200, 5000, 'the burst');
      client.disconnect();
      await waitFor(() => env.proxy.events.some((e) => e.type === 'close'), 3000, 'the close');
    } finally {
      published = env.proxy.events.length; // the recorder stops taking events in this same step
      await recorder.close();
      await env.close();
    }
    const lines = parseNdjson(readFileSync(file, 'utf8'));
    const markers = lines.filter((e): e is DroppedEvent => e.type === 'dropped');
    assert.ok(markers.length > 0, 'some events were dropped');
    assert.match(markers[0]!.reason, /recording too slow/);
    const missed = markers.reduce((n, m) => n + m.count, 0);
    assert.equal(lines.length - markers.length + missed, published, 'written + dropped = all');
    assert.ok(
      warnings.some((w) => /disk is slower than the events/.test(w)),
      warnings.join('\n'),
    );
  });
});

describe('--record FILE (CLI)', () => {
  let target: Target;
  before(async () => {
    target = await startTarget();
    serveEcho(target.io);
  });
  after(() => target.close());

  test('appends every event as NDJSON and closes the file on SIGTERM', async () => {
    const file = join(dir, 'run.ndjson');
    writeFileSync(file, '{"earlier":"run"}\n');
    const run = runCli(cliArgs(target.url, '--quiet', '--record', file));
    try {
      const { proxy, dashboard } = await banner(run);
      const client = io(proxy, { transports: ['polling'], reconnection: false });
      assert.equal(await client.timeout(5000).emitWithAck('echo', 'hi'), 'hi');
      client.disconnect();
      // The CLI serves the stream too: its capture holds what it recorded so far.
      const capture = new URL('/api/capture', dashboard);
      capture.searchParams.set('token', new URL(dashboard).searchParams.get('token') ?? '');
      let captured: ProxyEvent[] = [];
      for (let tries = 0; !captured.some((e) => e.type === 'close'); tries++) {
        assert.ok(tries < 100, 'the close in the capture');
        await sleep(50);
        captured = parseNdjson(await (await fetch(capture)).text());
      }
      run.child.kill('SIGTERM');
      assert.equal(await run.exited, 0);

      const [earlier, ...recorded] = readFileSync(file, 'utf8').trimEnd().split('\n');
      assert.equal(earlier, '{"earlier":"run"}', 'appended, not truncated');
      const events = recorded.map((line) => JSON.parse(line) as ProxyEvent);
      assert.deepEqual(events.slice(0, captured.length), captured, 'the same events as the capture');
      for (let i = 1; i < events.length; i++) assert.ok(events[i]!.seq > events[i - 1]!.seq);
      const types = new Set(events.map((e) => e.type));
      for (const type of ['session', 'packet', 'connect', 'ack', 'disconnect', 'close'] as const)
        assert.ok(types.has(type), `a ${type} event`);
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  test('an unwritable --record path fails at start with one line', async () => {
    const run = runCli(cliArgs(target.url, '--record', join(dir, 'no/such/dir.ndjson')));
    assert.equal(await run.exited, 1);
    assert.match(run.stderr(), /^sio-proxy: --record .*no\/such\/dir\.ndjson: ENOENT/);
    assert.equal(run.stderr().trim().split('\n').length, 1);
  });
});
