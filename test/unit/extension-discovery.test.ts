/**
 * The pure parts of the DevTools tab's proxy discovery: the bounded most-recent-first store of
 * learned dashboards (extension/src/discovery/), which pages may teach a token
 * (dashboard-note.ts), and the order in which the panel probes candidates and picks one
 * (extension/src/panel/proxy-discovery.ts), with a fake fetch.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DASHBOARD_NOTE,
  learnableOrigin,
  parseDashboardNote,
  plausibleToken,
} from '../../extension/src/discovery/dashboard-note.js';
import {
  knownProxies,
  MAX_KNOWN_PROXIES,
  type KnownProxy,
} from '../../extension/src/discovery/known-proxies.js';
import { putFirst, RecentList, type StorageArea } from '../../extension/src/discovery/recent-list.js';
import {
  DEFAULT_PROXY_URL,
  findProxy,
  probeCandidates,
  tokenCandidates,
} from '../../extension/src/panel/proxy-discovery.js';

/** chrome.storage.local's get/set over a Map, each call a tick late like the real one. */
function memoryArea(initial: Record<string, unknown> = {}): StorageArea & { data: Map<string, unknown> } {
  const data = new Map(Object.entries(initial));
  const tick = () => new Promise((r) => setTimeout(r, 1));
  return {
    data,
    async get(key) {
      await tick();
      return data.has(key) ? { [key]: structuredClone(data.get(key)) } : {};
    },
    async set(items) {
      await tick();
      for (const [k, v] of Object.entries(items)) data.set(k, structuredClone(v));
    },
  };
}

const proxy = (port: number, token = `t${port}`, seenAt = port): KnownProxy => ({
  origin: `http://127.0.0.1:${port}`,
  token,
  seenAt,
});

describe('bounded most-recent-first list', () => {
  test('putFirst: the new item first, its older copy gone, at most max', () => {
    const same = (a: number, b: number) => a === b;
    assert.deepEqual(putFirst([3, 2, 1], 4, same, 3), [4, 3, 2]);
    assert.deepEqual(putFirst([3, 2, 1], 2, same, 3), [2, 3, 1]);
    assert.deepEqual(putFirst([], 1, same, 3), [1]);
  });

  test('known proxies: one entry per origin, the latest token, newest first, ten at most', async () => {
    const area = memoryArea();
    const known = knownProxies(area);
    for (let port = 9000; port < 9015; port++) await known.put(proxy(port));
    await known.put(proxy(9012, 'new-token', 99_999));
    const list = await known.list();
    assert.equal(list.length, MAX_KNOWN_PROXIES);
    assert.deepEqual(list[0], proxy(9012, 'new-token', 99_999));
    assert.deepEqual(
      list.map((p) => p.origin.slice(-4)),
      ['9012', '9014', '9013', '9011', '9010', '9009', '9008', '9007', '9006', '9005'],
    );
  });

  test('puts made at once all land (they are chained, not read-modify-write races)', async () => {
    const known = knownProxies(memoryArea());
    await Promise.all([9001, 9002, 9003, 9004].map((p) => known.put(proxy(p))));
    assert.deepEqual((await known.list()).map((p) => p.origin.slice(-4)).sort(), [
      '9001',
      '9002',
      '9003',
      '9004',
    ]);
  });

  test('whatever else storage holds is ignored, and an over-long stored list is cut', async () => {
    const junk = [proxy(1), { origin: 'x' }, 'str', null, { origin: 'o', token: 5, seenAt: 1 }];
    const known = knownProxies(memoryArea({ knownProxies: junk }));
    assert.deepEqual(await known.list(), [proxy(1)]);
    assert.deepEqual(await knownProxies(memoryArea({ knownProxies: 'nope' })).list(), []);
    const many = Array.from({ length: 30 }, (_, i) => proxy(9000 + i));
    assert.equal((await knownProxies(memoryArea({ knownProxies: many })).list()).length, MAX_KNOWN_PROXIES);
    const strings = new RecentList(
      memoryArea(),
      'k',
      2,
      (v): v is string => typeof v === 'string',
      (a, b) => a === b,
    );
    for (const s of ['a', 'b', 'c', 'b']) await strings.put(s);
    assert.deepEqual(await strings.list(), ['b', 'c']);
  });
});

