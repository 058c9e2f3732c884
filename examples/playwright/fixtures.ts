/**
 * A Playwright Test fixture that gives each test the app behind its own sio-proxy: `sioProxy` (not
 * `proxy`: Playwright has an option of that name) is started in front of `app` before the test and
 * closed after it, and `page` opens the app through the proxy, so every Socket.IO packet of the
 * page crosses it.
 */
import { test as base } from '@playwright/test';
import { createProxy, type SioProxy } from 'sio-proxy';
import { startChatApp, type ChatApp } from './chat-app.js';

export const test = base.extend<{ app: ChatApp; sioProxy: SioProxy }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from it
  app: async ({}, use) => {
    const app = await startChatApp();
    await use(app);
    await app.close();
  },
  sioProxy: async ({ app }, use) => {
    const proxy = await createProxy({ target: app.url });
    await use(proxy);
    await proxy.close();
  },
  // The page loads the app from the proxy's URL: the page and its Socket.IO share that origin.
  page: async ({ page, sioProxy }, use) => {
    await page.goto(sioProxy.url);
    await use(page);
  },
});

export { expect } from '@playwright/test';
