/**
 * `sio-proxy dashboard --redis`: one dashboard over the events of several proxies, read from the Redis
 * Stream they write (`--redis`). Real servers throughout: a redis-server, three socket.io@4 apps, three
 * proxies (the library's createProxy, and the CLI for the one that is SIGKILLed), the dashboard both
 * as a library object and as the CLI.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { io, type Socket } from 'socket.io-client';
import { createProxy, type SioProxy } from '../../proxy/api.js';
import { RedisDashboard } from '../../proxy/dashboard/redis-dashboard.js';
import type { ProxyEvent, SourceEvent } from '../../shared/events.js';
import { banner, cliArgs, runCli, type CliRun } from '../support/cli-process.js';
import { serveEcho, startTarget, type Target } from '../support/harness.js';
import { validateEvent } from '../support/event-schema.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

const TOKEN = 'dash-token';

async function until<T>(fn: () => T | undefined, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A reader of the dashboard's event stream, as the panel reads it. */
async function observe(origin: string, token = TOKEN): Promise<{ events: ProxyEvent[]; close(): void }> {
  const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}/api/events?token=${token}`);
  const events: ProxyEvent[] = [];
  ws.on('message', (data) => events.push(...(JSON.parse(String(data)) as ProxyEvent[])));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { events, close: () => ws.terminate() };
}

const sourceEvents = (events: ProxyEvent[], source: string) =>
  events.filter((e): e is SourceEvent => e.type === 'source' && e.source === source).map((e) => e.state);

describe('sio-proxy dashboard --redis: many proxies, one dashboard', { timeout: 120_000 }, () => {
  let redis: RedisServer;
  const targets: Target[] = [];
  const cleanups: Array<() => unknown> = [];
  before(async () => {
    redis = await startRedis();
    for (let i = 0; i < 3; i++) {
      const t = await startTarget();
      serveEcho(t.io);
      targets.push(t);
    }
  });
  after(async () => {
    for (const fn of cleanups.reverse()) await fn();
    for (const t of targets) await t.close();
    await redis.stop();
  });

  const proxyOn = async (i: number, key: string, source: string): Promise<SioProxy> => {
    const proxy = await createProxy({ target: targets[i]!.url, redis: { url: redis.url, key, source } });
    cleanups.push(() => proxy.close());
    return proxy;
  };
  const echo = async (url: string, value: string): Promise<void> => {
    const s: Socket = io(url, { forceNew: true, reconnection: false, transports: ['websocket'] });
    try {
      assert.equal(await s.timeout(5000).emitWithAck('echo', value), value);
    } finally {
      s.close();
    }
  };
  const dashboardOn = async (
    key: string,
    goneAfterMs?: number,
  ): Promise<{ dash: RedisDashboard; origin: string }> => {
    const dash = new RedisDashboard({
      redis: { url: redis.url, key },
      token: TOKEN,
      panelDir: false,
      ...(goneAfterMs !== undefined ? { goneAfterMs } : {}),
    });
    cleanups.push(() => dash.close());
    const address = await dash.start();
    return { dash, origin: `http://127.0.0.1:${address.port}` };
  };

  /** `sio-proxy dashboard --redis` as a child process (killed at the end): its dashboard URL. */
  const dashboardCli = async (key: string, url = redis.url): Promise<string> => {
    const dash = runCli([
      'dashboard',
      '--redis',
      url,
      '--redis-key',
      key,
      '--ui-port',
      '0',
      '--ui-token',
      TOKEN,
    ]);
    cleanups.push(() => {
      if (dash.child.exitCode === null) dash.child.kill('SIGKILL');
    });
    return until(() => {
      const url = /dashboard:\s+(http:\/\/\S+)/.exec(dash.stdout())?.[1];
      if (!url && dash.child.exitCode !== null) throw new Error(`dashboard exited: ${dash.stderr()}`);
      return url;
    }, 'the dashboard banner');
  };

  test('started after three proxies: their history, then live, in order per source, sessions named by proxy', async () => {
    const key = 'three';
    const proxies = [await proxyOn(0, key, 'p0'), await proxyOn(1, key, 'p1'), await proxyOn(2, key, 'p2')];
    await Promise.all(proxies.map((p, i) => echo(p.url, `before ${i}`)));
    // Every proxy's events so far have reached Redis before the dashboard starts.
    const before = proxies.map((p) => p.history().length);
    const { origin } = await dashboardOn(key);
    const reader = await observe(origin);
    cleanups.push(() => reader.close());
    const bySource = (source: string) =>
      reader.events.filter((e) => e.source === source && e.type !== 'source');
    await until(
      () => (proxies.every((_, i) => bySource(`p${i}`).length >= before[i]!) ? true : undefined),
      'the history of all three',
    );
    await Promise.all(proxies.map((p, i) => echo(p.url, `live ${i}`)));
    await until(
      () =>
        proxies.every((p, i) => {
          const own = p.history().filter((e) => e.type !== 'dropped');
          return bySource(`p${i}`).length >= own.length && own.length > before[i]!;
        })
          ? true
          : undefined,
      'the live events of all three',
    );
    const seqs = reader.events.map((e) => e.seq);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
      'one increasing seq order on the dashboard',
    );
    assert.equal(new Set(seqs).size, seqs.length, 'no seq twice');
    for (const e of reader.events)
      assert.deepEqual(validateEvent(e), [], `${e.type} ${e.seq} fits the schema`);
    proxies.forEach((p, i) => {
      const got = bySource(`p${i}`);
      assert.deepEqual(
        got.map((e) => e.sourceSeq),
        p.history().map((e) => e.seq),
        `proxy p${i}: every event, in its own order, its seq kept as sourceSeq`,
      );
      assert.ok(got.some((e) => e.type === 'packet' && JSON.stringify(e).includes(`live ${i}`)));
      const sessions = got.filter((e) => e.type === 'session');
      assert.equal(sessions.length, 2, 'two sessions per proxy');
      // An ack links to the dashboard's seqs of its EVENT and ACK, which are packets of the same proxy.
      for (const ack of got.filter((e) => e.type === 'ack')) {
        const linked = reader.events.find((e) => e.seq === ack.eventSeq);
        assert.equal(linked?.type, 'packet');
        assert.equal(linked?.source, `p${i}`);
      }
    });
    for (let i = 0; i < 3; i++) assert.deepEqual(sourceEvents(reader.events, `p${i}`), ['up']);
  });

  test('a proxy that stops is gone, and back when it returns under the same source', async () => {
    const key = 'gone';
    const a = await proxyOn(0, key, 'a');
    await proxyOn(1, key, 'b');
    const { origin } = await dashboardOn(key);
    const reader = await observe(origin);
    cleanups.push(() => reader.close());
    // Both seen up before a stops: a stop read before a's first heartbeat is 'gone' from the start.
    await until(
      () =>
        sourceEvents(reader.events, 'a').length && sourceEvents(reader.events, 'b').length ? true : undefined,
      'a and b seen',
    );
    await a.close(); // a clean stop says `stopped`
    await until(() => (sourceEvents(reader.events, 'a').at(-1) === 'gone' ? true : undefined), 'a gone');
    const again = await proxyOn(0, key, 'a');
    await echo(again.url, 'a again');
    await until(() => (sourceEvents(reader.events, 'a').at(-1) === 'up' ? true : undefined), 'a back');
    assert.deepEqual(sourceEvents(reader.events, 'a'), ['up', 'gone', 'up']);
    assert.deepEqual(sourceEvents(reader.events, 'b'), ['up'], 'b was never gone');
    assert.ok(reader.events.some((e) => e.source === 'a' && JSON.stringify(e).includes('a again')));
  });

  test('calls for a session and full payloads go to the proxy that relays it, through Redis', async () => {
    const key = 'forward';
    const proxy = await createProxy({
      target: targets[1]!.url,
      redis: { url: redis.url, key, source: 'f' },
      dashboard: { token: 'proxy-own-token' },
    });
    cleanups.push(() => proxy.close());
    const { origin } = await dashboardOn(key);
    const reader = await observe(origin);
    cleanups.push(() => reader.close());
    const s: Socket = io(proxy.url, { forceNew: true, reconnection: false, transports: ['websocket'] });
    cleanups.push(() => s.close());
    const big = 'x'.repeat(10_000);
    assert.equal(await s.timeout(5000).emitWithAck('echo', big), big);
    const sid = (await until(
      () => reader.events.find((e) => e.type === 'session' && e.source === 'f'),
      'the session on the dashboard',
    )) as ProxyEvent & { sessionId: string };
    const heard = new Promise<unknown[]>((resolve) => s.once('news', (...args: unknown[]) => resolve(args)));
    const emit = await fetch(`${origin}/api/sessions/${sid.sessionId}/emit?token=${TOKEN}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ direction: 's2c', event: 'news', args: ['through redis'] }),
    });
    assert.equal(emit.status, 200, await emit.clone().text());
    assert.deepEqual(await heard, ['through redis'], 'the client got the emit of the proxy it is on');
    const cutPacket = await until(
      () => reader.events.find((e) => e.type === 'packet' && e.truncated && e.source === 'f'),
      'a cut packet',
    );
    const full = await fetch(`${origin}/api/packets/${cutPacket.seq}?token=${TOKEN}`);
    assert.equal(full.status, 200);
    const payload = (await full.json()) as { seq: number; args: unknown[] };
    assert.equal(payload.seq, cutPacket.seq, "named by the dashboard's seq");
    assert.ok(JSON.stringify(payload.args).includes(big), 'the whole payload, from the proxy');
    // Per-proxy lists are every proxy's (redis-dashboard-control.test.ts): here f's, empty.
    const rules = await fetch(`${origin}/api/rules?token=${TOKEN}`);
    assert.equal(rules.status, 200);
    assert.deepEqual(await rules.json(), []);
  });

  test('the CLI: a proxy SIGKILLed is gone (its heartbeat stops), back when restarted; its calls then 503', async () => {
    const key = 'cli';
    const runs: CliRun[] = [];
    const startProxyCli = async () => {
      const run = runCli(
        cliArgs(targets[2]!.url, '--quiet', '--redis', redis.url, '--redis-key', key, '--redis-source', 'k'),
      );
      runs.push(run);
      return banner(run);
    };
    cleanups.push(async () => {
      for (const r of runs) if (r.child.exitCode === null) r.child.kill('SIGKILL');
    });
    const first = await startProxyCli();
    await echo(first.proxy, 'k first');
    const dashboard = await dashboardCli(key);
    const origin = new URL(dashboard).origin;
    assert.equal(new URL(dashboard).hostname, '127.0.0.1', 'loopback by default');
    const noToken = await fetch(`${origin}/api/capture`);
    assert.equal(noToken.status, 401, 'the token, as on a proxy dashboard');
    const reader = await observe(origin);
    cleanups.push(() => reader.close());
    await until(
      () => (reader.events.some((e) => JSON.stringify(e).includes('k first')) ? true : undefined),
      'the first proxy run in the history',
    );
    const sid = reader.events.find((e) => e.type === 'session')!.sessionId;
    const emit = await fetch(`${origin}/api/sessions/${sid}/emit?token=${TOKEN}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ direction: 's2c', event: 'x', args: [] }),
    });
    // Forwarded to proxy k, whose own control API answers: that session is closed.
    const body = (await emit.json()) as { error: string };
    assert.ok([404, 409].includes(emit.status), `the proxy's answer, got ${emit.status} ${body.error}`);
    assert.doesNotMatch(body.error, /dashboard --redis/, 'answered by the proxy, not the dashboard');

    runs[0]!.child.kill('SIGKILL');
    await until(() => (sourceEvents(reader.events, 'k').at(-1) === 'gone' ? true : undefined), 'k gone');
    const gone = reader.events
      .filter((e): e is SourceEvent => e.type === 'source' && e.state === 'gone')
      .at(-1)!;
    assert.match(gone.reason, /no heartbeat/);
    const afterKill = await fetch(`${origin}/api/sessions/${sid}/emit?token=${TOKEN}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    assert.equal(afterKill.status, 503, 'the owning proxy is gone');
    const second = await startProxyCli();
    await echo(second.proxy, 'k second');
    await until(() => (sourceEvents(reader.events, 'k').at(-1) === 'up' ? true : undefined), 'k back');
    await until(
      () => (reader.events.some((e) => JSON.stringify(e).includes('k second')) ? true : undefined),
      'the second run live',
    );
    assert.deepEqual(sourceEvents(reader.events, 'k'), ['up', 'gone', 'up']);
  });
  test('Redis restarted under the CLI dashboard: each proxy keeps arriving, nothing lost beyond what is counted', async () => {
    // Its own redis-server: the restart empties it (nothing persisted), which the other tests' keys would not survive.
    const own = await startRedis();
    cleanups.push(() => own.stop());
    const key = 'restart';
    // `small` can hold 20 events while Redis is away: the rest of its outage is counted, not kept.
    const roomy = await createProxy({
      target: targets[0]!.url,
      redis: { url: own.url, key, source: 'roomy' },
    });
    const small = await createProxy({
      target: targets[1]!.url,
      redis: { url: own.url, key, source: 'small', maxBuffered: 20 },
    });
    cleanups.push(
      () => roomy.close(),
      () => small.close(),
    );
    const origin = new URL(await dashboardCli(key, own.url)).origin;
    const reader = await observe(origin);
    cleanups.push(() => reader.close());
    const proxies = { roomy, small };
    const of = (source: string) => reader.events.filter((e) => e.source === source && e.type !== 'source');
    const arrived = (source: keyof typeof proxies, text: string, ms?: number) =>
      until(
        () => (of(source).some((e) => JSON.stringify(e).includes(text)) ? true : undefined),
        `${source}: ${text}`,
        ms,
      );

    await Promise.all([echo(roomy.url, 'roomy before'), echo(small.url, 'small before')]);
    await Promise.all([arrived('roomy', 'roomy before'), arrived('small', 'small before')]);
    await own.kill();
    for (let i = 0; i < 3; i++)
      await Promise.all([echo(roomy.url, `roomy down ${i}`), echo(small.url, `small down ${i}`)]);
    await own.restart();
    // New events of each proxy reach the dashboard again (the small one's first tries after the
    // restart may still find its queue full, and be counted).
    await Promise.all(
      (['roomy', 'small'] as const).map(async (source) => {
        for (let i = 0; ; i++) {
          await echo(proxies[source].url, `${source} after ${i}`);
          try {
            return await arrived(source, `${source} after ${i}`, 1000);
          } catch (err) {
            if (i === 15) throw err;
          }
        }
      }),
    );
    // The dashboard read on from where it stopped: every event of each proxy, in its order, is there
    // or counted in a `dropped` event of that proxy (named by the seq of the last it counts).
    for (const [source, proxy] of Object.entries(proxies)) {
      const got = of(source);
      const seqs = got.map((e) => e.sourceSeq ?? -1);
      assert.deepEqual(
        seqs,
        [...seqs].sort((a, b) => a - b),
        `${source}: in its own order`,
      );
      const have = new Set(got.filter((e) => e.type !== 'dropped').map((e) => e.sourceSeq));
      const missing = proxy.history().filter((e) => !have.has(e.seq));
      const counted = got.reduce((n, e) => n + (e.type === 'dropped' ? e.count : 0), 0);
      assert.equal(missing.length, counted, `${source}: ${missing.length} missing, ${counted} counted`);
      if (source === 'roomy') assert.equal(counted, 0, 'a buffer large enough: nothing lost');
      else assert.ok(counted > 0, 'past its buffer of 20, the outage is counted');
      assert.notEqual(sourceEvents(reader.events, source).at(-1), 'gone', `${source} is not gone`);
    }
  });
});