describe('which pages may teach a token', () => {
  test('plain HTTP on loopback and private addresses', () => {
    for (const href of [
      'http://127.0.0.1:8081/?token=x',
      'http://127.5.6.7:1/',
      'http://localhost:8081/',
      'http://dash.localhost/',
      'http://[::1]:8081/',
      'http://10.1.2.3:8081/',
      'http://172.16.0.1/',
      'http://172.31.255.255/',
      'http://192.168.1.20:8081/',
      'http://169.254.3.4/',
      'http://[fd12:3456::1]:8081/',
      'http://[fe80::1]/',
    ])
      assert.equal(learnableOrigin(href), new URL(href).origin, href);
  });

  test('not HTTPS, public addresses, names, credentials, other schemes', () => {
    for (const href of [
      'https://127.0.0.1:8081/',
      'http://8.8.8.8/',
      'http://172.32.0.1/',
      'http://192.169.0.1/',
      'http://evil.example/',
      'http://127.0.0.1.evil.example/',
      'http://localhost.evil.example/',
      'http://devbox.lan:8081/',
      'http://u:p@127.0.0.1:8081/',
      'http://[2001:db8::1]/',
      'http://[fc:1::1]/',
      'file:///tmp/x.html',
      'chrome-extension://abc/panel.html',
      'not a url',
      undefined,
    ])
      assert.equal(learnableOrigin(href), undefined, String(href));
  });

  test('a note is believed only when the sender’s own URL agrees with it', () => {
    const note = { kind: DASHBOARD_NOTE, origin: 'http://127.0.0.1:8081', token: 'abc' };
    assert.deepEqual(parseDashboardNote(note, 'http://127.0.0.1:8081/?token=abc'), note);
    assert.equal(parseDashboardNote(note, 'http://127.0.0.1:9999/?token=abc'), undefined, 'other port');
    assert.equal(parseDashboardNote(note, 'http://evil.example/?token=abc'), undefined, 'public sender');
    assert.equal(parseDashboardNote(note, undefined), undefined, 'no sender URL');
    assert.equal(parseDashboardNote({ ...note, kind: 'other' }, 'http://127.0.0.1:8081/'), undefined);
    assert.equal(parseDashboardNote({ ...note, token: '' }, 'http://127.0.0.1:8081/'), undefined);
    assert.equal(parseDashboardNote(null, 'http://127.0.0.1:8081/'), undefined);
    assert.ok(plausibleToken('Zm9v_bar-baz'));
    assert.ok(!plausibleToken('a\nb') && !plausibleToken('x'.repeat(513)) && !plausibleToken(5));
  });
});

