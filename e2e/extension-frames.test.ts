/**
 * In-page capture in iframes: the content scripts run in every frame, so a socket.io-client running
 * in a same-origin iframe shows in the panel of its tab next to the top page's own client, marked as
 * the iframe's; reloading the iframe ends its session only, not the top page's (nor the panel's view).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Frame } from 'playwright-core';
import type { Target } from '../test/support/harness.js';
import { startAppTarget } from './support/app-target.js';
import { launchWithExtension, waitForPanel, type ExtensionBrowser } from './support/extension.js';

const client = (name: string) => `<script src="/socket.io/socket.io.js"></script>
<script>
  window.socket = io({ reconnection: false });
  socket.on('connect', () => socket.emit('hello-' + ${JSON.stringify(name)}));
</script>`;
const TOP = `<!doctype html><meta charset="utf-8"><title>top</title>${client('top')}
<iframe id="child" src="/frame.html"></iframe>`;
const FRAME = `<!doctype html><meta charset="utf-8"><title>frame</title>${client('frame')}`;

let target: Target;
let ext: ExtensionBrowser;

before(async () => {
  target = await startAppTarget({ '/?': TOP, '/frame.html': FRAME });
  ext = await launchWithExtension();
});

after(async () => {
  await ext?.close();
  await target?.close();
});

type Win = { socket: { connected: boolean; io: { engine: { id: string } } } };
const connected = (f: Frame) => f.waitForFunction(() => (window as unknown as Win).socket?.connected);
const engineId = (f: Frame) => f.evaluate(() => (window as unknown as Win).socket.io.engine.id);

test('an iframe’s client shows in its tab’s panel, and its reload ends its session only', async () => {
  const page = await ext.context.newPage();
  await page.goto(`${target.url}/?frames=1`);
  const frameOf = () => {
    const f = page.frames().find((x) => x.url().endsWith('/frame.html'));
    assert.ok(f, 'the iframe');
    return f;
  };
  await connected(page.mainFrame());
  await connected(frameOf());
  const topSid = await engineId(page.mainFrame());
  const frameSid = await engineId(frameOf());
  const tabId = await ext.tabIdOf(page);
  const panel = await ext.openPanel(tabId);

  let snap = await waitForPanel(
    panel,
    (s) => s.packets.some((p) => p.event === 'hello-top') && s.packets.some((p) => p.event === 'hello-frame'),
    'both clients’ emits',
  );
  const top = snap.sessions.find((s) => s.sid === topSid);
  const inFrame = snap.sessions.find((s) => s.sid === frameSid);
  assert.ok(top && inFrame, `both sessions: ${JSON.stringify(snap.sessions)}`);
  assert.equal(snap.packets.find((p) => p.event === 'hello-frame')?.sid, frameSid);
  // Two clients, the iframe's named by its document.
  assert.notEqual(top.clientKey, inFrame.clientKey);
  assert.match(inFrame.clientKey, /\(iframe http:\/\/127\.0\.0\.1:\d+\/frame\.html\)$/);
  assert.doesNotMatch(top.clientKey, /iframe/);

  // The iframe reloads: a new document in that frame, not in the tab.
  await page.evaluate(() =>
    (document.getElementById('child') as HTMLIFrameElement).contentWindow?.location.reload(),
  );
  await page.waitForFunction((old) => {
    const w = (document.getElementById('child') as HTMLIFrameElement).contentWindow as unknown as Win;
    return w.socket?.connected && w.socket.io.engine.id !== old;
  }, frameSid);
  const frameSid2 = await engineId(frameOf());
  snap = await waitForPanel(
    panel,
    (s) =>
      s.sessions.some((x) => x.sid === frameSid2) &&
      s.sessions.some((x) => x.sid === frameSid && x.closeReason) &&
      s.packets.filter((p) => p.event === 'hello-frame').length >= 2,
    'the reloaded iframe’s new session with its emit, and its old one closed',
  );
  assert.equal(snap.sessions.find((s) => s.sid === frameSid)?.closeReason, 'transport close');
  // The top page's session goes on, in the same view (the panel did not start over).
  const stillTop = snap.sessions.find((s) => s.sid === topSid);
  assert.ok(stillTop && stillTop.closeReason === undefined, JSON.stringify(stillTop));
  assert.equal(snap.packets.filter((p) => p.event === 'hello-frame').length, 2);
  assert.equal(snap.packets.filter((p) => p.event === 'hello-top').length, 1);
  await panel.close();
  await page.close();
});
