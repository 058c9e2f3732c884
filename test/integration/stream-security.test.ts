/**
 * Who may read the stream: every route needs the token (401 without it or with a wrong one), and the
 * WebSocket also checks Origin (403 for a web page of another site; the dashboard's own origin, its
 * loopback equivalents and browser extensions are let in).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startStreamEnv, upgradeStatus, type StreamEnv } from '../support/stream-env.js';

describe('event stream: token and Origin', () => {
  let env: StreamEnv;
  let port: string;
  before(async () => {
    env = await startStreamEnv();
    port = new URL(env.origin).port;
  });
  after(() => env.close());

  for (const path of ['/api/events', '/api/packets/1', '/api/capture']) {
    test(`${path}: 401 without the token or with a wrong one`, async () => {
      for (const token of [null, 'wrong', '']) {
        const http = await fetch(env.url(path, token));
        assert.equal(http.status, 401, `GET with token ${token}`);
        assert.match(await http.text(), /missing or wrong token/);
        assert.equal(await upgradeStatus(env.url(path, token, 'ws')), 401, `upgrade with token ${token}`);
      }
      const bearer = await fetch(env.url(path, null), { headers: { Authorization: 'Bearer test-token' } });
      assert.notEqual(bearer.status, 401, 'Authorization: Bearer works too');
      await bearer.body?.cancel();
    });
  }

  test('/api/events: 403 for a foreign Origin', async () => {
    const url = env.url('/api/events', undefined, 'ws');
    for (const origin of [
      'http://evil.example',
      `http://evil.example:${port}`,
      'https://127.0.0.1:' + port,
      `http://127.0.0.1:${Number(port) + 1}`,
      'null',
      'file://',
    ]) {
      assert.equal(await upgradeStatus(url, { Origin: origin }), 403, origin);
    }
  });

  test('/api/events: no Origin, the dashboard origin and extensions are accepted', async () => {
    const url = env.url('/api/events', undefined, 'ws');
    for (const origin of [
      undefined,
      env.origin,
      `http://localhost:${port}`,
      `http://[::1]:${port}`,
      'chrome-extension://abcdefghijklmnop',
      'moz-extension://0f6b1c2a-1111-2222-3333-444455556666',
    ]) {
      assert.equal(await upgradeStatus(url, origin ? { Origin: origin } : {}), 101, String(origin));
    }
  });

  test('the HTTP routes answer only GET', async () => {
    const res = await fetch(env.url('/api/capture'), { method: 'POST' });
    assert.equal(res.status, 405);
    await res.body?.cancel();
  });
});
