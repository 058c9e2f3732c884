/**
 * The demo's /flaky namespace drops a bot now and then (issue #10): the bot comes back on the same
 * Manager, so the stream must show one client with a reconnect, not a second client of that name.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startDemoApp } from '../../proxy/demo/demo-app.js';
import { startDemoClients } from '../../proxy/demo/demo-clients.js';
import type { AttemptEvent, SessionEvent } from '../../shared/events.js';
import { startProxy, waitFor } from '../support/harness.js';

test('a bot the /flaky namespace drops stays one client, with a reconnect', { timeout: 30_000 }, async () => {
  const app = await startDemoApp({ flakyIntervalMs: 400 });
  const proxy = await startProxy(app.url);
  const bots = startDemoClients(proxy.url, { count: 1, intervalMs: 10_000 });
  try {
    // Two drops (one of each kind: a DISCONNECT with the connection closed, a bare close) and back.
    await waitFor(
      () =>
        proxy.events.filter((e): e is AttemptEvent => e.type === 'attempt' && e.outcome === 'connected')
          .length >= 3,
      20_000,
    );
    const sessions = proxy.events.filter((e): e is SessionEvent => e.type === 'session');
    const attempts = proxy.events.filter(
      (e): e is AttemptEvent => e.type === 'attempt' && e.outcome === 'connected',
    );
    assert.equal(new Set(attempts.map((a) => a.clientKey)).size, 1, 'one client');
    assert.deepEqual(
      attempts.map((a) => a.attempt >= 1),
      attempts.map((_, i) => i > 0),
      'the first is attempt 0, every later session a reconnect',
    );
    assert.ok(sessions.length >= 3);
  } finally {
    bots.close();
    await proxy.close();
    await app.close();
  }
});
