/**
 * Smoke test of the extension inside real DevTools: a socket.io-client page is inspected with
 * Chromium's own DevTools (opened by `Target.openDevTools`, docked at the bottom), the "Socket.IO"
 * tab is opened, and its panel frame lists the page's live session.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Frame, type Page } from 'playwright-core';
import { waitFor, type Target } from '../test/support/harness.js';
import { startAppTarget } from './support/app-target.js';
import { CHROMIUM, CHROMIUM_FLAGS } from './support/browser.js';
import { EXTENSION_DIR, ensureExtensionBuilt } from './support/extension.js';

const PAGE = `<!doctype html><meta charset="utf-8"><title>devtools smoke</title>
<script src="/socket.io/socket.io.js"></script>
<script>window.socket = io();</script>`;

let target: Target;
let context: BrowserContext | undefined;
let cdp: Browser | undefined;
let userDataDir: string | undefined;

before(async () => {
  target = await startAppTarget({ '/app': PAGE });
  ensureExtensionBuilt();
  userDataDir = mkdtempSync(join(tmpdir(), 'sio-devtools-'));
  // Docked at the bottom, the extension's tab is in DevTools' main tab strip.
  mkdirSync(join(userDataDir, 'Default'));
  writeFileSync(
    join(userDataDir, 'Default/Preferences'),
    JSON.stringify({ devtools: { preferences: { currentDockState: '"bottom"' } } }),
  );
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: false,
    viewport: null,
    args: [
      '--headless=new',
      '--window-size=1600,1000',
      '--remote-debugging-port=0',
      `--disable-extensions-except=${EXTENSION_DIR}`,
      `--load-extension=${EXTENSION_DIR}`,
      ...CHROMIUM_FLAGS,
    ],
  });
});

after(async () => {
  await cdp?.close();
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  await target?.close();
});

test('the Socket.IO tab of real DevTools lists the page’s live session', { timeout: 40_000 }, async () => {
  const page = context!.pages()[0] ?? (await context!.newPage());
  await page.goto(`${target.url}/app`);
  await page.waitForFunction(
    () => (window as unknown as { socket: { connected: boolean } }).socket.connected,
  );
  const sid = await page.evaluate(
    () => (window as unknown as { socket: { io: { engine: { id: string } } } }).socket.io.engine.id,
  );

  // Target.openDevTools is a browser-level command, and DevTools' own page is only reachable through
  // a second CDP connection (the persistent context's pipe does not show it). That page is a target
  // of type "other", which Playwright attaches to as a page only with PW_CHROMIUM_ATTACH_TO_OTHER.
  const port = readFileSync(join(userDataDir!, 'DevToolsActivePort'), 'utf8').split('\n')[0];
  process.env.PW_CHROMIUM_ATTACH_TO_OTHER = '1';
  let devtools: Page;
  try {
    const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
    cdp = browser;
    const browserSession = await browser.newBrowserCDPSession();
    const { targetInfos } = (await browserSession.send('Target.getTargets')) as {
      targetInfos: { targetId: string; type: string; url: string }[];
    };
    const pageTarget = targetInfos.find((t) => t.type === 'page' && t.url === page.url());
    assert.ok(pageTarget, 'the app page is a target');
    await browserSession.send('Target.openDevTools' as never, { targetId: pageTarget.targetId } as never);
    devtools = await waitFor(
      () =>
        browser
          .contexts()
          .flatMap((c) => c.pages())
          .find((p) => p.url().startsWith('devtools://devtools/')),
      10_000,
      'the DevTools page',
    );
  } finally {
    delete process.env.PW_CHROMIUM_ATTACH_TO_OTHER;
  }

  const tab = devtools.locator('.tabbed-pane-header-tab', { hasText: 'Socket.IO' }).first();
  await tab.waitFor({ timeout: 15_000 });
  await tab.click();

  const panel = await waitFor(
    () => devtools.frames().find((f: Frame) => /^chrome-extension:\/\/[^/]+\/panel\.html/.test(f.url())),
    10_000,
    'the panel frame',
  );
  const item = panel.locator(`[data-testid="session-item"][data-sid="${sid}"]`);
  await item.waitFor({ timeout: 10_000 });
  assert.equal(await item.getAttribute('data-sid'), sid);
});
