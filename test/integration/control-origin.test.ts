/**
 * Who may use the control API (issue #13's DevTools tab): with the token, requests without an Origin
 * (curl, scripts, the library), from the dashboard's own page and from a browser extension's page
 * (the DevTools tab, chrome-extension://) are served; a page of any other origin is refused 403, even
 * with the token, so a leaked token cannot be used from a web page to change traffic.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { createProxy, type SioProxy } from '../../proxy/api.js';
import { startTarget, type Target } from '../support/harness.js';

let target: Target;
let proxy: SioProxy;
let dashboard: URL;

before(async () => {
  target = await startTarget();
  proxy = await createProxy({ target: target.url, dashboard: { port: 0, token: 't' } });
  dashboard = new URL(proxy.dashboardUrl!);
});

after(async () => {
  await proxy.close();
  await target.close();
});

/** A request with exactly these headers (fetch would add or refuse some). */
function call(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: dashboard.hostname, port: dashboard.port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const RULE = JSON.stringify({ match: { event: 'never-sent' }, action: { kind: 'drop' } });
const BEARER = { Authorization: 'Bearer t', 'Content-Type': 'application/json' };

test('no Origin, the dashboard’s own origin and an extension page: served with the token', async () => {
  assert.equal((await call('GET', '/api/rules', BEARER)).status, 200);
  const own = { ...BEARER, Origin: dashboard.origin };
  assert.equal((await call('POST', '/api/rules', own, RULE)).status, 201);
  const devtools = { ...BEARER, Origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop' };
  const added = await call('POST', '/api/rules', devtools, RULE);
  assert.equal(added.status, 201);
  const id = (JSON.parse(added.body) as { id: string }).id;
  assert.equal((await call('DELETE', `/api/rules/${id}`, devtools)).status, 204);
  assert.equal((await call('GET', '/api/paused', { ...devtools })).status, 200);
});

test('another origin is refused 403 with the token, and nothing is armed; the token is still required', async () => {
  const before = JSON.parse((await call('GET', '/api/rules', BEARER)).body) as unknown[];
  // A form post from a page elsewhere: no preflight, the token in the query.
  const forged = await call(
    'POST',
    '/api/rules?token=t',
    { Origin: 'http://evil.example', 'Content-Type': 'text/plain' },
    RULE,
  );
  assert.equal(forged.status, 403);
  assert.match(JSON.parse(forged.body).error, /origin http:\/\/evil\.example may not use the control API/);
  for (const origin of [
    'null',
    `http://localhost:${Number(dashboard.port) + 1}`,
    'https://x.chrome-extension.example',
  ])
    assert.equal((await call('GET', '/api/rules', { ...BEARER, Origin: origin })).status, 403, origin);
  assert.deepEqual(JSON.parse((await call('GET', '/api/rules', BEARER)).body), before);
  const devtools = { Origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop' };
  assert.equal((await call('GET', '/api/rules', devtools)).status, 401, 'an extension needs the token too');
});
