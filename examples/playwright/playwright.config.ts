import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  timeout: 30_000,
  outputDir: '../../test-results/playwright-examples',
  // Each test starts its own app and proxy on free ports: parallel workers are safe.
  fullyParallel: true,
  use: {
    browserName: 'chromium',
    // Debian's Chromium (Playwright cannot download its own browsers on this machine); without the
    // background-networking flags it keeps dialling out.
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
