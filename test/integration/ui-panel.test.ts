/**
 * The dashboard server serves the built panel (proxy/ui/panel-files.ts): the page behind the token
 * with no-store, its assets without the token and with their content types, nothing outside the
 * panel's directory, every /api/* route still behind the token; and, when the panel is not built, a
 * page that says to run `npm run build`. Either page is marked as a sio-proxy dashboard (a meta tag
 * the DevTools extension looks for before it remembers the page's token); nothing else is.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ProxyServer } from '../../proxy/proxy-server.js';
import { UiServer } from '../../proxy/ui/ui-server.js';

const TOKEN = 'panel-token';
/** The server reads only the session table and the target from the proxy, for /api/sessions. */
const proxy = { sessions: new Map(), target: new URL('http://127.0.0.1:1') } as unknown as ProxyServer;

async function start(panelDir: string | false): Promise<{ ui: UiServer; base: string }> {
  const ui = new UiServer(proxy, TOKEN, { panelDir });
  const a: AddressInfo = await ui.listen(0, '127.0.0.1');
  return { ui, base: `http://127.0.0.1:${a.port}` };
}

describe('with panel/dist built', () => {
  let dir: string;
  let ui: UiServer;
  let base: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sio-panel-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><script type="module" src="./assets/app-1a2b.js"></script>',
    );
    writeFileSync(join(dir, 'assets/app-1a2b.js'), 'console.log("panel")');
    writeFileSync(join(dir, 'assets/app-1a2b.css'), 'body{}');
    writeFileSync(join(tmpdir(), 'sio-panel-secret.txt'), 'secret');
    ({ ui, base } = await start(dir));
  });

  after(async () => {
    await ui.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(join(tmpdir(), 'sio-panel-secret.txt'), { force: true });
  });

  test('the page needs the token and is not cached', async () => {
    const page = await fetch(`${base}/?token=${TOKEN}`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(page.headers.get('cache-control'), 'no-store');
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
    const html = await page.text();
    assert.match(html, /app-1a2b\.js/);
    assert.equal((await fetch(`${base}/`)).status, 401);
    // In the page's head, where the extension's content script reads it.
    assert.match(html, /^<!doctype html><meta name="sio-proxy-dashboard" content="1"><script/);
    assert.equal(Number(page.headers.get('content-length')), Buffer.byteLength(html));
  });

  test('only the page carries the dashboard mark', async () => {
    for (const path of ['/assets/app-1a2b.js', '/api/hello', `/api/sessions?token=${TOKEN}`, '/']) {
      const text = await (await fetch(`${base}${path}`)).text();
      assert.ok(!text.includes('sio-proxy-dashboard'), path);
    }
  });

  test('assets are served without the token, with their content types', async () => {
    const js = await fetch(`${base}/assets/app-1a2b.js`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.match(js.headers.get('cache-control') ?? '', /immutable/);
    assert.equal(await js.text(), 'console.log("panel")');
    const css = await fetch(`${base}/assets/app-1a2b.css`);
    assert.match(css.headers.get('content-type') ?? '', /^text\/css/);
  });

  test('nothing outside the panel directory, and unknown paths still need the token', async () => {
    for (const path of [
      '/assets/../../sio-panel-secret.txt',
      '/assets/%2e%2e/%2e%2e/sio-panel-secret.txt',
      '/nope.js',
    ]) {
      const res = await fetch(`${base}${path}`);
      assert.equal(res.status, 401, path);
    }
  });

  test('every /api/* route keeps the token check', async () => {
    assert.equal((await fetch(`${base}/api/sessions`)).status, 401);
    assert.equal((await fetch(`${base}/api/sessions?token=${TOKEN}`)).status, 200);
  });
});

test('without panel/dist, the page says to run `npm run build` above the status page', async () => {
  const { ui, base } = await start(false);
  try {
    const res = await fetch(`${base}/?token=${TOKEN}`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /npm run build/);
    assert.match(text, /api\/sessions/);
    assert.match(text, /<head><meta name="sio-proxy-dashboard" content="1">/);
  } finally {
    await ui.close();
  }
});
