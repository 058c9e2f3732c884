/**
 * `GET /api/hello` (proxy/ui/hello.ts), the dashboard's one route without the token, which the
 * DevTools extension probes to find a running proxy: it answers without the token, with the app, the
 * package version and the event schema and nothing else, lets only browser extensions read it
 * cross-origin, and opens no other door: every other route still answers 401 without the token.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { EVENT_SCHEMA_VERSION } from '../../shared/events.js';
import { startStreamEnv, upgradeStatus, TOKEN, type StreamEnv } from '../support/stream-env.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('/api/hello', () => {
  let env: StreamEnv;
  before(async () => {
    env = await startStreamEnv();
    // Something worth leaking, were the route to leak it: a session with an event.
    const socket = env.client();
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  });
  after(() => env.close());

  test('answers without the token: the app, its version and the event schema, nothing more', async () => {
    const res = await fetch(env.url('/api/hello', null));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const text = await res.text();
    assert.deepEqual(JSON.parse(text), {
      app: 'sio-proxy',
      version: pkg.version,
      schema: EVENT_SCHEMA_VERSION,
    });
    assert.ok(!text.includes(TOKEN), 'no token');
    assert.ok(!text.includes(env.target.url), 'no target');
    assert.ok(!text.includes(String(env.target.port)), 'no target port');
  });

  test('the same with a wrong token or any query: the route never reads them', async () => {
    for (const token of ['wrong', TOKEN]) {
      const res = await fetch(env.url('/api/hello', token));
      assert.deepEqual(await res.json(), {
        app: 'sio-proxy',
        version: pkg.version,
        schema: EVENT_SCHEMA_VERSION,
      });
    }
  });

  test('CORS: Access-Control-Allow-Origin for browser extensions only', async () => {
    for (const origin of ['chrome-extension://abcdefghijklmnop', 'moz-extension://0f6b1c2a-1111-2222']) {
      const res = await fetch(env.url('/api/hello', null), { headers: { Origin: origin } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('access-control-allow-origin'), origin, origin);
      assert.match(res.headers.get('vary') ?? '', /Origin/);
      await res.body?.cancel();
    }
    for (const origin of [undefined, env.origin, 'http://evil.example', 'null', 'chrome-extension:nope']) {
      const res = await fetch(env.url('/api/hello', null), { headers: origin ? { Origin: origin } : {} });
      assert.equal(res.status, 200, String(origin));
      assert.equal(res.headers.get('access-control-allow-origin'), null, String(origin));
      assert.equal(res.headers.get('access-control-allow-credentials'), null, String(origin));
      await res.body?.cancel();
    }
  });

  test('only GET and HEAD', async () => {
    const head = await fetch(env.url('/api/hello', null), { method: 'HEAD' });
    assert.equal(head.status, 200);
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const res = await fetch(env.url('/api/hello', null), { method });
      assert.equal(res.status, 405, method);
      await res.body?.cancel();
    }
  });

  test('every other route still needs the token', async () => {
    for (const path of [
      '/',
      '/api/sessions',
      '/api/capture',
      '/api/packets/1',
      '/api/har',
      '/api/hello/x',
      '/api/hellox',
      '/api/Hello',
    ]) {
      const res = await fetch(env.url(path, null));
      assert.equal(res.status, 401, path);
      await res.body?.cancel();
    }
    assert.equal(await upgradeStatus(env.url('/api/events', null, 'ws')), 401, 'the event stream');
    assert.equal(await upgradeStatus(env.url('/api/hello', null, 'ws')), 401, 'no WebSocket at /api/hello');
  });
});
