/** The live source's label names what it connects to: the dashboard's address, not "proxy". */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProxySource } from '../../panel/src/source/proxy-source.js';

test('the header names the dashboard and its port, and does not call it the proxy', () => {
  const { info } = new ProxySource({ origin: 'http://127.0.0.1:8081', token: 't' });
  assert.equal(info.label, 'live: dashboard 127.0.0.1:8081');
  assert.doesNotMatch(`${info.label}\n${info.detail}`, /proxy 127|proxy at/);
});
