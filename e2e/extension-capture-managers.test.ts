/**
 * The DevTools extension's in-page capture with two socket.io-client Managers on one endpoint
 * (`forceNew`): the capture sees their sockets, not the Managers, so it gives each its own client
 * while both are open, and a reconnect of one beside the other is not stated as certain.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Socket } from 'socket.io';
import type { Target } from '../test/support/harness.js';
import { startAppTarget } from './support/app-target.js';
import {
  launchWithExtension,
  panelAttempts,
  panelSnapshot,
  waitForPanel,
  type ExtensionBrowser,
} from './support/extension.js';

const PAGE = `<!doctype html><meta charset="utf-8"><title>two managers</title>
<script src="/socket.io/socket.io.js"></script>
<script>
  window.a = io({ forceNew: true, auth: { user: 'a' } });
  window.b = io({ forceNew: true, auth: { user: 'b' } });
</script>`;

type PageWindow = Record<'a' | 'b', { connected: boolean; io: { engine: { id: string } } }>;

let target: Target;
let ext: ExtensionBrowser;
const byUser = new Map<string, Socket>();

before(async () => {
  target = await startAppTarget({ '/two': PAGE });
  target.io.on('connection', (s) => byUser.set(String((s.handshake.auth as { user?: string }).user), s));
  ext = await launchWithExtension();
});

after(async () => {
  await ext?.close();
  await target?.close();
});

test('two Managers of one endpoint: two clients, and the reconnect of one is filed under it, not as certain', async () => {
  const page = await ext.context.newPage();
  await page.goto(`${target.url}/two`);
  await page.waitForFunction(() => {
    const w = window as unknown as PageWindow;
    return w.a.connected && w.b.connected;
  });
  const [sidA, sidB] = await page.evaluate(() => {
    const w = window as unknown as PageWindow;
    return [w.a.io.engine.id, w.b.io.engine.id];
  });
  const panel = await ext.openPanel(await ext.tabIdOf(page));
  const first = await waitForPanel(
    panel,
    (s) => [sidA, sidB].every((sid) => s.sessions.some((x) => x.sid === sid)),
    'both sessions',
  );
  const keyOf = (sid: string) => first.sessions.find((x) => x.sid === sid)?.clientKey;
  assert.notEqual(keyOf(sidA), keyOf(sidB), 'each Manager its own client');

  // The server drops b's connection: its Manager reconnects, a's stays open.
  byUser.get('b')?.conn.close();
  await page.waitForFunction((old) => {
    const w = window as unknown as PageWindow;
    return w.b.connected && w.b.io.engine.id !== old;
  }, sidB);
  const sidB2 = await page.evaluate(() => (window as unknown as PageWindow).b.io.engine.id);
  await waitForPanel(panel, (s) => s.sessions.some((x) => x.sid === sidB2), 'the reconnect');
  const reconnect = (await panelAttempts(panel)).find((x) => x.sessionId === sidB2);
  assert.ok(reconnect, 'an attempt for the new session');
  assert.deepEqual([reconnect.clientKey, reconnect.attempt], [keyOf(sidB), 1], JSON.stringify(reconnect));
  assert.notEqual(reconnect.confidence, 'certain', JSON.stringify(reconnect));
  assert.equal((await panelSnapshot(panel)).sessions.find((x) => x.sid === sidA)?.closeReason, undefined);
  await panel.close();
  await page.close();
});