describe('probe candidates and the pick', () => {
  test('order: the remembered URL, the default, then learned dashboards newest first; no repeats', () => {
    const known = [proxy(9002), proxy(9001), proxy(8081)];
    assert.deepEqual(probeCandidates('http://10.0.0.5:7000/some/path?token=x', known), [
      'http://10.0.0.5:7000',
      DEFAULT_PROXY_URL,
      'http://127.0.0.1:9002',
      'http://127.0.0.1:9001',
    ]);
    assert.deepEqual(probeCandidates(DEFAULT_PROXY_URL, []), [DEFAULT_PROXY_URL]);
    assert.deepEqual(probeCandidates('typing…', [proxy(9001)]), [DEFAULT_PROXY_URL, 'http://127.0.0.1:9001']);
    assert.deepEqual(probeCandidates('ftp://127.0.0.1:21', []), [DEFAULT_PROXY_URL]);
  });

  test('tokens to try: the learned one, then the one typed for that same proxy', () => {
    const known = [proxy(9001, 'learned')];
    const saved = { proxyUrl: 'http://127.0.0.1:9001/', proxyToken: 'typed' };
    assert.deepEqual(tokenCandidates('http://127.0.0.1:9001', known, saved), ['learned', 'typed']);
    assert.deepEqual(tokenCandidates('http://127.0.0.1:9002', known, saved), []);
    assert.deepEqual(tokenCandidates('http://127.0.0.1:9001', [], { ...saved, proxyToken: '' }), []);
  });

  /** A fetch where `servers` answers per origin, after a delay; anything else is refused. */
  function fakeFetch(servers: Record<string, { delay?: number; app?: string; token?: string }>) {
    const calls: string[] = [];
    const fn = async (url: string, init?: RequestInit): Promise<Response> => {
      calls.push(`${init?.method ?? 'GET'} ${url}`);
      const u = new URL(url);
      const s = servers[u.origin];
      if (!s) throw new TypeError('fetch failed');
      await new Promise((r) => setTimeout(r, s.delay ?? 0));
      if (init?.signal?.aborted) throw new DOMException('timeout', 'TimeoutError');
      if (u.pathname === '/api/hello')
        return Response.json({ app: s.app ?? 'sio-proxy', version: '9.9.9', schema: 1 });
      return new Response(null, { status: u.searchParams.get('token') === s.token ? 200 : 401 });
    };
    return { fn, calls };
  }

  test('all probed at once; the first in candidate order wins, not the fastest', async () => {
    const { fn, calls } = fakeFetch({
      'http://127.0.0.1:1': { delay: 60 },
      'http://127.0.0.1:2': { delay: 0 },
    });
    const started = Date.now();
    const found = await findProxy(
      ['http://127.0.0.1:3', 'http://127.0.0.1:1', 'http://127.0.0.1:2'],
      () => [],
      {
        fetch: fn,
      },
    );
    assert.equal(found?.origin, 'http://127.0.0.1:1');
    assert.deepEqual(found?.hello, { app: 'sio-proxy', version: '9.9.9', schema: 1 });
    assert.equal(found?.token, undefined);
    assert.equal(calls.length, 3);
    assert.ok(Date.now() - started < 500, 'in parallel');
  });

  test('a server that is not sio-proxy, a slow one and a dismissed one are passed over', async () => {
    const { fn, calls } = fakeFetch({
      'http://127.0.0.1:1': { app: 'something-else' },
      'http://127.0.0.1:2': { delay: 300 },
      'http://127.0.0.1:3': {},
      'http://127.0.0.1:4': {},
    });
    const found = await findProxy(
      ['http://127.0.0.1:1', 'http://127.0.0.1:2', 'http://127.0.0.1:3', 'http://127.0.0.1:4'],
      () => [],
      { fetch: fn, timeoutMs: 50, skip: (o) => o.endsWith(':3') },
    );
    assert.equal(found?.origin, 'http://127.0.0.1:4');
    assert.ok(!calls.some((c) => c.includes(':3/')), 'a dismissed proxy is not even asked');
  });

  test('the token offered is the first the proxy accepts; none when it takes none of them', async () => {
    const { fn, calls } = fakeFetch({ 'http://127.0.0.1:1': { token: 'good' } });
    const found = await findProxy(['http://127.0.0.1:1'], () => ['stale', 'good'], { fetch: fn });
    assert.equal(found?.token, 'good');
    assert.deepEqual(calls.slice(1), [
      'HEAD http://127.0.0.1:1/?token=stale',
      'HEAD http://127.0.0.1:1/?token=good',
    ]);
    const none = await findProxy(['http://127.0.0.1:1'], () => ['stale'], { fetch: fn });
    assert.equal(none?.origin, 'http://127.0.0.1:1');
    assert.equal(none?.token, undefined);
    assert.equal(await findProxy(['http://127.0.0.1:9'], () => ['x'], { fetch: fn }), undefined);
  });
});
