/**
 * The DevTools extension's in-page capture: a real socket.io-client page (socket.io@4 serving
 * /socket.io/socket.io.js: polling, the upgrade, emits, an ack, binary) seen by the extension with
 * no proxy, shown in the panel page of that tab and of no other tab.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Target } from '../test/support/harness.js';
import { answerEchoAndBytes, startAppTarget } from './support/app-target.js';
import { launchWithExtension, waitForPanel, type ExtensionBrowser } from './support/extension.js';

// `?name=` names the page's client; it emits `hello-<name>` so each tab's traffic is recognisable.
const PAGE = `<!doctype html><meta charset="utf-8"><title>capture</title>
<script src="/socket.io/socket.io.js"></script>
<script>
  const name = new URLSearchParams(location.search).get('name');
  window.socket = io({ auth: { user: name } });
  window.log = [];
  socket.on('connect', () => {
    socket.emit('hello-' + name, { n: 1 });
    socket.emit('echo', 'round trip', (v) => log.push('echo ' + v));
    socket.emit('bytes', (b) => log.push('bytes ' + new Uint8Array(b).join(',')));
  });
</script>`;

let target: Target;
let ext: ExtensionBrowser;

before(async () => {
  target = await startAppTarget({ '/?': PAGE });
  answerEchoAndBytes(target.io, [0, 1, 2, 253, 254, 255]);
  ext = await launchWithExtension();
});

after(async () => {
  await ext?.close();
  await target?.close();
});

async function openApp(name: string): Promise<{ page: Page; tabId: number }> {
  const page = await ext.context.newPage();
  await page.goto(`${target.url}/?name=${name}`);
  await page.waitForFunction(() => (window as unknown as { log: string[] }).log.length === 2);
  await page.waitForFunction(
    () =>
      (window as unknown as { socket: { io: { engine: { transport: { name: string } } } } }).socket.io.engine
        .transport.name === 'websocket',
  );
  return { page, tabId: await ext.tabIdOf(page) };
}

test('the panel shows the page’s session, its packets, the ack and binary, with no proxy', async () => {
  const { page, tabId } = await openApp('a');
  const sid = await page.evaluate(
    () => (window as unknown as { socket: { io: { engine: { id: string } } } }).socket.io.engine.id,
  );
  const panel = await ext.openPanel(tabId);
  const snap = await waitForPanel(
    panel,
    (s) =>
      s.sessions.some((x) => x.sid === sid && x.transport === 'websocket') &&
      s.packets.some((p) => p.sio === 'BINARY_ACK'),
    'the session upgraded and the binary ack',
  );
  assert.equal(snap.source?.kind, 'devtools');
  assert.equal(snap.state, 'connected');
  assert.deepEqual(snap.sessions.find((s) => s.sid === sid)?.namespaces, ['/']);

  const mine = snap.packets.filter((p) => p.sid === sid);
  const events = mine.filter((p) => p.direction === 'c2s' && p.event).map((p) => p.event);
  assert.deepEqual(events, ['hello-a', 'echo', 'bytes']);
  assert.ok(
    mine.some((p) => p.transport === 'polling') && mine.some((p) => p.transport === 'websocket'),
    'packets of both transports',
  );
  assert.ok(
    mine.some((p) => p.engine === 'ping' && p.direction === 'c2s' && p.transport === 'websocket'),
    'the probe',
  );
  // The ack of `echo` is linked to its event; the binary ack carries one 6-byte attachment.
  const echo = mine.find((p) => p.event === 'echo');
  const ack = mine.find((p) => p.sio === 'ACK');
  assert.ok(
    echo && ack && echo.linkSeq === ack.seq,
    `echo ${JSON.stringify(echo)} ack ${JSON.stringify(ack)}`,
  );
  assert.deepEqual(mine.find((p) => p.sio === 'BINARY_ACK')?.attachments, [6]);
  assert.deepEqual(snap.attempts, [
    { clientKey: snap.attempts[0]?.clientKey ?? '', attempt: 0, outcome: 'connected' },
  ]);

  // And on screen, through the testids the dashboard tests use.
  await panel.getByTestId('session-item').first().waitFor();
  assert.equal(await panel.getByTestId('source-label').getAttribute('data-kind'), 'devtools');
  assert.match((await panel.getByTestId('ext-source-note').textContent()) ?? '', /cannot know rooms/);
  await panel.getByTestId('packet-row').filter({ hasText: 'hello-a' }).first().waitFor();
  await panel.close();
  await page.close();
});

test('one tab’s traffic does not reach another tab’s panel', async () => {
  const a = await openApp('left');
  const b = await openApp('right');
  const panelA = await ext.openPanel(a.tabId);
  const panelB = await ext.openPanel(b.tabId);
  // Live traffic after both panels are open, not only the replay of what came before.
  await a.page.evaluate(() =>
    (window as unknown as { socket: { emit(e: string): void } }).socket.emit('later-left'),
  );
  await b.page.evaluate(() =>
    (window as unknown as { socket: { emit(e: string): void } }).socket.emit('later-right'),
  );
  const snapA = await waitForPanel(
    panelA,
    (s) => s.packets.some((p) => p.event === 'later-left'),
    'later-left',
  );
  const snapB = await waitForPanel(
    panelB,
    (s) => s.packets.some((p) => p.event === 'later-right'),
    'later-right',
  );
  const names = (s: typeof snapA) => new Set(s.packets.map((p) => p.event).filter(Boolean));
  assert.ok(
    names(snapA).has('hello-left') && !names(snapA).has('hello-right') && !names(snapA).has('later-right'),
  );
  assert.ok(
    names(snapB).has('hello-right') && !names(snapB).has('hello-left') && !names(snapB).has('later-left'),
  );
  assert.equal(snapA.sessions.length, 1);
  assert.equal(snapB.sessions.length, 1);
  assert.notEqual(snapA.sessions[0]?.sid, snapB.sessions[0]?.sid);
  for (const p of [panelA, panelB, a.page, b.page]) await p.close();
});
