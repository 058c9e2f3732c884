import { defineConfig } from '@playwright/test';
import { CHROMIUM, CHROMIUM_FLAGS } from '../../e2e/support/browser.js';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  timeout: 30_000,
  outputDir: '../../test-results/playwright-examples',
  // Each test starts its own app and proxy on free ports: parallel workers are safe.
  fullyParallel: true,
  use: {
    browserName: 'chromium',
    // Debian's Chromium (Playwright cannot download its own browsers on this machine) with the flags
    // the repo's browser tests use; with Playwright's own browsers installed, drop launchOptions.
    launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_FLAGS },
  },
});
