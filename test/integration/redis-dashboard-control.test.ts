/**
 * `sio-proxy dashboard --redis`: the control API of every proxy from one dashboard. Rules, held
 * packets and target faults of each proxy listed together (each with its `source`, ids
 * `<source>:<id>`), changed on the proxy that owns them, created on one proxy or on all; the payload
 * search run by each proxy over its own; a proxy that is up but never answers, and one that is gone,
 * named. Real servers: a redis-server, two socket.io@4 apps, two proxies of the library with `redis`
 * and no dashboard of their own (they answer forwarded calls in process).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { createClient } from 'redis';
import { io, type Socket } from 'socket.io-client';
import { createProxy, type SioProxy } from '../../proxy/api.js';
import { RedisDashboard } from '../../proxy/dashboard/redis-dashboard.js';
import { sourcesKey } from '../../proxy/stream/redis-sink.js';
import type { ProxyEvent } from '../../shared/events.js';
import { serveEcho, startTarget, type Target } from '../support/harness.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

const TOKEN = 'ctl-token';
const KEY = 'ctl';
/** The dashboard's wait for one proxy's answer (lists wait as long: it is under LIST_TIMEOUT_MS). */
const FORWARD_MS = 1500;

async function until<T>(
  fn: () => T | undefined | Promise<T | undefined>,
  what: string,
  ms = 15_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('sio-proxy dashboard --redis: control calls across proxies', { timeout: 120_000 }, () => {
  let redis: RedisServer;
  const targets: Target[] = [];
  const proxies: Record<'a' | 'b', SioProxy> = {} as never;
  const clients: Socket[] = [];
  let dash: RedisDashboard;
  let origin: string;
  const events: ProxyEvent[] = [];
  let stream: WebSocket;

  before(async () => {
    redis = await startRedis();
    for (const source of ['a', 'b'] as const) {
      const t = await startTarget();
      serveEcho(t.io);
      targets.push(t);
      proxies[source] = await createProxy({ target: t.url, redis: { url: redis.url, key: KEY, source } });
    }
    dash = new RedisDashboard({
      redis: { url: redis.url, key: KEY },
      token: TOKEN,
      panelDir: false,
      goneAfterMs: 1500,
      forwardTimeoutMs: FORWARD_MS,
    });
    origin = `http://127.0.0.1:${(await dash.start()).port}`;
    stream = new WebSocket(`${origin.replace(/^http/, 'ws')}/api/events?token=${TOKEN}`);
    stream.on('message', (data) => events.push(...(JSON.parse(String(data)) as ProxyEvent[])));
    await until(
      () => (dash.sources().a === 'up' && dash.sources().b === 'up' ? true : undefined),
      'a and b up',
    );
  });
  after(async () => {
    for (const c of clients) c.close();
    stream?.terminate();
    await dash?.close();
    for (const p of Object.values(proxies)) await p.close();
    for (const t of targets) await t.close();
    await redis.stop();
  });

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${origin}${path}${path.includes('?') ? '&' : '?'}token=${TOKEN}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: (text ? JSON.parse(text) : undefined) as any, // eslint-disable-line @typescript-eslint/no-explicit-any
      unanswered: res.headers.get('x-unanswered-sources'),
    };
  };
  const client = (source: 'a' | 'b') => {
    const s = io(proxies[source].url, { forceNew: true, reconnection: false, transports: ['websocket'] });
    clients.push(s);
    return s;
  };

  test('rules: created on one proxy or on each, listed together by proxy, changed and removed on their own', async () => {
    const onA = await api('POST', '/api/rules', {
      source: 'a',
      match: { event: 'x' },
      action: { kind: 'drop' },
    });
    assert.equal(onA.status, 201, JSON.stringify(onA.body));
    assert.equal(onA.body.id, 'a:r1');
    assert.equal(onA.body.source, 'a');
    assert.equal(proxies.a.rules.list().length, 1);
    assert.equal(proxies.b.rules.list().length, 0, 'only the proxy named');

    const onEach = await api('POST', '/api/rules', { match: { event: 'hold' }, action: { kind: 'pause' } });
    assert.equal(onEach.status, 201, JSON.stringify(onEach.body));
    assert.deepEqual(
      onEach.body.results.map((r: { source: string; status: number; body: { id: string } }) => [
        r.source,
        r.status,
        r.body.id,
      ]),
      [
        ['a', 201, 'a:r2'],
        ['b', 201, 'b:r1'],
      ],
    );
    assert.deepEqual(
      proxies.b.rules.list().map((r) => [r.id, r.match.event]),
      [['r1', 'hold']],
      'the proxy keeps its own ids',
    );

    const listed = await api('GET', '/api/rules');
    assert.equal(listed.status, 200);
    assert.equal(listed.unanswered, null, 'every proxy answered');
    assert.deepEqual(
      listed.body.map((r: { id: string; source: string; action: { kind: string } }) => [
        r.id,
        r.source,
        r.action.kind,
      ]),
      [
        ['a:r1', 'a', 'drop'],
        ['a:r2', 'a', 'pause'],
        ['b:r1', 'b', 'pause'],
      ],
    );

    // r1 on both proxies: the qualified id reaches the one meant.
    const off = await api('PATCH', '/api/rules/b:r1', { enabled: false });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    assert.deepEqual([off.body.id, off.body.enabled], ['b:r1', false]);
    assert.equal(proxies.b.rules.list()[0]!.enabled, false);
    assert.equal(proxies.a.rules.list()[0]!.enabled, true, "a's r1 untouched");
    assert.equal((await api('PATCH', '/api/rules/b:r1', { enabled: true })).status, 200);

    assert.equal((await api('DELETE', '/api/rules/a:r1')).status, 204);
    assert.deepEqual(
      proxies.a.rules.list().map((r) => r.id),
      ['r2'],
    );
    assert.equal(proxies.b.rules.list().length, 1);

    const bare = await api('DELETE', '/api/rules/r2');
    assert.equal(bare.status, 404);
    assert.match(bare.body.error, /<source>:<id>/);
    const noProxy = await api('DELETE', '/api/rules/nosuch:r1');
    assert.equal(noProxy.status, 404, 'a proxy never seen is not waited for');
    assert.match(noProxy.body.error, /no proxy nosuch/);
    const unknown = await api('DELETE', '/api/rules/a:r99');
    assert.equal(unknown.status, 404, "the proxy's own answer");
    assert.doesNotMatch(unknown.body.error, /dashboard --redis/);
    const bad = await api('POST', '/api/rules', {
      source: 'a',
      match: { evnt: 'x' },
      action: { kind: 'drop' },
    });
    assert.equal(bad.status, 400, 'the proxy checks the rule as on its own dashboard');
  });

  test('held packets of both proxies in one list, each decided on its own proxy', async () => {
    // The targets have no `hold` handler: what matters is where each packet is held.
    client('a').emit('hold', 'from a');
    client('b').emit('hold', 'from b');
    const held = await until(async () => {
      const r = await api('GET', '/api/paused');
      return r.body.length === 2 ? r : undefined;
    }, 'two held packets');
    assert.equal(held.unanswered, null);
    assert.deepEqual(
      held.body.map((p: { id: string; source: string; ruleId: string; args: unknown[] }) => [
        p.id,
        p.source,
        p.ruleId,
        p.args,
      ]),
      [
        ['a:p1', 'a', 'a:r2', ['from a']],
        ['b:p1', 'b', 'b:r1', ['from b']],
      ],
    );
    const dropped = await api('POST', '/api/paused/b:p1', { verdict: 'drop' });
    assert.equal(dropped.status, 200, JSON.stringify(dropped.body));
    assert.equal(proxies.b.paused().length, 0);
    assert.equal(proxies.a.paused().length, 1, "a's p1 still held");
    assert.equal((await api('POST', '/api/paused/a:p1', { verdict: 'forward' })).status, 200);
    await until(() => (proxies.a.paused().length === 0 ? true : undefined), 'a forwarded');
    await until(
      () =>
        events.some((e) => e.type === 'intervention' && e.source === 'b' && e.action === 'dropped') &&
        events.some((e) => e.type === 'intervention' && e.source === 'a' && e.action === 'forwarded')
          ? true
          : undefined,
      "each proxy's decision on the stream",
    );
    assert.equal((await api('DELETE', '/api/rules/a:r2')).status, 204);
    assert.equal((await api('DELETE', '/api/rules/b:r1')).status, 204);
  });

  test('target faults: on the proxy named, listed with it, removed by its qualified id', async () => {
    const made = await api('POST', '/api/faults?source=b', { kind: 'block-upgrade' });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.match(made.body.id, /^b:/);
    const listed = await api('GET', '/api/faults');
    assert.deepEqual(
      listed.body.map((f: { id: string; source: string; kind: string }) => [f.id, f.source, f.kind]),
      [[made.body.id, 'b', 'block-upgrade']],
    );
    // It acts on b alone: a WebSocket through b is refused, through a it upgrades.
    const refused = io(proxies.b.url, { forceNew: true, reconnection: false, transports: ['websocket'] });
    clients.push(refused);
    await new Promise<void>((resolve) => refused.once('connect_error', () => resolve()));
    const fine = client('a');
    await new Promise<void>((resolve) => fine.once('connect', () => resolve()));
    assert.equal((await api('DELETE', `/api/faults/${made.body.id}`)).status, 204);
    assert.deepEqual((await api('GET', '/api/faults')).body, []);
  });

  test('the payload search runs on each proxy over its full payloads; seqs are the dashboard’s', async () => {
    const pad = 'x'.repeat(6000); // past the stream's 4 KB preview
    for (const source of ['a', 'b'] as const) {
      const c = client(source);
      assert.equal(
        await c.timeout(5000).emitWithAck('echo', `${pad} needle-${source}`),
        `${pad} needle-${source}`,
      );
    }
    const cut = await until(() => {
      const found = events.filter((e) => e.type === 'packet' && e.truncated);
      return ['a', 'b'].every((s) => found.filter((e) => e.source === s).length >= 2) ? found : undefined;
    }, 'the cut packets of both proxies');
    assert.ok(
      cut.every((e) => !JSON.stringify(e).includes('needle')),
      'the needle is past the preview',
    );
    const wanted = cut.map((e) => e.seq);
    const r = await api('GET', '/api/search?q=needle-');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.seqs, wanted, 'each proxy found its own, named by the dashboard seq');
    assert.equal(r.body.searched, cut.length);
    assert.deepEqual(r.body.unanswered, []);
    const onlyB = await api('GET', '/api/search?q=needle-b');
    assert.deepEqual(
      onlyB.body.seqs.map((seq: number) => events.find((e) => e.seq === seq)?.source),
      ['b', 'b'],
    );
    assert.equal((await api('GET', '/api/search')).status, 400, 'q is required');
  });

  test('forwarded calls wait on kept connections: 20 lists of both proxies open a few, not one a call', async () => {
    const admin = createClient({ url: redis.url });
    await admin.connect();
    const received = async () =>
      Number(/total_connections_received:(\d+)/.exec(await admin.info('stats'))?.[1] ?? NaN);
    try {
      await api('GET', '/api/rules'); // the first calls open what the next ones reuse
      const before = await received();
      for (let i = 0; i < 20; i++) {
        const listed = await api('GET', '/api/rules');
        assert.equal(listed.status, 200);
        assert.equal(listed.unanswered, null, 'every proxy answered');
      }
      const opened = (await received()) - before;
      // 40 forwarded calls (20 lists x 2 proxies); one connection each before the pool.
      assert.ok(opened <= 2, `${opened} connections opened for 40 forwarded calls`);
    } finally {
      await admin.quit();
    }
  });

  test('a proxy that is up but never answers: named in lists, 504 within the limit; gone: 503 at once', async () => {
    const writer = createClient({ url: redis.url });
    await writer.connect();
    let beat = 0;
    const heartbeat = setInterval(() => void writer.hSet(sourcesKey(KEY), 'ghost', String(++beat)), 300);
    try {
      await writer.hSet(sourcesKey(KEY), 'ghost', String(++beat));
      await until(() => (dash.sources().ghost === 'up' ? true : undefined), 'ghost up');
      const started = Date.now();
      const listed = await api('GET', '/api/rules');
      assert.equal(listed.status, 200);
      assert.deepEqual(listed.body, [], 'a and b answered: no rules');
      assert.deepEqual(JSON.parse(listed.unanswered!), [
        { source: 'ghost', error: `no answer within ${FORWARD_MS / 1000} s` },
      ]);
      const onGhost = await api('POST', '/api/rules?source=ghost', { match: {}, action: { kind: 'drop' } });
      assert.equal(onGhost.status, 504);
      assert.match(onGhost.body.error, /proxy ghost did not answer through Redis within 1.5 s/);
      assert.equal((await api('DELETE', '/api/rules/ghost:r1')).status, 504);
      assert.ok(Date.now() - started < 4 * FORWARD_MS + 2000, 'each waited the limit, not 10 s');

      const onEach = await api('POST', '/api/faults', { kind: 'block-upgrade', ms: 1000 });
      assert.equal(onEach.status, 207, 'made on a and b, not on ghost');
      assert.deepEqual(
        onEach.body.results.map((r: { source: string; status: number }) => [r.source, r.status]),
        [
          ['a', 201],
          ['b', 201],
          ['ghost', 504],
        ],
      );
    } finally {
      clearInterval(heartbeat);
    }
    await until(() => (dash.sources().ghost === 'gone' ? true : undefined), 'ghost gone');
    const started = Date.now();
    const gone = await api('DELETE', '/api/rules/ghost:r1');
    assert.equal(gone.status, 503);
    assert.match(gone.body.error, /proxy ghost, which it belongs to, is gone/);
    const listed = await api('GET', '/api/paused');
    assert.deepEqual(JSON.parse(listed.unanswered!), [{ source: 'ghost', error: 'gone' }]);
    assert.ok(Date.now() - started < FORWARD_MS, 'a gone proxy is not waited for');
    await writer.quit();
  });
});
