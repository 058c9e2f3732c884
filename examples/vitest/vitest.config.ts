import { defineConfig } from 'vitest/config';

export default defineConfig({
  // This repo imports its own package: the `source` export is the TypeScript (a user's project
  // resolves `sio-proxy` from node_modules and needs no such line).
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: { include: ['examples/vitest/**/*.test.ts'], testTimeout: 15_000 },
});
