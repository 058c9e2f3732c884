/**
 * `--redis`: the proxy's events also go to a Redis Stream, with its `source`, without the relay ever
 * waiting on Redis. Against a real redis-server, stopped and restarted under a running proxy.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient } from 'redis';
import { io, type Socket } from 'socket.io-client';
import { createProxy, type SioProxy } from '../../proxy/api.js';
import type { ProxyEvent } from '../../shared/events.js';
import { banner, cliArgs, runCli } from '../support/cli-process.js';
import { serveEcho, startTarget, type Target } from '../support/harness.js';
import { freePort, startRedis } from '../support/redis-server.js';

type Entry = { source: string; event: ProxyEvent };

async function readStream(url: string, key: string): Promise<Entry[]> {
  const c = createClient({ url });
  await c.connect();
  try {
    const rows = await c.xRange(key, '-', '+');
    return rows.map((r) => ({
      source: r.message.source!,
      event: JSON.parse(r.message.event!) as ProxyEvent,
    }));
  } finally {
    c.destroy();
  }
}

async function until<T>(fn: () => Promise<T | undefined>, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('--redis: events appended to a Redis Stream', { timeout: 90_000 }, () => {
  let target: Target;
  const cleanups: Array<() => unknown> = [];
  before(async () => {
    target = await startTarget();
    serveEcho(target.io);
  });
  after(async () => {
    for (const fn of cleanups.reverse()) await fn();
    await target.close();
  });

  const start = async (redis: NonNullable<Parameters<typeof createProxy>[0]['redis']>) => {
    const proxy = await createProxy({ target: target.url, redis });
    cleanups.push(() => proxy.close());
    return proxy;
  };
  const client = async (proxy: SioProxy): Promise<Socket> => {
    const s = io(proxy.url, { forceNew: true, reconnection: false, transports: ['websocket'] });
    cleanups.push(() => s.close());
    await new Promise<void>((resolve, reject) => {
      s.once('connect', resolve);
      s.once('connect_error', reject);
    });
    return s;
  };
  /** Every event of the proxy's history after `since` is in the stream (by seq): waits until so. */
  const allWritten = (proxy: SioProxy, url: string, key: string, since = 0) =>
    until(async () => {
      const entries = await readStream(url, key);
      const inStream = new Set(entries.map((e) => e.event.seq));
      return proxy.history().every((e) => e.seq <= since || inStream.has(e.seq)) ? entries : undefined;
    }, 'every event in the stream');

  test('every event, in order, with its source in the entry and in the event', async () => {
    const redis = await startRedis();
    cleanups.push(() => redis.stop());
    const proxy = await start({ url: redis.url, key: 'one', source: 'proxy-a' });
    const s = await client(proxy);
    assert.equal(await s.timeout(5000).emitWithAck('echo', 'via redis'), 'via redis');
    const entries = await allWritten(proxy, redis.url, 'one');
    assert.deepEqual(
      entries.map((e) => e.event.seq),
      proxy.history().map((e) => e.seq),
      'the same events, in the same order',
    );
    for (const e of entries) {
      assert.equal(e.source, 'proxy-a');
      assert.equal(e.event.source, 'proxy-a');
    }
    assert.ok(
      entries.some((e) => e.event.type === 'packet' && JSON.stringify(e.event).includes('via redis')),
    );
  });

  test('Redis stopped and restarted: the relay goes on, the events of the outage arrive after', async () => {
    const redis = await startRedis();
    cleanups.push(() => redis.stop());
    const proxy = await start({ url: redis.url, key: 'two' });
    const s = await client(proxy);
    await allWritten(proxy, redis.url, 'two');
    await redis.kill(); // (restart() below brings it back on the same port, empty: no persistence)
    const during = proxy.history().at(-1)!.seq;
    for (let i = 0; i < 5; i++)
      assert.equal(await s.timeout(5000).emitWithAck('echo', `while down ${i}`), `while down ${i}`);
    await redis.restart();
    // The restarted Redis is empty (nothing persisted): what was written before is gone with it.
    const entries = await allWritten(proxy, redis.url, 'two', during);
    const outage = proxy.history().filter((e) => e.seq > during);
    assert.ok(outage.length >= 10, 'the five round trips');
    const got = new Set(entries.map((e) => e.event.seq));
    assert.deepEqual(
      outage.filter((e) => !got.has(e.seq)),
      [],
      'nothing of the outage lost',
    );
    assert.ok(!entries.some((e) => e.event.type === 'dropped'));
  });

  test('past its buffer, events are counted and written as one `dropped` event once Redis comes', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    // Nothing listens there yet: the proxy starts anyway and relays.
    const proxy = await start({ url, key: 'three', maxBuffered: 5 });
    const s = await client(proxy);
    for (let i = 0; i < 3; i++) assert.equal(await s.timeout(5000).emitWithAck('echo', i), i);
    const history = proxy.history();
    assert.ok(history.length > 10);
    const redis = await startRedis(port);
    cleanups.push(() => redis.stop());
    const entries = await until(async () => {
      const all = await readStream(url, 'three');
      return all.some((e) => e.event.type === 'dropped') ? all : undefined;
    }, 'the dropped event');
    const dropped = entries.find((e) => e.event.type === 'dropped')!.event as ProxyEvent & { count: number };
    const kept = entries.filter((e) => e.event.type !== 'dropped' && e.event.seq <= history.at(-1)!.seq);
    assert.deepEqual(
      kept.map((e) => e.event.seq),
      history.slice(0, 5).map((e) => e.seq),
      'the first five waited',
    );
    assert.equal(dropped.count, history.length - 5, 'the rest counted');
    assert.equal(dropped.seq, history.at(-1)!.seq, 'named by the last one missed');
  });

  test('the CLI: --redis and --redis-key, said in the banner; a URL that is not redis:// is a usage error', async () => {
    const bad = runCli(['--redis', 'http://127.0.0.1:6379']);
    assert.equal(await bad.exited, 2);
    assert.match(
      bad.stderr(),
      /--redis "http:\/\/127\.0\.0\.1:6379" must be a redis:\/\/ or rediss:\/\/ URL/,
    );

    const redis = await startRedis();
    cleanups.push(() => redis.stop());
    const run = runCli(cliArgs(target.url, '--quiet', '--redis', redis.url, '--redis-key', 'from-cli'));
    try {
      const { proxy } = await banner(run, 30_000);
      assert.match(run.stdout(), new RegExp(`redis: +${redis.url} from-cli \\(source [^)]+\\)`));
      const s = io(proxy, { forceNew: true, reconnection: false, transports: ['websocket'] });
      cleanups.push(() => s.close());
      assert.equal(await s.timeout(5000).emitWithAck('echo', 'cli'), 'cli');
      const entries = await until(async () => {
        const all = await readStream(redis.url, 'from-cli');
        return all.some((e) => e.event.type === 'ack') ? all : undefined;
      }, 'the ack in the stream');
      assert.ok(entries.every((e) => e.event.source === entries[0]!.source && e.source === e.event.source));
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
    }
  });
});
