/**
 * What the service worker fetches for the panel's proxy probes (extension/src/discovery/
 * probe-message.ts): `GET <origin>/api/hello` and `HEAD <origin>/?token=…` of http(s) origins, and
 * nothing else, since any of the extension's pages may ask.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HELLO_PATH } from '../../shared/discovery.js';
import { allowedProbe, PROBE_MESSAGE } from '../../extension/src/discovery/probe-message.js';

const ask = (url: string, method = 'GET', timeoutMs = 1500) =>
  allowedProbe({ kind: PROBE_MESSAGE, url, method, timeoutMs }, HELLO_PATH);

test('the hello and the token check of an http(s) origin are made', () => {
  assert.deepEqual(ask(`http://127.0.0.1:8081${HELLO_PATH}`), {
    kind: PROBE_MESSAGE,
    url: `http://127.0.0.1:8081${HELLO_PATH}`,
    method: 'GET',
    timeoutMs: 1500,
  });
  assert.equal(ask('https://dash.example/?token=a%20b', 'HEAD')?.method, 'HEAD');
  assert.equal(ask(`http://[::1]:9000${HELLO_PATH}`, 'GET', 60_000)?.timeoutMs, 5000, 'timeout capped');
});

test('anything else is refused', () => {
  for (const [url, method] of [
    [`http://127.0.0.1:8081${HELLO_PATH}`, 'POST'],
    [`http://127.0.0.1:8081${HELLO_PATH}?x=1`, 'GET'],
    ['http://127.0.0.1:8081/api/sessions?token=t', 'GET'],
    ['http://127.0.0.1:8081/?token=t', 'GET'],
    ['http://127.0.0.1:8081/?token=t&x=1', 'HEAD'],
    ['http://127.0.0.1:8081/other?token=t', 'HEAD'],
    [`file:///etc${HELLO_PATH}`, 'GET'],
    ['not a url', 'GET'],
  ] as const)
    assert.equal(ask(url, method), undefined, `${method} ${url}`);
  assert.equal(
    allowedProbe({ url: `http://x${HELLO_PATH}`, method: 'GET', timeoutMs: 1 }, HELLO_PATH),
    undefined,
  );
  assert.equal(allowedProbe(null, HELLO_PATH), undefined);
});
