/**
 * Builds the panel (panel/src) into panel/dist, which the dashboard server serves and `npm pack`
 * ships. `base: './'` keeps every asset URL relative, so the same build works at `/` of the
 * dashboard and inside the DevTools extension's own page.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The dashboard is opened from localhost: one bundle, no sourcemaps shipped in the package.
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
  },
});
